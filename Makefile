# Headway: `make run` serves the app on http://localhost:8501, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# Loopback only unless you choose otherwise (ADDRESS=0.0.0.0 needs HEADWAY_SECRET, see README).
ADDRESS ?= 127.0.0.1
AXE := .cache/node_modules/axe-core/axe.min.js

.PHONY: run test lint audit bench load install install-test worker

# `make run` installs only what the app needs; the test tools come with `make test` / `make lint`.
$(BIN)/headway: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools
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
	$(MAKE) --no-print-directory audit

# Known vulnerabilities in the installed packages (headway itself, editable, is skipped). Fails on a
# vulnerability or on packages it could not audit; with no advisory source reachable at all it says
# so in one line and does not fail (see README, "Dependency audit").
audit: install-test
	$(BIN)/python tools/audit_dependencies.py

bench: install
	$(BIN)/python -m bench

# Many real Streamlit sessions against a server it starts on the 2,000-agent demo (a copy):
# `make load LOAD_ARGS="--sessions 10,50 --seconds 30"`; see bench/load.py.
load: install
	$(BIN)/python -m bench.load --serve 1 $(LOAD_ARGS)

worker: install
	$(BIN)/headway worker
