# make demo  : the main job (installs the package with only what the demo needs)
# make test  : venv + dev install + Graphviz `dot` + Chromium + ruff + mypy + pytest
#              (doctests, notebooks, and the widgets in JupyterLab in headless Chromium),
#              then pytest again on the plain path; every step runs, and the last lines
#              say how each went
# make pictures : every kind of picture, on the README's and notebooks' examples, in build/pictures
# make lab   : the course notebooks in JupyterLab, from .venv
# make bench-vs BASE=rev : this checkout against another revision, side by side
# make bench-gate : instruction counts of fixed workloads (callgrind) against the baseline
# make bench-baseline : count them anew and write the baseline (on purpose, after a change)
# make dist  : build the sdist and wheel, check them, and try the wheel in a fresh venv
# make test-pythons : the fast tests on each of Python 3.10-3.13 that is present (nox)
# make docs  : the documentation site, notebooks executed, into build/site/, then every page
#              opened offline in headless Chromium (scripts/check_pages.py)
# make bench-playground : the Playground's frame rate in JupyterLab in headless Chromium
# WITH_TORCH=1 also installs torch==2.13.0 (a CPU build) so the PyTorch parity tests run.
SHELL  := /bin/bash
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
PIP_INSTALL := $(PIP) install --quiet --disable-pip-version-check
# Debian packages, installed as root; waits up to 10 minutes for another apt/dpkg to finish
APT_GET := apt-get -o DPkg::Lock::Timeout=600 -y -qq
# $(call apt-install,PACKAGE): a shell command that installs Debian's PACKAGE (updating the
# package lists once if it is not found), after saying that it may wait for the lock
apt-install = { echo "  (if another apt-get or dpkg is running, this waits up to 10 minutes for it to finish)"; \
	  $(APT_GET) install $(1) >/dev/null || { $(APT_GET) update >/dev/null && $(APT_GET) install $(1) >/dev/null; }; }
# One stamp per install. The dev extra holds the demo's, so installing it stamps both,
# and `make demo` after `make test` installs nothing.
DEMO_STAMP := $(VENV)/.installed-demo
DEV_STAMP  := $(VENV)/.installed-dev
# what ruff lints and formats
LINTED := micrograd_like tests notebooks benchmarks scripts noxfile.py
# each step of make test writes its output here too, and the summary of all of them
TEST_LOGS := build/test-logs
# run once more on the plain path of engine.py (MICROGRAD_LIKE_REFERENCE=1)
REFERENCE_TESTS := micrograd_like/engine.py micrograd_like/rules.py micrograd_like/nn.py \
	micrograd_like/module.py micrograd_like/viz/steps.py tests/test_engine.py tests/test_ops.py \
	tests/test_higher_order.py tests/test_nn.py tests/test_module.py tests/test_steps.py \
	tests/test_micrograd_lecture.py tests/test_engine_properties.py tests/machinery

.PHONY: test test-slow demo pictures bench bench-vs bench-gate bench-baseline bench-playground \
	notebooks lab dot-check chromium-check valgrind-check install dist test-pythons docs clean

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
	    $(call apt-install,graphviz) \
	      || { echo "Could not install graphviz with apt-get (its message is above)"; exit 1; }; \
	  else \
	    echo "The Graphviz 'dot' program is missing. Install it with one of:"; \
	    echo "  sudo apt-get install graphviz   |   brew install graphviz   |   conda install -c conda-forge graphviz"; \
	    exit 1; \
	  fi; \
	fi

# $(call optional-package,PROGRAM,PACKAGE,WHAT NEEDS IT,WHAT HAPPENS WITHOUT IT): install
# Debian's PACKAGE as root when PROGRAM (a name on PATH, or a path) is missing; else say so.
define optional-package
	@if ! command -v $(1) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "$(1) not found: installing Debian's $(2) package (for $(3))"; \
	    $(call apt-install,$(2)) \
	      || echo "Could not install $(2) with apt-get (its message is above): $(4)"; \
	  else \
	    echo "No $(1) (and not root on Debian): $(4)."; \
	    echo "  Install it with: sudo apt-get install $(2)"; \
	  fi; \
	fi
endef

# The browser tests (tests/browser) drive Debian's Chromium; without it they skip, saying why.
chromium-check:
	$(call optional-package,/usr/bin/chromium,chromium,the browser tests,the browser tests will be skipped)

