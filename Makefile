# `make run` starts Rapport, `make test` runs every test; both set up .venv from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test setup setup-test sysdeps sysdeps-test check screenshots bench lint clean

run: setup
	$(BIN)/rapport $(ARGS)

test: setup-test
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

check: setup
	$(BIN)/rapport check

screenshots: setup-test
	$(BIN)/python -m rapport.ui.screenshots resources/screenshots

# SCALE=1 adds the heavy user's scenarios (collections built once, cached in ~/.cache).
bench: setup-test
	SCALE=$(SCALE) $(BIN)/python tests/benchmarks/run.py

lint: setup-test
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

setup: sysdeps $(VENV)/.installed
setup-test: sysdeps-test $(VENV)/.installed-test

sysdeps:
	@sh .ci/sysdeps

sysdeps-test:
	@RAPPORT_TEST_TOOLS=1 sh .ci/sysdeps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[anki]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(VENV)/.installed $@

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
