# The two commands: `make run` and `make test`. Both create .venv and install what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
PORT   ?= 8000
# honcho gives each process a PORT of its own (8000, 8100, ...): the portal's is passed apart, for
# the web server and for the links in e-mails (unless PORTAL_BASE_URL is set).
export PORTAL_PORT := $(PORT)

.DEFAULT_GOAL := help
.PHONY: help install run test e2e lint format messages bench clean

help:
	@echo "make run    - install, migrate, load the demo portfolio, start web + worker + beat"
	@echo "make test   - install and run the whole test suite"
	@echo "make bench  - the benchmark at scale (gunicorn, every page, the sweeps, the budgets; QUICK=1: under two minutes), then the pytest benches"
	@echo "make lint   - ruff check and format check"
	@echo "make format - ruff format and fix"
	@echo "make messages - refresh and compile the Chinese catalogue"

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed node_modules/.installed

run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --quiet
	@echo "Starting the web server, a Celery worker and beat; the address and the demo logins follow."
	$(BIN)/honcho start --procfile Procfile.dev --port $(PORT)

# In parallel, one process per core, each with a test database of its own (pytest-xdist).
test: install
	$(BIN)/pytest -n auto

# The harness (tools/bench: dataset, gunicorn as in production, every page and sweep, the budgets),
# then the pytest benches of tests/bench. QUICK=1: the harness's quick run only.
bench: install
	$(PY) -m tools.bench $(if $(QUICK),--quick)
	$(if $(QUICK),,$(BIN)/pytest tests/bench -m bench -s -p no:cacheprovider)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	$(PY) manage.py makemessages --locale zh_Hans --no-obsolete --ignore "node_modules/*" --ignore "var/*" --ignore "tests/*" --ignore ".venv/*"
	$(PY) manage.py compilemessages --locale zh_Hans --ignore "node_modules/*" --ignore ".venv/*"

clean:
	rm -rf $(VENV) node_modules var
