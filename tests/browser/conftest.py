"""A JupyterLab server and a headless Chromium for the browser tests.

The tests need Debian's Chromium (``/usr/bin/chromium``, or the path in
``MICROGRAD_LIKE_CHROMIUM``), Playwright and JupyterLab (the ``dev`` extra). Without
them, every test here is skipped with the reason. ``make test`` installs Chromium when
it runs as root on Debian.

JupyterLab runs on 127.0.0.1 with a free port and a random token, in a process group of
its own; its kernels start sessions of their own, so the teardown ends the server's whole
process tree (SIGTERM, then SIGKILL) and checks that nothing of it is left, also when a
test failed.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .lab_server import alive, descendants, end_with_parent, free_port, stop_process_tree

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCREENSHOTS = ROOT / "build" / "browser"
CHROMIUM = os.environ.get("MICROGRAD_LIKE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
START_TIMEOUT = 60.0  # seconds for JupyterLab to answer


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
            return f"{module} is not installed: pip install -e '.[dev]'"
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


@dataclass
class Lab:
    url: str
    token: str
    root: Path
    log: Path
    proc: subprocess.Popen[bytes]

    def notebook_url(self, name: str, frontend: str) -> str:
        """The notebook in JupyterLab (``lab``) or in Notebook 7 (``notebook``)."""
        if frontend == "lab":
            return f"{self.url}/lab/tree/{name}?token={self.token}&reset"
        return f"{self.url}/notebooks/{name}?token={self.token}"


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab serving a copy of this folder's notebook from a temporary folder."""
    root = tmp_path_factory.mktemp("lab")
    for notebook in HERE.glob("*.ipynb"):
        shutil.copy(notebook, root / notebook.name)
    home = root / ".jupyter-home"
    settings = home / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    # no news or update checks: the browser reaches nothing but this server
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "IPYTHONDIR": str(home / "ipython"),
        "MPLBACKEND": "Agg",
        "PYTHONPATH": str(ROOT),
    }
    port, token = free_port(), secrets.token_hex(16)
    log = root / "jupyterlab.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyterlab",
                "--no-browser",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={token}",
                f"--ServerApp.root_dir={root}",
                "--LabApp.expose_app_in_browser=True",
                "--JupyterNotebookApp.expose_app_in_browser=True",
                "--LabApp.news_url=",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                *(["--allow-root"] if os.geteuid() == 0 else []),
            ],
            cwd=root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=end_with_parent,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited early:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"JupyterLab did not answer in {START_TIMEOUT:.0f} s:\n"
                        f"{log.read_text()[-3000:]}"
                    ) from None
                time.sleep(0.25)
        yield Lab(url, token, root, log, proc)
    finally:
        tree = descendants(proc.pid) | {proc.pid}
        stop_process_tree(proc)
        left = [p for p in tree if alive(p)]
        assert not left, f"processes of JupyterLab still running: {left}"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session", params=["lab", "notebook"])
def notebook_page(request: pytest.FixtureRequest, lab: Lab, browser: Any) -> Iterator[Any]:
    """The test notebook open in JupyterLab 4, then in Notebook 7, every cell run.

    ``page.frontend`` says which.
    """
    frontend = request.param
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(30_000)
    page.frontend = frontend
    app = "window.jupyterapp"
    try:
        page.goto(lab.notebook_url("widgets_test.ipynb", frontend))
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
        page.wait_for_function(
            f"() => {{ const w = {app} && {app}.shell.currentWidget;"
            " const k = w && w.sessionContext && w.sessionContext.session"
            " && w.sessionContext.session.kernel;"
            " return k && k.connectionStatus === 'connected' && k.status === 'idle'; }",
            timeout=60_000,
        )
        page.evaluate(f"{app}.commands.execute('notebook:run-all-cells')")
        yield page
    finally:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{frontend}_notebook.png"))
        # close the kernel with the page, so that the next frontend starts afresh
        page.evaluate(
            f"() => {app} && {app}.shell.currentWidget"
            f" && {app}.shell.currentWidget.sessionContext.shutdown()"
        )
        page.close()
