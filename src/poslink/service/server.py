"""Starting the service: checks that fail fast, then uvicorn with one or more workers."""

from __future__ import annotations

import copy
import logging.config
import os
import tempfile
from pathlib import Path
from typing import Any

from poslink.domain.knowledge import load_category_table
from poslink.exceptions import CatalogError, ConfigError
from poslink.service.keys import KeyStore
from poslink.service.settings import ServiceSettings
from poslink.service.workers import supervise
from poslink.store.db import DecisionStore

APP = "poslink.service.app:create_app"


def preflight(settings: ServiceSettings) -> list[str]:
    """Check what can be checked before any worker starts; the warnings to show.

    The index itself is read by each worker (a bad one stops the service with its error).
    """
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise ConfigError(
            f"poslink serve needs the serve extra ({exc.name} is missing): "
            "pip install 'poslink[serve]'"
        ) from None
    if settings.index is not None and not settings.index.is_file():
        raise CatalogError(f"{settings.index}: no such index file")
    load_category_table(settings.category_table)
    with DecisionStore(settings.decisions) as store:
        active = [k for k in KeyStore(store).list() if k.active]
    if not active:
        return [
            "no active API key in the decision store: every request but /health is refused "
            "(add one with `poslink serve key add NAME`)"
        ]
    return []


def log_config() -> dict[str, Any]:
    """uvicorn's logging, with poslink's service messages on the same stream."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["poslink"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def serve(
    settings: ServiceSettings, host: str, port: int, *, access_log: bool = False
) -> str | None:
    """Serve until stopped (SIGINT, SIGTERM); why it stopped early, when it did."""
    import uvicorn

    options: dict[str, Any] = {
        "access_log": access_log,
        "log_config": log_config(),
        "server_header": False,
        "timeout_graceful_shutdown": 10,
    }
    with tempfile.TemporaryDirectory(prefix="poslink-serve-") as tmp:
        failure = Path(tmp) / "failure"
        settings = settings.model_copy(update={"failure_file": failure})
        # Worker processes start fresh and read their settings from the environment.
        os.environ.update(settings.to_environment())
        if settings.workers > 1:
            # The supervisor's own lines as uvicorn's; poslink's other messages (an error
            # that stops the command) keep the CLI's one-line form.
            supervisor = copy.deepcopy(options["log_config"])
            supervisor["loggers"]["poslink.service"] = supervisor["loggers"].pop("poslink")
            logging.config.dictConfig(supervisor)
            started = supervise(APP, host, port, settings.workers, options)
        else:
            try:
                uvicorn.run(APP, factory=True, host=host, port=port, **options)
                started = True
            except SystemExit as exc:  # uvicorn's way of saying it could not start
                started = not exc.code
        if failure.exists():
            return failure.read_text(encoding="utf-8").strip()
        if not started:
            return f"the server could not start on {host}:{port} (see above)"
    return None
