# treem: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PLAN ?= data/plans/tth-2023.yaml
# Huế city since the 2025 reform: its units, bodies and the 2026 draft plan treem drafted from 2023's.
PLAN_2026 ?= data/plans/hue-2026.yaml
AGENCIES_2025 ?= data/agencies/46-hue-2025.yaml
HOST ?= 127.0.0.1:8000

.PHONY: install install-test setup run test lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Migrate SQLite (var/treem.sqlite3) and load the 2023 units, agencies and plan, the 2025 structure of Huế city
# with its bodies and the 2026 draft plan, then demo data. Safe to repeat.
# DEBUG=1 like `run`: the local keys that encrypt the demo children's names come from the DEBUG secret key,
# so names written here are readable by the server (without it each command would use a throw-away key).
setup: export DEBUG = 1
setup: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_units
	$(PY) manage.py load_agencies
	$(PY) manage.py load_plan $(PLAN)
	$(PY) manage.py load_units --structure 2025
	$(PY) manage.py load_agencies $(AGENCIES_2025)
	$(PY) manage.py load_plan $(PLAN_2026)
	$(PY) manage.py load_demo

run: setup
	@echo "treem: http://$(HOST)/"
	DEBUG=1 $(PY) manage.py runserver $(HOST)

test: install-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy treem
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy treem

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
