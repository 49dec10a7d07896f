"""A command whose optional extra is not installed says, in one line, which extra to install."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import EXAMPLES, poslink

CATALOG = EXAMPLES / "jane/catalog.db"


def _without(module: str, folder: Path) -> dict[str, str]:
    """An environment in which importing ``module`` fails as it does when it is not installed."""
    shadow = folder / module
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text(
        f"raise ModuleNotFoundError(\"No module named '{module}'\", name={module!r})\n",
        encoding="utf-8",
    )
    return {"PYTHONPATH": str(folder)}


# (the command after `poslink`, the module hidden, the extra the message names)
CASES = [
    (["console", "user", "add", "ada", "--password-stdin"], "argon2", "console"),
    (["console", "user", "list"], "argon2", "console"),
    (["console", "user", "remove", "ada"], "argon2", "console"),
    (["console", "--catalog", str(CATALOG)], "uvicorn", "console"),
    (["console", "--catalog", str(CATALOG)], "jinja2", "console"),
    (["console", "--catalog", str(CATALOG)], "python_multipart", "console"),
    (["serve", "--catalog", str(CATALOG)], "fastapi", "serve"),
]


@pytest.mark.parametrize(("args", "module", "extra"), CASES)
def test_a_missing_extra_is_one_line_naming_it(
    tmp_path: Path, args: list[str], module: str, extra: str
) -> None:
    decisions = tmp_path / "decisions.db"
    env = _without(module, tmp_path / "shadow")
    result = poslink(*args, "--decisions", decisions, env=env)
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"({module} is missing)" in lines[0], lines[0]
    assert f"pip install 'poslink[{extra}]'" in lines[0], lines[0]
    assert not decisions.exists()  # refused before the store is opened or made


def test_gaps_needs_no_console_extra(tmp_path: Path) -> None:
    # `gaps` is the matcher's and PyArrow's work: it runs, Parquet included, with none of the
    # console's web packages installed.
    decisions = tmp_path / "decisions.db"
    ran = poslink("run", "--pos", EXAMPLES / "jane/pos.json", "--catalog", CATALOG,
                  "--out", tmp_path / "o.csv", "--decisions", decisions)  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    env: dict[str, str] = {}
    for module in ("fastapi", "starlette", "uvicorn", "jinja2", "argon2", "python_multipart"):
        env = _without(module, tmp_path / "shadow")
    out = tmp_path / "proposals.parquet"
    gaps = poslink("gaps", "--decisions", decisions, "--catalog", CATALOG, "--out", out, env=env)
    assert gaps.returncode == 0, gaps.stderr
    assert out.is_file() and "proposed products" in gaps.stdout