# The instruction-count gate (make bench-gate) runs under Debian's valgrind; without it
# the gate is skipped, saying why.
valgrind-check:
	$(call optional-package,valgrind,valgrind,the instruction-count gate,the instruction-count gate will be skipped)

# Every step runs even when one before it failed: the plain-path pass is never skipped.
# $(call step,NAME,COMMAND) runs COMMAND, showing its output and keeping it in
# $(TEST_LOGS)/NAME.log, and adds a line to the summary: NAME, ok or FAILED, and the
# step's own last line (pytest's counts and time). The recipe fails if any step failed.
define step
	echo '+ $(subst ','\'',$(2))'; \
	$(2) 2>&1 | tee $(TEST_LOGS)/$(1).log; rc=$${PIPESTATUS[0]}; \
	if [ $$rc -eq 0 ]; then result=ok; else result="FAILED (exit $$rc)"; failed=1; fi; \
	printf '  %-11s %-16s %s\n' "$(1)" "$$result" "$$(tail -n 1 $(TEST_LOGS)/$(1).log)" \
	  >> $(TEST_LOGS)/summary;
endef

test: install dot-check chromium-check
	@mkdir -p $(TEST_LOGS); rm -f $(TEST_LOGS)/*.log $(TEST_LOGS)/summary; failed=0; \
	started=$$(date +%s); \
	$(call step,lint,$(VENV)/bin/ruff check $(LINTED)) \
	$(call step,format,$(VENV)/bin/ruff format --check $(LINTED)) \
	$(call step,types,$(VENV)/bin/mypy micrograd_like scripts) \
	$(call step,pytest,$(VENV)/bin/pytest -m "not slow" --nbmake micrograd_like tests notebooks $(PYTEST_ARGS)) \
	$(call step,plain-path,env MICROGRAD_LIKE_REFERENCE=1 $(VENV)/bin/pytest -m "not slow" -q $(REFERENCE_TESTS)) \
	echo; echo "make test, step by step ($$(( $$(date +%s) - started )) s in all; logs in $(TEST_LOGS)/):"; \
	cat $(TEST_LOGS)/summary; \
	if [ $$failed -ne 0 ]; then echo "make test FAILED"; fi; \
	exit $$failed

test-slow: install dot-check
	$(VENV)/bin/pytest -m slow $(PYTEST_ARGS)

demo: $(DEMO_STAMP) dot-check
	$(PY) -m micrograd_like demo

pictures: install dot-check  # for looking at, one after the other
	$(PY) -m micrograd_like.gallery build/pictures

notebooks: install dot-check  # executed copies, for reading, in build/notebooks
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --output-dir build/notebooks notebooks/*.ipynb

lab: install dot-check  # the course in JupyterLab; LAB_ARGS="--port=8899" etc. are passed on
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# BASE=<revision>: this checkout against it, side by side (the moons step and the chains)
bench-vs: install
	$(PY) benchmarks/compare_revisions.py --base $(BASE)

bench: install
	$(PIP_INSTALL) micrograd==0.1.0
	$(PIP_INSTALL) torch==2.13.0 || echo "torch not installable here: torch columns skipped"
	$(PIP_INSTALL) jax==0.10.2 jaxlib==0.10.2 || echo "jax not installable here: its row skipped"
	$(PIP_INSTALL) autograd==1.9.1 || echo "autograd not installable here: its row skipped"
	$(PY) benchmarks/run_all.py

bench-playground: install chromium-check
	$(PY) benchmarks/bench_playground.py $(BENCH_ARGS)

# Instruction counts under callgrind, against benchmarks/instructions_baseline.json: fails
# when a workload rose by more than 3% (CI runs it; a few minutes)
bench-gate: install valgrind-check
	$(PY) benchmarks/instructions.py

bench-baseline: install valgrind-check
	$(PY) benchmarks/instructions.py --update

dist: install
	rm -rf dist
	$(PY) -m build --quiet --outdir dist .
	$(VENV)/bin/twine check --strict dist/*
	$(PY) scripts/check_dist.py dist

test-pythons: install
	$(VENV)/bin/nox --no-color --session tests

docs: install dot-check chromium-check
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir build/site
	$(PY) scripts/check_docs.py build/site
	$(PY) scripts/check_pages.py build/site $(if $(SCREENSHOTS),--screenshots $(SCREENSHOTS))

clean:
	rm -rf $(VENV) demo-output dist build .nox .pytest_cache .mypy_cache .ruff_cache
