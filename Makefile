# Headway: `make run` serves the app on http://localhost:8501, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# Loopback only unless you choose otherwise (ADDRESS=0.0.0.0 needs HEADWAY_SECRET, see README).
ADDRESS ?= 127.0.0.1
AXE := .cache/node_modules/axe-core/axe.min.js
# A certified OpenID provider for the single sign-on browser journey (tests/e2e/oidc_provider.mjs).
OIDC_PROVIDER := .cache/node_modules/oidc-provider/package.json
# `make test` runs the suite in two processes (pytest-xdist), a test file's tests on one of them
# in order (an AppTest module shares one seeded demo). TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2

.PHONY: run test lint audit bench load install install-test worker lock upgrade-deps docs screenshots

# Every dependency is pinned, with hashes, in requirements/ (Linux x86_64, CPython 3.11; see README,
# "Dependencies"). `make run` installs only the app's lock (app.txt); `make test` and `make lint`
# install the app's and the test tools' lock (test.txt). A stamp is rebuilt whenever a lock or
# pyproject.toml changes, and the venv is then synced to exactly that lock.
LOCKS := requirements
UV := $(BIN)/uv
SYNC = $(UV) pip sync --quiet --python $(BIN)/python --require-hashes --strict
EDITABLE = $(UV) pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
LOCK_FLAGS = --quiet --generate-hashes --python-version 3.11 \
	--python-platform x86_64-unknown-linux-gnu --custom-compile-command "make lock" $(LOCK_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# pip, setuptools and uv upgraded to their locked versions by the venv's own pip, hashes checked.
$(VENV)/.build-tools: $(LOCKS)/build.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(LOCKS)/build.txt
	touch $@

$(BIN)/headway: pyproject.toml $(LOCKS)/app.txt $(VENV)/.build-tools
	$(SYNC) $(LOCKS)/build.txt $(LOCKS)/app.txt
	$(EDITABLE)
	rm -f $(VENV)/.test-tools
	touch $@

# The test lock pins the app's packages at the same versions, so it serves `make run` too.
$(VENV)/.test-tools: pyproject.toml $(LOCKS)/test.txt $(VENV)/.build-tools
	$(SYNC) $(LOCKS)/build.txt $(LOCKS)/test.txt
	$(EDITABLE)
	touch $(BIN)/headway $@

install: $(BIN)/headway

install-test: $(VENV)/.test-tools

run: install
	$(BIN)/headway seed --if-empty
	@echo "Headway is starting on http://localhost:$(PORT)"
	$(BIN)/python -m tools.serve --address $(ADDRESS) --port $(PORT)

$(AXE):
	@mkdir -p .cache
	npm install --prefix .cache --no-audit --no-fund --silent axe-core@4 \
		|| echo "npm could not install axe-core: accessibility checks will skip outside CI"

$(OIDC_PROVIDER):
	@mkdir -p .cache
	npm install --prefix .cache --no-audit --no-fund --silent oidc-provider@9 \
		|| echo "npm could not install oidc-provider: its sign-in journey will skip outside CI"

test: install-test $(AXE) $(OIDC_PROVIDER)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

# The documentation site, strict (tests/unit/test_docs.py builds it in `make test` too).
docs: install-test
	$(BIN)/mkdocs build --strict

# The docs' screenshots from the demo (needs Debian's chromium); commit the PNGs in docs/img/.
screenshots: install-test
	$(BIN)/python -m tools.screenshots

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

# The locks, written by uv from requirements/build.in and pyproject.toml (the test lock is held to
# build.txt's pins, the app's lock to the test lock's): `make lock` after changing a dependency
# keeps every other pin; `make upgrade-deps` moves everything to the newest versions allowed;
# `make lock LOCK_ARGS="--upgrade-package streamlit"` moves one. Commit requirements/ afterwards.
lock: $(VENV)/.build-tools
	$(UV) pip compile $(LOCK_FLAGS) $(LOCKS)/build.in -o $(LOCKS)/build.txt
	$(UV) pip compile $(LOCK_FLAGS) pyproject.toml --extra test -c $(LOCKS)/build.txt \
		-o $(LOCKS)/test.txt
	$(UV) pip compile $(LOCK_FLAGS) pyproject.toml -c $(LOCKS)/test.txt -o $(LOCKS)/app.txt

upgrade-deps:
	$(MAKE) --no-print-directory lock LOCK_ARGS=--upgrade
