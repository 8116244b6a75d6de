# make book: create .venv, install anthology, build the sample book into build/.
# make test: install the test extras and the checkers' tools; ruff, mypy, then the whole suite (which
#            also builds the sdist and wheel, installs the wheel in a fresh venv and builds from it).
# make check: the fast tier: ruff, mypy and the tests not marked slow, in under a minute.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: book test check lint install install-test tools clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installed again only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

book: install
	$(BIN)/anthology build .

lint: install-test
	$(BIN)/ruff check anthology tests scripts benchmarks
	$(BIN)/mypy

check: lint
	$(BIN)/python -m pytest -q -m "not slow"

test: install-test tools lint
	$(BIN)/python -m pytest

# What the tests need beyond Python: Java for EPUBCheck; poppler-utils to look at PDF pages.
tools:
	@bash scripts/install-tools.sh

clean:
	rm -rf $(VENV) build/*.epub build/*.pdf build/html build/.cache
