"""The README's examples run, in order, and print the numbers they claim."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

from micrograd_like import ops

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_every_python_block_runs_and_prints_what_it_claims(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the files the README writes (backprop.html...) go here
    namespace: dict[str, object] = {}
    try:
        for block in python_blocks():
            claimed = re.findall(r"^print\(.*?\)\s*# ([-0-9.e]+)", block, flags=re.M)
            out = io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                exec(compile(block, "README.md", "exec"), namespace)
            if claimed:
                assert out.getvalue().split() == claimed
        # the backward pass, written to share: one page, one animation
        assert "function mglPlayer" in (tmp_path / "backprop.html").read_text()
        assert (tmp_path / "backprop.gif").read_bytes().startswith(b"GIF89a")
    finally:
        for name in list(ops._added):  # the README adds sin and cos to the rule table
            ops.remove_op(name)


def test_worked_example_numbers():
    first = python_blocks()[0]
    claims = re.findall(r"# ([-0-9.e]+)", first)
    assert claims == ["24.70408163265306", "138.83381924198252", "645.5772594752186"]


def test_quick_start_is_exactly_two_commands():
    section = README.read_text().split("## Quick start", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^make \w+", section, flags=re.M)
    assert commands == ["make demo", "make test"]
