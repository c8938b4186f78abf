# The README's two commands. Each creates .venv on first use and installs nerve into it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: test demo bench

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	$(VENV)/bin/ruff check nerve tests bench examples
	$(PY) -m pytest

demo: $(STAMP)
	$(PY) examples/cheatsheet_backend.py
	$(PY) examples/cheatsheet_fit.py

bench: $(STAMP)
	$(PY) bench/backend_overhead.py
	$(PY) bench/fit.py
