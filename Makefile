# OpenLPSE: two commands. `make run` serves the portal with demo data; `make test` runs the suite.
# Needs Python 3.11+ (with its venv module), make, and Node.js 20 + npm (for the Shamir library of
# the sealing widgets, into node_modules); everything else goes into .venv.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
ADDR ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test venv dev npm lint typecheck check ci messages migrations clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "make: Python 3.11 was not found. Install python3.11 (and python3.11-venv on Debian/Ubuntu)." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "make: OpenLPSE needs Python 3.11 or newer; $(PYTHON) is older. Set PYTHON=/path/to/python3.11." >&2; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); echo "make: could not create $(VENV). On Debian/Ubuntu install the venv module: sudo apt-get install python3.11-venv" >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-run

venv: $(VENV)/.installed-run
dev: $(VENV)/.installed-dev node_modules/.installed

# The browser widgets' only third-party code, the Shamir library (npm shamir-secret-sharing),
# installed from the lock file and served from node_modules as static files; never copied in.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "make: npm was not found. The sealing widgets need the Shamir library from npm: install Node.js 20 and npm (Debian/Ubuntu: sudo apt-get install nodejs npm)." >&2; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

npm: node_modules/.installed

# Migrate, load the demo data when the database is empty (it prints the demo logins), then
# serve on http://$(ADDR):$(PORT) with the chronograph running beside the web server.
run: $(VENV)/.installed-run node_modules/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo --if-empty
	$(BIN)/python manage.py serve --addr $(ADDR) --port $(PORT)

# The whole suite. DATABASE_URL=postgres://... runs it on PostgreSQL (pytest-django creates and
# drops test_<name>). Exit status 5 (no tests collected) is a failure, never a silent pass.
# Serial on purpose: the suite takes about a minute, and it is not yet stable under
# pytest-xdist (`PYTEST_ARGS=-n 2`), so parallel runs are not the default.
test: $(VENV)/.installed-dev node_modules/.installed
	@$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests; this counts as a failure." >&2; fi; \
	exit $$rc

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy openlpse config

check: lint typecheck test

# Everything CI runs (lint, types, deploy check, migrations check, tests on PostgreSQL and SQLite).
ci:
	bash .ci/run

messages: $(VENV)/.installed-dev
	cd openlpse && ../$(BIN)/django-admin makemessages --settings=config.settings.test --pythonpath=.. -l id -l en --no-obsolete --ignore='tests/*'
	# English is the source language: its catalogue copies every msgid (complete by construction).
	msgattrib --clear-fuzzy --empty -o openlpse/locale/en/LC_MESSAGES/django.po openlpse/locale/en/LC_MESSAGES/django.po
	msgen --force-po -o openlpse/locale/en/LC_MESSAGES/django.po openlpse/locale/en/LC_MESSAGES/django.po
	cd openlpse && ../$(BIN)/django-admin compilemessages --settings=config.settings.test --pythonpath=..

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# New migrations for model changes. Landed migrations are never rewritten: a database made by
# an earlier version upgrades with `manage.py migrate`.
migrations: $(VENV)/.installed-dev
	$(BIN)/python manage.py makemigrations