# Two commands for a fresh machine (see README); both are thin aliases of course.py, which also works without make:
#   make lab    = python course.py lab    create .venv if missing, install the course, open JupyterLab on notebooks/
#   make test   = python course.py test   the same install step, then the whole test suite (FAST mode)
# Maintainer commands: make refresh (re-run notebooks in full mode, outputs in place), make lint, make bench.
# Instructors: make slides (static slide decks in build/slides/), make timings (run time of each notebook).

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
COURSE := $(PYTHON) course.py --venv $(VENV)
JOBS ?= 2
# Extra JupyterLab options, e.g. LAB_ARGS="--no-browser --port=8890"
LAB_ARGS ?=

.PHONY: install lab test lint refresh bench slides timings clean-venv

# course.py checks the Python version, creates the venv, reinstalls when pyproject.toml changed (a stamp in the
# venv) and makes Korean the default JupyterLab language of this venv; as root, `lab` adds --allow-root.
install:
	@$(COURSE) install

lab:
	$(COURSE) lab $(LAB_ARGS)

# FAST mode, one torch thread per process (JOBS notebook kernels in parallel would otherwise fight over the cores).
test:
	$(COURSE) test $(if $(filter-out 2,$(JOBS)),-n $(JOBS))

lint: install
	$(VENV)/bin/ruff check .

refresh: install
	$(PY) tools/refresh_notebooks.py $(NOTEBOOKS)

bench: install
	$(PY) tools/bench.py

# One offline reveal.js deck per notebook, from the stored outputs, into build/slides/ (git-ignored).
slides: install
	$(PY) tools/slides.py build $(NOTEBOOKS)

# Wall time of each notebook run top to bottom (a temporary copy) in FAST and full mode, as a markdown table.
timings: install
	$(PY) tools/timings.py $(NOTEBOOKS)

clean-venv:
	rm -rf $(VENV)
