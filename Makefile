.PHONY: install check test parse

PY := .venv/bin/python

install:
	python3 -m venv .venv
	$(PY) -m pip install -e '.[test]'

check:
	@if command -v ruff >/dev/null 2>&1; then ruff check src tests; \
	elif $(PY) -m ruff --version >/dev/null 2>&1; then $(PY) -m ruff check src tests; \
	else echo "ruff not installed; skipping lint"; fi
	$(PY) -m pytest -q

test:
	$(PY) -m pytest -q

parse:
	.venv/bin/report-parser parse fixtures/ --out output/ --db duckdb:output/reports.duckdb
