# Two commands for a fresh machine (see README):
#   make lab    create .venv if missing, install the course, open JupyterLab on notebooks/
#   make test   the same install step, then the whole test suite (FAST mode)
# Maintainer commands: make refresh (re-run notebooks in full mode, outputs in place), make lint, make bench.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.course-installed
# Threads per torch process; 1 keeps parallel notebook kernels from fighting over cores.
export OMP_NUM_THREADS ?= 1
JOBS ?= 2

.PHONY: install lab test lint refresh bench clean-venv

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10+ is needed; set PYTHON=python3.11 (or newer) and run again.")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e ".[lab,test]"
	@touch $(STAMP)

install: $(STAMP)

lab: install
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

test: install
	COURSE_FAST=1 $(PY) -m pytest -n $(JOBS) --dist loadfile

lint: install
	$(VENV)/bin/ruff check .

refresh: install
	$(PY) tools/refresh_notebooks.py $(NOTEBOOKS)

bench: install
	$(PY) tools/bench.py

clean-venv:
	rm -rf $(VENV)
