# hitflow: every target sets itself up (creates .venv and installs) on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SCRATCH := target/scratch

# No network on the machines that run this: dbt must never phone home.
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_PROFILES_DIR := $(CURDIR)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install demo test lint dbt-test pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(STAMP)

## make demo: a whole simulated campaign, end to end, with a report.
demo: install
	$(BIN)/hitflow demo

## make test: lint, dbt build (models, unit tests, quality gates) on a scratch
## warehouse holding a small simulated campaign, then the Python suite.
test: lint dbt-test pytest

lint: install
	$(BIN)/ruff check scripts tests/python
	$(BIN)/ruff format --check scripts tests/python
	mkdir -p $(SCRATCH)
	HITFLOW_DB=$(SCRATCH)/lint.duckdb $(BIN)/sqlfluff lint models macros

dbt-test: install
	rm -rf $(SCRATCH)/build && mkdir -p $(SCRATCH)/build
	HITFLOW_DB=$(SCRATCH)/build/hitflow.duckdb $(BIN)/hitflow simulate \
	    --out $(SCRATCH)/build/batches --universities 30 --seed 7
	HITFLOW_DB=$(SCRATCH)/build/hitflow.duckdb $(BIN)/hitflow load \
	    $(SCRATCH)/build/batches/*
	HITFLOW_DB=$(SCRATCH)/build/hitflow.duckdb $(BIN)/dbt build

pytest: install
	$(BIN)/pytest

## make bench: throughput of load and build on generated million-row batches.
bench: install
	$(BIN)/python -m hitflow.bench

clean:
	rm -rf target logs $(SCRATCH)
