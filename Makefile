# Otklik: `make run` serves the portal with demo data; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: help run test lint typecheck unit e2e browser bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP) ## set up everything and serve the portal with demo data (Ctrl-C stops it)
	$(BIN)/otklik run

browser: ## install Debian's Chromium for the e2e tests when it is missing
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing chromium (apt-get)…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The e2e tests need Chromium at /usr/bin/chromium: run 'sudo apt-get install -y chromium'."; \
		exit 1; \
	fi

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP) ## mypy
	$(BIN)/mypy

test: $(STAMP) browser lint typecheck ## set up everything and run ruff, mypy, pytest and the e2e suite
	$(BIN)/pytest tests e2e -q -p no:cacheprovider

unit: $(STAMP) ## only the fast domain tests
	$(BIN)/pytest tests/unit -q

e2e: $(STAMP) browser ## only the browser tests
	$(BIN)/pytest e2e -q

bench: $(STAMP) ## benchmarks (figures go to docs/performance.md)
	$(BIN)/python -m bench.worktime

clean: ## remove the virtualenv and local data (var/)
	rm -rf $(VENV) var e2e/artifacts
