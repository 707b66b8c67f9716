# make test  : venv + dev install + Graphviz `dot` + Chromium + ruff + mypy + pytest
#              (doctests, notebooks, and the widgets in JupyterLab in headless Chromium)
# make demo  : the main job
# make pictures : every kind of picture, on the README's and notebooks' examples, in build/pictures
# make lab   : the course notebooks in JupyterLab, from .venv
# WITH_TORCH=1 also installs torch==2.13.0 (a CPU build) so the PyTorch parity tests run.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed
# run once more on the plain path of engine.py (MICROGRAD_LIKE_REFERENCE=1)
REFERENCE_TESTS := micrograd_like/engine.py micrograd_like/rules.py micrograd_like/nn.py \
	micrograd_like/viz/steps.py tests/test_engine.py tests/test_nn.py tests/test_steps.py \
	tests/test_micrograd_lecture.py tests/test_engine_properties.py tests/machinery

.PHONY: test test-slow demo pictures bench notebooks lab dot-check chromium-check install clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)
ifeq ($(WITH_TORCH),1)
	$(PIP) install --quiet torch==2.13.0
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

# The browser tests (tests/browser) drive Debian's Chromium; without it they skip, saying why.
chromium-check:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Chromium not found: installing Debian's chromium package (for the browser tests)"; \
	    (apt-get install -y -qq chromium || (apt-get update -qq && apt-get install -y -qq chromium)) >/dev/null \
	      || echo "Could not install chromium: the browser tests will be skipped"; \
	  else \
	    echo "No /usr/bin/chromium (and not root on Debian): the browser tests will be skipped."; \
	    echo "  Install it with: sudo apt-get install chromium"; \
	  fi; \
	fi

test: install dot-check chromium-check
	$(VENV)/bin/ruff check micrograd_like tests notebooks benchmarks
	$(VENV)/bin/ruff format --check micrograd_like tests notebooks benchmarks
	$(VENV)/bin/mypy micrograd_like
	$(VENV)/bin/pytest -m "not slow" --nbmake micrograd_like tests notebooks $(PYTEST_ARGS)
	MICROGRAD_LIKE_REFERENCE=1 $(VENV)/bin/pytest -m "not slow" -q $(REFERENCE_TESTS)

test-slow: install dot-check
	$(VENV)/bin/pytest -m slow $(PYTEST_ARGS)

demo: install dot-check
	$(PY) -m micrograd_like demo

pictures: install dot-check  # for looking at, one after the other
	$(PY) -m micrograd_like.gallery build/pictures

notebooks: install dot-check  # executed copies, for reading, in build/notebooks
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --output-dir build/notebooks notebooks/*.ipynb

lab: install dot-check  # the course in JupyterLab; LAB_ARGS="--port=8899" etc. are passed on
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

bench: install
	$(PIP) install --quiet micrograd==0.1.0
	$(PIP) install --quiet torch==2.13.0 || echo "torch not installable here: torch columns skipped"
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache
