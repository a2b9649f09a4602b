# Otklik: `make run` serves the portal with demo data; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# pytest-xdist processes for `make test` / `make test-fast`: each has its own embedded
# PostgreSQL and Redis under var/test/gw<N>/ (conftest.py). TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest -q -p no:cacheprovider -n $(TEST_WORKERS)

.PHONY: help run test test-fast lint typecheck unit e2e tools browser bench clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP) ## set up everything and serve the portal with demo data (Ctrl-C stops it)
	$(BIN)/otklik run

tools: ## install Debian's Chromium (e2e), poppler-utils (PDF checks) and OpenSSL's GOST engine when missing
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	{ command -v pdftotext && command -v pdftoppm; } >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	openssl engine gost >/dev/null 2>&1 || missing="$$missing libengine-gost-openssl"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing$$missing (apt-get)…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "The tests need$$missing: run 'sudo apt-get install -y$$missing'."; \
		exit 1; \
	fi

browser: tools ## the same as `make tools` (kept for the e2e hint)

lint: $(STAMP) ## ruff lint and format check, and the one-way layers of app/ (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP) ## mypy
	$(BIN)/mypy

test: $(STAMP) tools lint typecheck ## set up everything and run ruff, mypy, pytest and the e2e suite
	$(PYTEST) --durations=20 tests e2e

unit: $(STAMP) ## only the fast domain tests
	$(BIN)/pytest tests/unit -q

test-fast: $(STAMP) ## the inner loop: ruff and the unit tests (~20 s); CI runs everything
	$(BIN)/ruff check .
	$(PYTEST) tests/unit

e2e: $(STAMP) tools ## only the browser tests
	$(BIN)/pytest e2e -q

bench: $(STAMP) ## benchmarks (figures go to docs/performance.md)
	$(BIN)/python -m bench.worktime

clean: ## remove the virtualenv and local data (var/)
	rm -rf $(VENV) var e2e/artifacts
