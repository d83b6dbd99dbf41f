# BPTT, interactively: one entry point for students, instructors and CI.
#   make lab      set up (once) and open JupyterLab on notebooks/
#   make test     set up (once) and run every check
#   make slides   build offline reveal.js slides into build/slides/

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))

.PHONY: help lab test unit nbval sync-check browser slides execute sync bench clean

help:
	@echo "make lab     - install (first time) and open JupyterLab on notebooks/"
	@echo "make test    - install (first time) and run all tests"
	@echo "make slides  - build offline slides into build/slides/"
	@echo "make execute - re-run every notebook and store its outputs (after editing)"
	@echo "make bench   - run the performance benchmarks"

# The environment is rebuilt only when pyproject.toml changes.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

test: unit nbval browser

unit: $(STAMP)
	$(PY) -m pytest tests -q --ignore=tests/browser

nbval: $(STAMP)
	$(PY) -m pytest -q --nbval $(NOTEBOOKS) --nbval-sanitize-with tests/nbval_sanitize.cfg -W default

browser: $(STAMP)
	bash tools/browser_tests.sh

slides: $(STAMP)
	$(PY) tools/build_slides.py

# Authoring helpers ---------------------------------------------------------------
# After editing notebooks/py/NN_name.py: `make execute` rebuilds each .ipynb from its
# script, re-runs it, stores the outputs and rewrites the script from the notebook.
execute: $(STAMP)
	$(PY) tools/execute_notebooks.py $(NB)

bench: $(STAMP)
	$(PY) benchmarks/bench_bptt.py
	$(PY) benchmarks/bench_widgets.py
	$(PY) benchmarks/notebook_times.py

clean:
	rm -rf build artifacts
