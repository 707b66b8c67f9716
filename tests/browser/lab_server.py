"""Starting and stopping JupyterLab for the browser tests (and the Playground's benchmark),
and finding what it started.

:func:`running_lab` starts JupyterLab on 127.0.0.1 with a free port and a random token,
reaching nothing but itself. Jupyter kernels start sessions of their own, so ending a
server's process group is not enough: :func:`stop_process_tree` ends every process under
the server (read from /proc), and :func:`running_lab` checks that none is left.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT = 180.0  # seconds for JupyterLab to answer: far more than a busy machine takes
KERNEL_IDLE = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return k && k.connectionStatus === 'connected' && k.status === 'idle'; }"""
"""In the page: has the notebook's kernel started and is it idle?"""
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


def end_with_parent() -> None:
    """In the child, before exec: SIGTERM when pytest dies, even by SIGKILL (Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def descendants(pid: int) -> set[int]:
    """Every process under ``pid`` (read from /proc; the kernels have their own sessions)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def stop_process_tree(proc: subprocess.Popen[bytes]) -> None:
    """End the server, its process group and every process it started."""
    tree = descendants(proc.pid)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
    try:
        proc.wait(timeout=10)  # its grace period; then SIGKILL, which cannot be ignored
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    for sig, grace in ((signal.SIGTERM, 5), (signal.SIGKILL, 60)):  # what the server left
        for p in tree:
            if alive(p):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(p, sig)
        deadline = time.monotonic() + grace
        while any(alive(p) for p in tree) and time.monotonic() < deadline:
            time.sleep(0.05)


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


@contextlib.contextmanager
def running_lab(root: Path, pythonpath: Path) -> Iterator[Lab]:
    """JupyterLab serving the folder ``root`` (its kernels import from ``pythonpath``),
    in a process group of its own; on leaving, its whole process tree is ended."""
    home = root / ".jupyter-home"
    settings = home / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
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
        "PYTHONPATH": str(pythonpath),
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
