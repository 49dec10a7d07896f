# The README's commands. Each creates .venv on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint bench calibrate clean java postgres chromium screenshots

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml dev/pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]' -e ./dev
	touch $@ $(STAMP) $(SERVE_STAMP) $(DEVPKG_STAMP)

# The HTTP service's dependencies (FastAPI, uvicorn), for its part of the benchmark.
SERVE_STAMP := $(VENV)/.installed-serve
$(SERVE_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[serve]'
	touch $@ $(STAMP)

# The development package (dev/, poslink_dev: the workload generator and the benchmark, which
# adds `poslink bench`), installed beside poslink; never part of poslink's wheel.
DEVPKG_STAMP := $(VENV)/.installed-devpkg
$(DEVPKG_STAMP): pyproject.toml dev/pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e . -e ./dev
	touch $@ $(STAMP)

run: $(STAMP)
	$(BIN)/poslink run --pos examples/jane/pos.json --catalog examples/jane/catalog.db --out out/jane-matched.csv

# The Spark engine's tests need Java 17+: installed here where it is missing.
java:
	bash .ci/ensure-java

# The tests run a throw-away PostgreSQL server: its binaries are installed when missing.
postgres:
	bash .ci/ensure-postgres

# The review console's browser test drives Debian's headless Chromium: installed where missing.
chromium:
	bash .ci/ensure-chromium

# The suite runs on every core (pytest-xdist; `make test TEST_WORKERS=1` runs it in one
# process); the tests on the suite's Spark session share one worker and its one JVM.
# The sources are compiled first: most end-to-end tests start `poslink` processes, and
# where PYTHONDONTWRITEBYTECODE is set (as in the Dockerfile) none writes its bytecode, so each
# compiled poslink's modules anew (a quarter of a second each time).
TEST_WORKERS ?= auto
test: $(DEV_STAMP) java postgres chromium
	$(BIN)/ruff check src tests tools dev
	$(BIN)/mypy
	$(BIN)/python -m compileall -q src dev/src
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadgroup

# The benchmark (minutes; generated workloads are kept in out/bench): the full run writes
# docs/benchmarks.md; `make bench SIZES=small` is a quick one. `poslink bench` comes with the
# development package (dev/).
SIZES ?= full
BENCH_DOC = $(if $(filter full,$(SIZES)),docs/benchmarks.md,out/bench/benchmarks-$(SIZES).md)
# The network part's size (`make bench BENCH_NETWORK=100x1000`: 100 stores of 1,000 records) and
# the parts to run (`BENCH_PARTS=network`); by default the size goes with SIZES, every part runs.
BENCH_NETWORK ?=
BENCH_PARTS ?=
BENCH_ARGS = $(if $(BENCH_NETWORK),--network $(BENCH_NETWORK)) $(if $(BENCH_PARTS),--parts $(BENCH_PARTS))
bench: $(STAMP) $(SERVE_STAMP) $(DEVPKG_STAMP)
	$(BIN)/poslink bench --sizes $(SIZES) --doc $(BENCH_DOC) $(BENCH_ARGS)

# match_score's calibration (src/poslink/matching/data/calibration.json), refitted on the
# labelled data beside the clone and generated workloads (dev/): see docs/matching.md.
calibrate: $(DEV_STAMP)
	$(BIN)/python tools/calibrate.py

# The review console's screenshots in docs/img (docs/console.md), taken in headless Chromium.
screenshots: $(DEV_STAMP) chromium
	cd tests && ../$(BIN)/python -m helpers.screenshots ../docs/img

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests tools dev
	$(BIN)/ruff format --check src tests tools dev
	$(BIN)/mypy

clean:
	rm -rf $(VENV) out build *.egg-info src/*.egg-info dev/build dev/src/*.egg-info
