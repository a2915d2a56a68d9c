# The two commands: `make run` and `make test`. Both bootstrap .venv first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/dev.txt | sha1sum | cut -c1-12)
PORT ?= 8000
SEED_PRODUCTS ?= 1000
BENCH_PRODUCTS ?= 10000
# pytest-xdist workers: both cores of the CI machine; PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2

.PHONY: venv run test lint migrate seed bench bench-orders bench-search bench-relevance lock clean-data worker schema

$(STAMP): requirements/dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --no-input

run: migrate
	$(BIN)/python manage.py seed_demo --products $(SEED_PRODUCTS) --if-empty
	PORT=$(PORT) $(BIN)/python manage.py demo_logins
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

worker: $(STAMP)
	$(BIN)/celery -A marketplace worker -B --loglevel=INFO

bench: $(STAMP)
	$(BIN)/python bench/run.py --products $(BENCH_PRODUCTS)

# Orders/s of order_place with 8 concurrent buyers, next to pgbench on the same server.
bench-orders: $(STAMP)
	$(BIN)/python bench/orders.py

# Search latency p50/p95/p99 (200 queries) at 10k, 100k and 1M products beside a pk lookup,
# then the relevance of the judged queries (bench-relevance).
bench-search: $(STAMP)
	$(BIN)/python bench/search.py $(BENCH_SEARCH_ARGS)
	$(BIN)/python -m bench.relevance $(BENCH_RELEVANCE_ARGS)

# Search relevance on the judged queries (nDCG@10, recall@10, MRR, zero results) beside BM25, 10k products.
bench-relevance: $(STAMP)
	$(BIN)/python -m bench.relevance $(BENCH_RELEVANCE_ARGS)

# Re-pin requirements/*.txt from requirements/*.in (hashes, no index address).
lock:
	$(BIN)/python -m pip install --quiet uv
	cd requirements && ../$(BIN)/uv pip compile --python-version 3.11 --generate-hashes \
	  --no-emit-index-url --no-emit-find-links -q base.in -o base.txt
	cd requirements && ../$(BIN)/uv pip compile --python-version 3.11 --generate-hashes \
	  --no-emit-index-url --no-emit-find-links -q dev.in -o dev.txt

# Regenerate the committed OpenAPI schema of REST API v1 (tests/api/test_schema_and_docs.py compares them).
schema: $(STAMP)
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file docs/api/openapi.yaml

clean-data:
	rm -rf .data
