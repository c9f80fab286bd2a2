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

.PHONY: run test lint format install services clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 (or make PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# The app on embedded defaults: SQLite under var/, a folder as Celery broker, email to the
# console. devserver migrates, then runs web + worker + beat until Ctrl-C.
run: install
	$(BIN)/saleor-automation devserver $(RUN_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# PostgreSQL and Redis for the tests (started if needed unless DATABASE_URL /
# CELERY_BROKER_URL are set); pytest's "no tests ran" (exit 5) fails like any other error.
test: lint
	@scripts/test-services $(BIN)/pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest ran no tests"; fi; exit $$rc

services:
	scripts/test-services

clean:
	rm -rf $(VENV) var build dist *.egg-info
