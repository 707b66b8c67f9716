"""What the browser tests do in a notebook's page: ask its kernel, and keep screenshots.

:func:`python` runs an expression in the kernel of the notebook shown (JupyterLab 4 or
Notebook 7) and returns its value, so a test can check what a control did in Python.
:func:`screenshot` keeps a picture of an element under ``build/browser/``, for people
to look at.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "browser"

# Runs code in the notebook's kernel and returns what it printed.
RUN = """async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({ code, silent: false, store_history: false });
  let out = "";
  future.onIOPub = (m) => {
    if (m.header.msg_type === "stream") out += m.content.text;
    if (m.header.msg_type === "error") out += `${m.content.ename}: ${m.content.evalue}`;
  };
  await future.done;
  return out;
}"""


def python(page: Any, expression: str) -> Any:
    """The value of ``expression`` in the notebook's kernel (sent back as JSON)."""
    out = page.evaluate(RUN, f"import json\nprint(json.dumps({expression}))")
    try:
        return json.loads(out)
    except json.JSONDecodeError:
        raise AssertionError(f"the kernel said: {out}") from None


TRAINING_THREADS = "[t.name for t in __import__('threading').enumerate() if t.name == 'playground']"
"""In the kernel: the Playground's training threads still alive (none once paused)."""


def screenshot(locator: Any, name: str) -> Path:
    """A picture of one element as ``build/browser/<name>``; it must not be empty."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    locator.screenshot(path=str(path))
    assert path.stat().st_size > 10_000, f"{path} looks empty"
    return path
