# Parley: `make demo` runs the assistant on the embedded local stack; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit sam-build bench serve chat clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/parley demo

serve: $(STAMP)
	$(BIN)/parley serve

chat: $(STAMP)
	$(BIN)/parley chat

lint: $(STAMP)
	$(BIN)/ruff check src tests functions bench
	$(BIN)/ruff format --check src tests functions bench

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

# The template checks transform it offline and lint the result; sam build runs in its own virtualenv.
sam-build: $(STAMP)
	infra/sam-build-check.sh

test: lint typecheck unit sam-build

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .venv-sam .aws-sam .pytest_cache .mypy_cache .ruff_cache
