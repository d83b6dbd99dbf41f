# BPTT, interactively: one entry point for students, instructors and CI.
#   make lab      set up (once) and open JupyterLab on notebooks/ (ARGS="--port 8890 ...")
#   make test     set up (once) and run every check
#   make slides   build offline reveal.js slides into build/slides/

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
# extra arguments for `jupyter lab`, e.g. make lab ARGS="--port 8890 --no-browser"
ARGS   ?=

.PHONY: help lab test lint format unit nbval browser slides execute bench lock hooks clean

help:
	@echo "make lab     - install (first time) and open JupyterLab on notebooks/"
	@echo "               (as root too; more JupyterLab options: ARGS=\"--port 8890 --no-browser\")"
	@echo "make test    - install (first time) and run every check: lint, unit, nbval, browser"
	@echo "make lint    - ruff lint and format check (the repository and the notebooks)"
	@echo "make format  - format with ruff, then rewrite the notebooks' paired scripts"
	@echo "make unit    - the unit tests of rnnlib, the checkers, figures and widgets"
	@echo "make nbval   - re-execute every notebook and compare with its stored outputs"
	@echo "make browser - JupyterLab and slide tests in headless Chromium"
	@echo "make slides  - build offline slides into build/slides/"
	@echo "make execute - re-run notebooks and store their outputs (after editing; NB=name for one)"
	@echo "make bench   - run the performance benchmarks"
	@echo "make lock    - re-resolve constraints.txt from pyproject.toml's ranges"
	@echo "make hooks   - install the pre-commit hooks (ruff, notebook/script pairing)"
	@echo "make clean   - remove build/ and artifacts/"

# The environment is rebuilt only when pyproject.toml or constraints.txt changes.
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# tools/lab.py adds --allow-root for root, installs the course's JupyterLab settings and
# switches off a presentation left open last time, then runs `jupyter lab $(ARGS)`.
lab: $(STAMP)
	$(PY) tools/lab.py $(ARGS)

test: lint unit nbval browser

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(PY) tools/execute_notebooks.py --scripts-only

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
	$(PY) benchmarks/bench_losses.py
	$(PY) benchmarks/bench_charlm.py
	$(PY) benchmarks/bench_widgets.py
	$(PY) benchmarks/notebook_times.py

# constraints.txt: resolve pyproject.toml's ranges in a fresh environment and freeze it.
lock:
	rm -rf build/lock-venv
	$(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/python -m pip install --quiet --upgrade pip
	build/lock-venv/bin/python -m pip install --quiet -e '.[dev]'
	{ sed -n '1,3p' constraints.txt; build/lock-venv/bin/python -m pip freeze --exclude-editable; } \
		> constraints.new && mv constraints.new constraints.txt
	rm -rf build/lock-venv

hooks: $(STAMP)
	$(VENV)/bin/pre-commit install

clean:
	rm -rf build artifacts
