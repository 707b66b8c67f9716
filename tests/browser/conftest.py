"""A JupyterLab server and a headless Chromium for the browser tests.

The tests need Debian's Chromium (``/usr/bin/chromium``, or the path in
``MICROGRAD_LIKE_CHROMIUM``), Playwright and JupyterLab (the ``dev`` extra). Without
them, every test here is skipped with the reason. ``make test`` installs Chromium when
it runs as root on Debian.

JupyterLab runs on 127.0.0.1 with a free port and a random token, in a process group of
its own (lab_server.running_lab); its kernels start sessions of their own, so the teardown
ends the server's whole process tree (SIGTERM, then SIGKILL) and checks that nothing of it
is left, also when a test failed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bounds import HANG

from .in_page import SCREENSHOTS
from .lab_server import CHROMIUM, CHROMIUM_ARGS, KERNEL_IDLE, Lab, running_lab

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return (
            f"no Chromium at {CHROMIUM}: `make test` installs it as root on Debian "
            "(apt-get install chromium), or set MICROGRAD_LIKE_CHROMIUM"
        )
    for module in ("playwright", "jupyterlab", "anywidget", "ipywidgets"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed: pip install -e '.[browser]'"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _missing()
    if reason is None:
        return
    skip = pytest.mark.skip(reason=f"browser tests skipped: {reason}")
    for item in items:
        if Path(item.path).parent == HERE and item.path.name != "test_teardown.py":
            item.add_marker(skip)


# the test notebook is opened in the browser, not run by nbmake
collect_ignore_glob = ["*.ipynb"]


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab serving a copy of this folder's notebooks from a temporary folder."""
    root = tmp_path_factory.mktemp("lab")
    for notebook in HERE.glob("*.ipynb"):
        shutil.copy(notebook, root / notebook.name)
    with running_lab(root, ROOT) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@contextlib.contextmanager
def opened(browser: Any, lab: Lab, notebook: str, frontend: str, height: int) -> Iterator[Any]:
    """``notebook`` open in JupyterLab 4 (``lab``) or Notebook 7 (``notebook``) in a page
    1280 px wide, every cell run; on leaving, a screenshot, and its kernel shut down."""
    page = browser.new_page(viewport={"width": 1280, "height": height})
    page.set_default_timeout(HANG * 1000)  # every wait is for a condition, bounded so
    page.frontend = frontend
    app = "window.jupyterapp"
    try:
        page.goto(lab.notebook_url(notebook, frontend))
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell")
        page.wait_for_function(KERNEL_IDLE)
        page.evaluate(f"{app}.commands.execute('notebook:run-all-cells')")
        yield page
    finally:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{frontend}_{Path(notebook).stem}.png"))
        # close the kernel with the page, so that the next page starts afresh
        page.evaluate(
            f"() => {app} && {app}.shell.currentWidget"
            f" && {app}.shell.currentWidget.sessionContext.shutdown()"
        )
        page.close()


@pytest.fixture(scope="session", params=["lab", "notebook"])
def notebook_page(request: pytest.FixtureRequest, lab: Lab, browser: Any) -> Iterator[Any]:
    """The widgets' test notebook open in JupyterLab 4, then in Notebook 7, every cell run.

    ``page.frontend`` says which.
    """
    with opened(browser, lab, "widgets_test.ipynb", request.param, 1000) as page:
        yield page


@pytest.fixture(scope="module")
def playground_page(lab: Lab, browser: Any) -> Iterator[Any]:
    """The Playground's test notebook in JupyterLab 4, in a 1280 x 900 page."""
    with opened(browser, lab, "playground_test.ipynb", "lab", 900) as page:
        yield page
