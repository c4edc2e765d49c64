# Parley: `make demo` runs the assistant on the embedded local stack; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit browser sam-build bench bench-delivery serve chat clean

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

# The report's browser test renders report.html in headless Chromium, Debian's package. Installed here when it is
# missing and this machine can (root with apt-get; under CI=true it is always tried, through sudo if need be).
# When it is still missing, that test fails and says why: it is never skipped.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && { [ "$$(id -u)" = 0 ] || [ "$$CI" = true ]; }; then \
	    sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo -n"; \
	    echo "Installing Chromium (Debian's chromium) for the report's browser test"; \
	    { $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium; } \
	      >/dev/null || echo "Could not install Chromium: the report's browser test will fail"; \
	  else \
	    echo "Chromium is missing (apt-get install chromium as root): the report's browser test will fail"; \
	  fi; }

test: lint typecheck browser unit sam-build

# The benchmarks run Parley against the tests' in-memory fakes (tests/fakes.py), which never ship.
bench: $(STAMP)
	PYTHONPATH=tests $(BIN)/python bench/run.py

# Only the figures of delivery under faults (a slow Graph API, a five-minute outage run at a tenth): about 2 minutes.
bench-delivery: $(STAMP)
	PYTHONPATH=tests $(BIN)/python bench/delivery.py

clean:
	rm -rf $(VENV) .venv-sam .aws-sam .pytest_cache .mypy_cache .ruff_cache
