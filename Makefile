# dangjian — two commands: `make run` (demo on SQLite) and `make test` (whole suite, SQLite + PostgreSQL).
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BENCH_MEMBERS ?= 100000

.PHONY: run serve test test-sqlite test-postgres cluster-test bench clean

$(PY):
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(PIP) install -q -e '.[test]'
	touch $@

var/secret-key:
	mkdir -p var
	$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

# The demo runs like production (DEBUG off, Chinese error pages) with its own generated secret key.
run: $(STAMP) var/secret-key
	$(VENV)/bin/dangjian migrate --noinput
	$(VENV)/bin/dangjian load_demo --if-empty
	DANGJIAN_SECRET_KEY=$$(cat var/secret-key) $(VENV)/bin/dangjian runserver 127.0.0.1:8000

# Production-like on one machine: gunicorn (+ Celery worker and beat with DANGJIAN_CELERY_BROKER set).
serve: $(STAMP)
	VENV=$(VENV) scripts/serve.sh

test: $(TEST_STAMP)
	scripts/install-system-deps.sh
	$(MAKE) test-sqlite
	$(MAKE) test-postgres
	$(MAKE) cluster-test

test-sqlite: $(TEST_STAMP)
	$(PY) -m pytest -q -m "not cluster" dangjian

# Same suite against a real PostgreSQL server started here on loopback (browser tests and the tests that start their
# own servers on their own database run once, on SQLite).
test-postgres: $(TEST_STAMP)
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  url=$$(scripts/pg-test-server.sh start) && \
	  DATABASE_URL=$$url $(PY) -m pytest -q -m "not browser and not once and not cluster" dangjian; rc=$$?; \
	  scripts/pg-test-server.sh stop; exit $$rc; \
	else echo "PostgreSQL server not installed: PostgreSQL tests SKIPPED"; fi

# PostgreSQL, Redis, two gunicorns behind nginx, a Celery worker and beat on loopback: load, faults, concurrency.
cluster-test: $(TEST_STAMP)
	scripts/install-system-deps.sh
	$(PY) -m pytest -q -s -m cluster dangjian/core/tests/test_cluster.py

bench: $(TEST_STAMP)
	scripts/install-system-deps.sh
	mkdir -p var && DATABASE_URL=sqlite:///var/bench.sqlite3 $(VENV)/bin/dangjian bench --members $(BENCH_MEMBERS)
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  url=$$(scripts/pg-test-server.sh start) && \
	  DATABASE_URL=$$url BENCH_MEMBERS=$(BENCH_MEMBERS) $(VENV)/bin/dangjian bench --members $(BENCH_MEMBERS) --append; rc=$$?; \
	  scripts/pg-test-server.sh stop; [ $$rc = 0 ] || exit $$rc; \
	else echo "PostgreSQL server not installed: PostgreSQL benchmarks SKIPPED"; fi
	DANGJIAN_BENCH_RESULTS=$(CURDIR)/bench-results.json $(PY) -m pytest -q -s -m cluster dangjian/core/tests/test_cluster.py

clean:
	rm -rf $(VENV) var bench-results.json
