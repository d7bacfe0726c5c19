# The two commands of the README: `make demo` and `make test`.
# Everything is installed into .venv (Python) and node_modules (front-end assets).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP_PY := $(VENV)/.installed
STAMP_NODE := node_modules/.installed

.PHONY: install demo test lint worker beat lock bench bench-quick clean

install: $(STAMP_PY) $(STAMP_NODE)

$(STAMP_PY): requirements-dev.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.lock
	touch $@

$(STAMP_NODE): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Command 1: the portal with its demo data on the embedded default
# (SQLite file in var/, eager tasks, e-mail on the console).
demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

# Command 2: the whole test suite, with the linters and the migrations check.
# Two processes (pytest-xdist, one per core here), each module kept on one of them so
# its shared fixtures (the demo, a browser) are built once.
TEST_WORKERS ?= 2
test: install lint
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

worker: install
	$(VENV)/bin/celery -A ccr_portal worker --loglevel=INFO --concurrency=2

beat: install
	$(VENV)/bin/celery -A ccr_portal beat --loglevel=INFO --schedule=var/celerybeat-schedule

# The benchmark under load (bench/README.md): PostgreSQL, gunicorn and wrk (installed from
# Debian if missing). Its data goes to <database>_bench and <database>_bench_small.
# BENCH_ARGS, e.g. "--reuse --structures 20000 --duration 20".
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ccr
bench: install
	command -v wrk >/dev/null || apt-get install -y --no-install-recommends wrk \
		|| (apt-get update && apt-get install -y --no-install-recommends wrk)
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} $(PY) bench/run.py $(BENCH_ARGS)

# The former in-process timings (Django's test client), on SQLite unless DATABASE_URL is set.
bench-quick: install
	$(PY) bench/run.py --quick $(BENCH_ARGS)

# Regenerate the pinned lock files from pyproject.toml.
lock:
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml -o requirements.lock --python-version 3.11
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev -o requirements-dev.lock --python-version 3.11

clean:
	rm -rf $(VENV) node_modules staticfiles var
