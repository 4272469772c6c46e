# OpenLPSE: two commands. `make run` serves the portal with demo data; `make test` runs the suite.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run test venv dev lint typecheck check messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-run

venv: $(VENV)/.installed-run
dev: $(VENV)/.installed-dev

run: $(VENV)/.installed-run
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo --if-empty
	$(BIN)/python manage.py serve --addr 127.0.0.1 --port 8000

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy openlpse config

messages: $(VENV)/.installed-dev
	cd openlpse && ../$(BIN)/django-admin makemessages --settings=config.settings.test --pythonpath=.. -l id -l en --no-obsolete --ignore='tests/*'
	cd openlpse && ../$(BIN)/django-admin compilemessages --settings=config.settings.test --pythonpath=..

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Regenerate the auto-generated initial migrations (only until the first release).
# Hand-written migrations (0100_*.py and up) are set aside while the initial ones are rebuilt,
# then put back; they depend on the highest *_initial of their app.
migrations: $(VENV)/.installed-dev
	rm -rf var/handwritten-migrations && mkdir -p var/handwritten-migrations
	for f in openlpse/*/migrations/0[1-9][0-9][0-9]_*.py; do \
	  [ -e "$$f" ] || continue; d=var/handwritten-migrations/$$(dirname $$f); mkdir -p $$d; mv $$f $$d/; done
	rm -f openlpse/*/migrations/0*_initial.py
	$(BIN)/python manage.py makemigrations core accounts organizations ops; rc=$$?; \
	  cp -r var/handwritten-migrations/openlpse/. openlpse/ 2>/dev/null; rm -rf var/handwritten-migrations; exit $$rc
