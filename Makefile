# make demo  : the main job (installs the package with only what the demo needs)
# make test  : venv + dev install + Graphviz `dot` + ruff + mypy + pytest (doctests, notebooks)
# make dist  : build the sdist and wheel, check them, and try the wheel in a fresh venv
# make test-pythons : the fast tests on each of Python 3.10-3.13 that is present (nox)
# make docs  : the documentation site, notebooks executed, into build/site/
# WITH_TORCH=1 also installs torch==2.13.0 (a CPU build) so the PyTorch parity tests run.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
PIP_INSTALL := $(PIP) install --quiet --disable-pip-version-check
# One stamp per install. The dev extra holds the demo's, so installing it stamps both,
# and `make demo` after `make test` installs nothing.
DEMO_STAMP := $(VENV)/.installed-demo
DEV_STAMP  := $(VENV)/.installed-dev

.PHONY: test test-slow demo bench notebooks dot-check install dist test-pythons docs clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(DEMO_STAMP): pyproject.toml | $(PY)
	$(PIP_INSTALL) -e '.[plot,progress]'
	touch $@

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PIP_INSTALL) -e '.[dev]'
	touch $@ $(DEMO_STAMP)

install: $(DEV_STAMP)
ifeq ($(WITH_TORCH),1)
	$(PIP_INSTALL) torch==2.13.0
endif

dot-check:
	@if ! command -v dot >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Graphviz 'dot' not found: installing Debian's graphviz package"; \
	    (apt-get install -y -qq graphviz || (apt-get update -qq && apt-get install -y -qq graphviz)) >/dev/null; \
	  else \
	    echo "The Graphviz 'dot' program is missing. Install it with one of:"; \
	    echo "  sudo apt-get install graphviz   |   brew install graphviz   |   conda install -c conda-forge graphviz"; \
	    exit 1; \
	  fi; \
	fi

test: install dot-check
	$(VENV)/bin/ruff check micrograd_like tests notebooks benchmarks scripts noxfile.py
	$(VENV)/bin/ruff format --check micrograd_like tests notebooks benchmarks scripts noxfile.py
	$(VENV)/bin/mypy micrograd_like scripts
	$(VENV)/bin/pytest -m "not slow" --nbmake micrograd_like tests notebooks $(PYTEST_ARGS)

test-slow: install dot-check
	$(VENV)/bin/pytest -m slow $(PYTEST_ARGS)

demo: $(DEMO_STAMP) dot-check
	$(PY) -m micrograd_like demo

notebooks: install dot-check  # executed copies, for reading, in build/notebooks
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --output-dir build/notebooks notebooks/*.ipynb

bench: install
	$(PIP_INSTALL) micrograd==0.1.0
	$(PIP_INSTALL) torch==2.13.0 || echo "torch not installable here: torch columns skipped"
	$(PY) benchmarks/run_all.py

dist: install
	rm -rf dist
	$(PY) -m build --quiet --outdir dist .
	$(VENV)/bin/twine check --strict dist/*
	$(PY) scripts/check_dist.py dist

test-pythons: install
	$(VENV)/bin/nox --no-color --session tests

docs: install
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir build/site
	$(PY) scripts/check_docs.py build/site

clean:
	rm -rf $(VENV) demo-output dist build .nox .pytest_cache .mypy_cache .ruff_cache
