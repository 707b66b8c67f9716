"""The fast test suite on every Python the package claims (``make test-pythons``).

    nox --session tests            # each of 3.10-3.13 that is present
    nox --session tests-3.12       # one of them

An interpreter is found on PATH (``python3.12``) or among pyenv's versions
(``$PYENV_ROOT/versions/3.12.*``). A missing one is skipped with a line saying so.

torch is never installed here: the CPU build on local disk is for 3.11 only, and pip
would fetch a multi-GB CUDA build for any other version. The parity tests skip with
their reason; ``make test WITH_TORCH=1`` runs them on 3.11. Notebooks run there too, and
so do the browser tests (tests/browser), which skip here for want of playwright.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

import nox

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]

nox.options.sessions = ["tests"]
nox.options.error_on_missing_interpreters = False  # skip a missing one, CI included
nox.options.reuse_existing_virtualenvs = True


def _pyenv_bin_dirs() -> list[str]:
    """The bin folders of pyenv's newest patch release of each version in PYTHONS."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    found = []
    for version in PYTHONS:
        releases = sorted(
            glob.glob(str(root / "versions" / f"{version}.*")),
            key=lambda p: [int(part) for part in Path(p).name.split(".") if part.isdigit()],
        )
        if releases and Path(releases[-1], "bin", f"python{version}").exists():
            found.append(str(Path(releases[-1], "bin")))
    return found


# Before pyenv's shims, which fail for a version that is not selected.
os.environ["PATH"] = os.pathsep.join([*_pyenv_bin_dirs(), os.environ.get("PATH", "")])


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The doctests and tests/, but not the slow ones, without torch."""
    session.install(
        "--quiet",
        "--disable-pip-version-check",
        "-e",
        ".[notebooks,testing]",
        "pytest>=7",
        "mpmath>=1.3",  # tests/test_loss_precision.py's reference values
        "micrograd==0.1.0",  # the tests that run micrograd's own code beside ours
    )
    session.run(
        "python",
        "-m",
        "pytest",
        "-m",
        "not slow",
        "-q",
        "-p",
        "no:cacheprovider",
        "micrograd_like",
        "tests",
        *session.posargs,
    )
