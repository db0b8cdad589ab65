# 文创E点通 — set-up, run and test. `make run` and `make test` are the whole Quick start.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := wenchuang/static/vendor
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Test workers (pytest-xdist): one per core; each test file stays on one worker (module fixtures built once).
# Tests that flush the database (transactional, browser) run afterwards in one process, as Django's own
# runner orders them last (run in parallel they saved under a minute and made a browser test flaky on
# two cores). The slowest tests are listed at the end of each pass.
PYTEST_WORKERS ?= auto

.PHONY: run setup deps assets system-deps test lint typecheck clean

run: setup
	$(BIN)/wenchuang serve --host $(HOST) --port $(PORT)

setup: deps assets system-deps
	$(BIN)/wenchuang setup

# Debian packages (Chromium, CJK fonts, PDF libraries); installs what is missing when run as root.
system-deps:
	bash scripts/system-deps.sh

# Python dependencies: a venv with the exact versions and hashes of requirements.lock.
deps: $(VENV)/.installed
$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

# Front-end assets from the npm registry, copied into static files: no CDN at run time.
assets: $(VENDOR)/.installed
$(VENDOR)/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/echarts/dist/echarts.min.js node_modules/htmx.org/dist/htmx.min.js \
	   node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js $(VENDOR)/
	cp node_modules/echarts/LICENSE $(VENDOR)/LICENSE.echarts
	cp node_modules/htmx.org/LICENSE $(VENDOR)/LICENSE.htmx
	cp node_modules/bootstrap/LICENSE $(VENDOR)/LICENSE.bootstrap
	touch $@

test: deps assets system-deps
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=15 -m "not transactional" $(PYTEST_ARGS)
	$(BIN)/pytest --durations=15 -m transactional $(PYTEST_ARGS)

lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/wenchuang makemigrations --check --dry-run
	$(BIN)/lint-imports --no-cache

typecheck: deps
	$(BIN)/mypy wenchuang

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
