# Entry points named in the README. CI (.ci/run) calls the same targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

# Python 3.12 or newer (Django 6.1 needs it): PYTHON=... wins, else the first suitable
# interpreter on PATH or under pyenv.
PYENV_ROOTS := $(HOME)/.pyenv/versions /root/.pyenv/versions
PYTHON_CANDIDATES := python3.14 python3.13 python3.12 python3 \
	$(foreach v,3.14 3.13 3.12,$(foreach r,$(PYENV_ROOTS),$(wildcard $(r)/$(v).*/bin/python3)))
define find_python
for p in $(PYTHON_CANDIDATES); do \
  if command -v "$$p" >/dev/null 2>&1 && "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
    command -v "$$p"; exit 0; \
  fi; \
done
endef
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell $(find_python))
endif

.PHONY: help
help:
	@echo "make demo   – Portal mit Beispieldaten auf http://$(HOST):$(PORT) (SQLite unter var/)"
	@echo "make test   – alle Tests (SQLite; PostgreSQL mit DATABASE_URL=postgres://...)"
	@echo "make lint   – ruff check und ruff format --check"
	@echo "make run    – Portal ohne Beispieldaten starten"
	@echo "make messages – Übersetzungsdateien aktualisieren und kompilieren"
	@echo "make bench  – Lastmessung (gunicorn, PostgreSQL, wrk); siehe docs/deployment.md"

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Fehler: kein Python 3.12 oder neuer gefunden. Bitte installieren oder PYTHON=/pfad/zu/python3.12 angeben." >&2; \
	  echo "Error: no Python 3.12 or newer found. Install one or pass PYTHON=/path/to/python3.12." >&2; \
	  exit 1; \
	fi
	@"$(PYTHON)" -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { \
	  echo "Fehler: $(PYTHON) ist älter als Python 3.12 (Django 6.1 braucht 3.12+)." >&2; exit 1; }
	@[ -x "$(PY)" ] || "$(PYTHON)" -m venv "$(VENV)"
	$(PY) -m pip install --quiet --disable-pip-version-check "pip>=25.1"
	$(PY) -m pip install --quiet --disable-pip-version-check --group dev
	@touch $@

.PHONY: venv
venv: $(VENV)/.installed

.PHONY: migrate
migrate: venv
	@mkdir -p var
	$(PY) manage.py migrate --no-input

# Links in the demo's mails and calendar feeds point to where it runs (PORTAL_BASE_URL wins).
DEMO_URL_HOST := $(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST))
DEMO_BASE_URL := $(or $(PORTAL_BASE_URL),http://$(DEMO_URL_HOST):$(PORT))

.PHONY: demo
demo: migrate
	PORTAL_BASE_URL=$(DEMO_BASE_URL) $(PY) manage.py loaddemo
	@echo "Portal: $(DEMO_BASE_URL)/   (Beenden mit Strg+C)"
	PORTAL_BASE_URL=$(DEMO_BASE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

.PHONY: run
run: migrate
	$(PY) manage.py runserver $(HOST):$(PORT)

.PHONY: test
test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

.PHONY: lint
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

.PHONY: format
format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

.PHONY: messages
messages: venv
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=static/vendor
	$(PY) manage.py compilemessages --ignore=.venv

# Load test (issue 9, docs/bench.py): gunicorn with DEBUG=0 on seeded PostgreSQL, wrk from Debian
# (installed if missing). BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/
# ratsportal_bench) is created and seeded with seed_scale on the first run; BENCH_DURATION=10.
.PHONY: bench
bench: venv
	$(PY) docs/bench.py $(BENCH_ARGS)
