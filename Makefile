# Circuit Court — `make run` (embedded demo) and `make test` (whole suite) work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install migrate seed lint format messages schema clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

## Set up and start the app on the embedded default: web, Celery worker + beat, localstripe.
run: seed
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "Circuit Court: http://127.0.0.1:8000  (demo password: demo-circuit-court)"
	$(BIN)/honcho start -f Procfile

## Run the whole test suite (SQLite, no servers; PostgreSQL/Redis/Chromium tests skip with a reason).
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Regenerate the French catalogue (needs gettext) after changing user-facing strings.
messages: install
	$(BIN)/python manage.py makemessages -l fr --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(BIN)/python manage.py compilemessages -l fr --ignore=.venv

schema: install
	$(BIN)/python manage.py spectacular --lang en --validate --fail-on-warn --file docs/openapi.yaml

clean:
	rm -rf $(VENV) var
