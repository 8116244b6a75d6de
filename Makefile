# make book: create .venv, install anthology, build the sample book into build/.
# make test: install the test extras and the checkers' tools, run the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: book test install install-test tools clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'

book: install
	$(BIN)/anthology build .

test: install-test tools
	$(BIN)/python -m pytest

# What the tests need beyond Python: Java for EPUBCheck; poppler-utils to look at PDF pages.
tools:
	@bash scripts/install-tools.sh

clean:
	rm -rf $(VENV) build/*.epub build/*.pdf build/html build/.cache
