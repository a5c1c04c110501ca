# Two commands for a fresh machine (see README):
#   make lab    create .venv if missing, install the course, open JupyterLab on notebooks/
#   make test   the same install step, then the whole test suite (FAST mode)
# Maintainer commands: make refresh (re-run notebooks in full mode, outputs in place), make lint, make bench.
# Instructors: make slides (static slide decks in build/slides/), make timings (run time of each notebook).

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.course-installed
JOBS ?= 2
# Extra JupyterLab options, e.g. LAB_ARGS="--no-browser --port=8890"
LAB_ARGS ?=
# JupyterLab refuses to run as root (containers, some CI machines) unless told it is intended.
ROOT_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: install lab test lint refresh bench slides timings clean-venv

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10+ is needed; set PYTHON=python3.11 (or newer) and run again.")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e ".[lab,test]"
	@touch $(STAMP)

install: $(STAMP)

lab: install
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(ROOT_ARGS) $(LAB_ARGS)

# One torch thread per process: JOBS notebook kernels in parallel would otherwise fight over the cores.
test: install
	OMP_NUM_THREADS=$${OMP_NUM_THREADS:-1} COURSE_FAST=1 $(PY) -m pytest -n $(JOBS) --dist loadfile

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
