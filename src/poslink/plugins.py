"""Plugin registries: sources, catalogs, sinks and engines found by entry point or dotted path.

Built-in plugins register through the same entry point groups as third-party ones
(see ``pyproject.toml``), so ``poslink sources`` lists both alike.
"""

from __future__ import annotations

import importlib
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import Literal

from poslink.exceptions import PluginError

Kind = Literal["sources", "catalogs", "sinks", "engines"]

# The extra that brings each optional dependency, for the hint when a plugin cannot import it.
EXTRAS = {"pyspark": "spark", "pandas": "spark", "sqlalchemy": "postgres", "psycopg": "postgres"}


@cache
def available(kind: Kind) -> dict[str, EntryPoint]:
    """The installed plugins of one kind, by short name."""
    return {ep.name: ep for ep in entry_points(group=f"poslink.{kind}")}


def load(kind: Kind, name: str) -> type:
    """The plugin class named ``name``: a short name, ``module:Class`` or ``module.Class``."""
    known = available(kind)
    try:
        if name in known:
            obj = known[name].load()
        elif ":" in name or "." in name:
            module, _, attr = name.replace(":", ".").rpartition(".")
            obj = getattr(importlib.import_module(module), attr)
        else:
            names = ", ".join(sorted(known)) or "none installed"
            raise PluginError(f"unknown {kind[:-1]} {name!r} (known: {names})")
    except PluginError:
        raise
    except ImportError as exc:
        extra = EXTRAS.get((exc.name or "").split(".")[0])
        hint = f"; install it with: pip install 'poslink[{extra}]'" if extra else ""
        raise PluginError(f"{kind[:-1]} {name!r} cannot be loaded: {exc}{hint}") from exc
    except (AttributeError, ValueError) as exc:
        raise PluginError(f"{kind[:-1]} {name!r} cannot be loaded: {exc}") from exc
    if not isinstance(obj, type):
        raise PluginError(f"{kind[:-1]} {name!r} is not a class")
    return obj
