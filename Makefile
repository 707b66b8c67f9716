# make test  : venv + dev install + Graphviz `dot` + ruff + mypy + pytest (doctests, notebooks)
# make demo  : the main job
# WITH_TORCH=1 also installs torch==2.13.0 (a CPU build) so the PyTorch parity tests run.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed
# run once more on the plain path of engine.py (MICROGRAD_LIKE_REFERENCE=1)
REFERENCE_TESTS := micrograd_like/engine.py micrograd_like/rules.py micrograd_like/nn.py \
	micrograd_like/steps.py tests/test_engine.py tests/test_nn.py tests/test_steps.py \
	tests/test_micrograd_lecture.py tests/test_engine_properties.py tests/machinery

.PHONY: test test-slow demo bench notebooks dot-check install clean

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

test: install dot-check
	$(VENV)/bin/ruff check micrograd_like tests notebooks benchmarks
	$(VENV)/bin/ruff format --check micrograd_like tests notebooks benchmarks
	$(VENV)/bin/mypy micrograd_like
	$(VENV)/bin/pytest -m "not slow" --nbmake micrograd_like tests notebooks $(PYTEST_ARGS)
	MICROGRAD_LIKE_REFERENCE=1 $(VENV)/bin/pytest -m "not slow" -q $(REFERENCE_TESTS)

test-slow: install dot-check
	$(VENV)/bin/pytest -m slow $(PYTEST_ARGS)

demo: install dot-check
	$(PY) -m micrograd_like demo

notebooks: install dot-check  # executed copies, for reading, in build/notebooks
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --output-dir build/notebooks notebooks/*.ipynb

bench: install
	$(PIP) install --quiet micrograd==0.1.0
	$(PIP) install --quiet torch==2.13.0 || echo "torch not installable here: torch columns skipped"
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache
