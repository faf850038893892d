# The single entry point: `make run` for the app, `make test` for the tests.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint format check migrations-check messages messages-check services bench clean

$(BIN)/python:
	"$$(scripts/find-python)" -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Stamps, so a second run installs nothing unless pyproject.toml changed.
$(VENV)/.app: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $(VENV)/.app $@

## Set up and run the app on the embedded default (SQLite, eager tasks, demo data).
## Links in its e-mails lead to where it runs (an exported TCP_SITE_URL wins).
run: $(VENV)/.app
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py seed_demo
	@echo
	@echo "The app is at http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	DEBUG=true TCP_SITE_URL="$${TCP_SITE_URL:-http://127.0.0.1:$(PORT)}" \
	  $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## Set up and run everything CI runs: lint, checks, migrations check, the whole suite.
test: $(VENV)/.dev services node_modules/.package-lock.json lint check migrations-check messages-check
	$(BIN)/pytest

services:
	scripts/system-deps

# axe-core, which the browser tests inject into every page they visit.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(VENV)/.dev
	$(BIN)/python manage.py check
	SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(60))') ALLOWED_HOSTS=tcp.example.org \
	  TCP_SITE_URL=https://tcp.example.org DJANGO_SETTINGS_MODULE=tcp.settings_production $(BIN)/python manage.py check --deploy --fail-level WARNING

migrations-check: $(VENV)/.dev
	$(BIN)/python manage.py makemigrations --check --dry-run

## After changing user-facing strings: extract them into locale/, fill English, compile.
messages: $(VENV)/.dev
	$(BIN)/python scripts/catalogues.py update

## Fails when makemessages would change the committed catalogues.
messages-check: $(VENV)/.dev
	$(BIN)/python scripts/catalogues.py check

bench: $(VENV)/.dev
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
