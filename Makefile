# One entrypoint for everything. `make run` and `make test` install what they need.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= 2

.PHONY: run test check lint format types contracts pytest install services services-down browser system-packages bench clean

$(STAMP): requirements/dev.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements/dev.txt
	@touch $(STAMP)

install: $(STAMP)

# Debian packages the tests drive: Chromium for the browser tests, bubblewrap for the Container
# plugin sandbox. Installed once if missing (needs root or sudo); without them those tests skip
# with the reason.
SYSTEM_PACKAGES := chromium bubblewrap
system-packages:
	@missing=""; command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v bwrap >/dev/null 2>&1 || missing="$$missing bubblewrap"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null \
	    || echo "Could not install$$missing; the tests that need them will skip."; \
	fi

browser: system-packages

services: install
	@$(PY) scripts/devservices.py up

services-down:
	@$(PY) scripts/devservices.py down

## The platform with demo data: web (ASGI), Celery worker and beat. Ctrl-C stops it.
run: services
	$(PY) scripts/run.py

## The whole suite: lint, types, import contracts, tests.
test: services system-packages
	@$(MAKE) --no-print-directory check

check: lint types contracts pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

types: install
	$(VENV)/bin/mypy apps config tests conftest.py

contracts: install
	$(VENV)/bin/lint-imports

pytest: install
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## Benchmarks (on demand; results go to docs/performance.md by hand).
bench: services
	$(PY) bench/run_all.py
	$(PY) bench/plugins_bench.py --full

clean: services-down
	rm -rf .data staticfiles
