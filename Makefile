# Two commands on a fresh machine: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Extra arguments: `make test PYTEST_ARGS="-x -k inbox"`, `make run RUN_ARGS="--host 0.0.0.0"`.
PYTEST_ARGS ?=
RUN_ARGS ?=
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint format install services clean bench dashboard demo soak

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 (or make PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The dashboard extension (dashboard-extension/, React + Vite): `npm ci` when the lockfile
# changes, `vite build` into saleor_automation/dashboard_build/ when a source changes.
EXT := dashboard-extension
EXT_STAMP := $(EXT)/node_modules/.installed
EXT_INDEX := saleor_automation/dashboard_build/index.html
EXT_SOURCES := $(shell find $(EXT)/src -type f 2>/dev/null) $(EXT)/index.html \
	$(EXT)/vite.config.ts $(EXT)/tsconfig.json
NPM := $(shell command -v npm 2>/dev/null)
NO_NPM_MESSAGE := npm not found: install Node.js 20 (with npm) to build the dashboard extension

$(EXT_STAMP): $(EXT)/package.json $(EXT)/package-lock.json
	@test -n "$(NPM)" || { echo "$(NO_NPM_MESSAGE)"; exit 1; }
	cd $(EXT) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(EXT_INDEX): $(EXT_STAMP) $(EXT_SOURCES)
	cd $(EXT) && npm run --silent build -- --logLevel warn
	touch $@

dashboard: $(EXT_INDEX)

$(STAMP): setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# The app on embedded defaults: SQLite under var/, a folder as Celery broker, email to the
# console. devserver migrates, then runs web + worker + beat until Ctrl-C.
# Without npm the app still runs; its dashboard pages then say to run `make dashboard`.
run: install $(if $(NPM),dashboard)
	@test -n "$(NPM)" || echo "$(NO_NPM_MESSAGE); the dashboard pages stay unavailable."
	$(BIN)/saleor-automation devserver $(RUN_ARGS)

# The demo store (README "Demo"): the app on its embedded defaults against the Saleor
# emulator as a small shop, 60 simulated days with every template active; prints each flow's
# figures, then keeps the app running for the dashboard. `make demo DEMO_ARGS="--no-serve"`.
DEMO_ARGS ?=
demo: install $(if $(NPM),dashboard)
	$(BIN)/python scripts/demo.py $(DEMO_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# PostgreSQL and Redis for the tests (started if needed unless DATABASE_URL /
# CELERY_BROKER_URL are set); pytest's "no tests ran" (exit 5) fails like any other error.
test: lint dashboard
	cd $(EXT) && npm run --silent typecheck
	cd $(EXT) && npm test --silent
	@scripts/test-services $(BIN)/pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest ran no tests"; fi; exit $$rc

services:
	scripts/test-services

# The soak tests (tests/soak, marked `soak`, left out of `make test`): the running app's
# processes and its broker SIGKILLed at random, and the receiver held at twice its measured
# throughput; minutes each. PostgreSQL as for the tests; each test runs its own redis-server.
soak: install
	@command -v redis-server >/dev/null || { echo "make soak: redis-server is missing"; exit 1; }
	@scripts/test-services $(BIN)/pytest -m soak -s $(PYTEST_ARGS)

# The benchmarks (bench/README.md): each against its floor measured in the same run; writes
# bench/RESULTS.md. Needs PostgreSQL and Redis (started like for the tests) and wrk.
# One alone: `make bench BENCH=timers BENCH_ARGS="--n 100000"`.
BENCH ?= ingest timers timer_memory end_to_end stats
BENCH_ARGS ?=
bench: install
	@command -v wrk >/dev/null || { echo "make bench: wrk is missing (apt-get install wrk)"; exit 1; }
	@scripts/test-services true
	@set -e; for name in $(BENCH); do echo "== bench.$$name"; \
		$(BIN)/python -m bench.$$name $(BENCH_ARGS); done
	$(BIN)/python -m bench.report

clean:
	rm -rf $(VENV) var build dist *.egg-info $(EXT)/node_modules saleor_automation/dashboard_build
