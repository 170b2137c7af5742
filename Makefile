# Comptoir: the two commands of the README, and the checks CI runs.
#   make run            serve the demo on http://127.0.0.1:8000 (PORT=8765 for another port)
#   make test           the whole suite (DATABASE_URL=postgresql://… for PostgreSQL)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
COUNTRY ?= FR
WORKERS ?= auto

.PHONY: run test install check lint format typecheck imports migrations-check openapi openapi-check messages screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements/constraints.txt
	$(BIN)/pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/comptoir demo --country $(COUNTRY)
	$(BIN)/comptoir serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest -n $(WORKERS) -q

check: lint typecheck imports migrations-check openapi-check

lint: install
	$(BIN)/ruff check src tests conftest.py
	$(BIN)/ruff format --check src tests conftest.py

format: install
	$(BIN)/ruff check --fix src tests conftest.py
	$(BIN)/ruff format src tests conftest.py

typecheck: install
	$(BIN)/mypy

imports: install
	$(BIN)/lint-imports

migrations-check: install
	COMPTOIR_DATA_DIR=$$(mktemp -d) $(BIN)/comptoir manage makemigrations --check --dry-run

openapi: install
	COMPTOIR_DATA_DIR=$$(mktemp -d) $(BIN)/comptoir manage export_openapi --output docs/openapi.json

openapi-check: install
	COMPTOIR_DATA_DIR=$$(mktemp -d) $(BIN)/comptoir manage export_openapi --output docs/openapi.json --check

messages: install
	cd src/comptoir && ../../$(BIN)/django-admin makemessages -l fr -l ro --settings=comptoir.settings --ignore='tests/*'
	cd src/comptoir && ../../$(BIN)/django-admin compilemessages --settings=comptoir.settings

clean:
	rm -rf $(VENV) .comptoir
