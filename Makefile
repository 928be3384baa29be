# `make run` starts Rapport, `make test` runs every test; both set up .venv from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test setup setup-test setup-dist sysdeps sysdeps-test check screenshots report-screenshots icons bench lint dist clean

run: setup
	$(BIN)/rapport $(ARGS)

test: setup-test
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

check: setup
	$(BIN)/rapport check

screenshots: setup-test
	$(BIN)/python -m rapport.ui.screenshots resources/screenshots

# A page of the progress report and of the class report (needs pdftoppm, poppler-utils).
report-screenshots: setup-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.support.report_pages resources/screenshots

# The application icon's PNG sizes, rendered from resources/icons/rapport.svg.
icons: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m rapport.ui.icons

# The self-contained bundle: dist/rapport-VERSION/ (its `rapport` launcher at the top) and
# dist/rapport-VERSION-linux-ARCH.tar.gz. See packaging/README.md.
dist: setup-dist
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/rapport.spec
	@ls -l dist/*.tar.gz && du -sh dist/rapport-*/

# SCALE=1 adds the heavy user's scenarios (collections built once, cached in ~/.cache).
bench: setup-test
	SCALE=$(SCALE) $(BIN)/python tests/benchmarks/run.py

lint: setup-test
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/lint-imports

setup: sysdeps $(VENV)/.installed
setup-test: sysdeps-test $(VENV)/.installed-test
setup-dist: sysdeps $(VENV)/.installed-dist

sysdeps:
	@sh .ci/sysdeps

sysdeps-test:
	@RAPPORT_TEST_TOOLS=1 sh .ci/sysdeps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[anki]'
	touch $@

# The test set-up installs the dist extra too: the bundle's integration test builds it.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,dist]'
	touch $(VENV)/.installed $(VENV)/.installed-dist $@

$(VENV)/.installed-dist: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dist]'
	touch $@

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
