# Headway: `make run` serves the app on http://localhost:8501, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# Loopback only unless you choose otherwise (ADDRESS=0.0.0.0 needs HEADWAY_SECRET, see README).
ADDRESS ?= 127.0.0.1
AXE := .cache/node_modules/axe-core/axe.min.js

.PHONY: run test lint bench install install-test worker

# `make run` installs only what the app needs; the test tools come with `make test` / `make lint`.
$(BIN)/headway: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-tools: $(BIN)/headway
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/headway

install-test: $(VENV)/.test-tools

run: install
	$(BIN)/headway seed --if-empty
	@echo "Headway is starting on http://localhost:$(PORT)"
	$(BIN)/streamlit run streamlit_app.py --server.address $(ADDRESS) --server.port $(PORT) \
		--server.headless true \
		--browser.gatherUsageStats false

$(AXE):
	@mkdir -p .cache
	npm install --prefix .cache --no-audit --no-fund --silent axe-core@4 \
		|| echo "npm could not install axe-core: accessibility checks will skip outside CI"

test: install-test $(AXE)
	$(BIN)/pytest

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict core ui pages/*.py streamlit_app.py seed

bench: install
	$(BIN)/python -m bench

worker: install
	$(BIN)/headway worker
