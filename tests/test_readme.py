"""The README's worked example runs and prints the numbers it claims."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_worked_example_prints_what_the_readme_says():
    block = python_blocks()[0]
    claimed = re.findall(r"print\(.*?\)\s*# ([-0-9.e]+)", block)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README.md", "exec"), {})
    assert out.getvalue().split() == claimed
    assert claimed == ["24.70408163265306", "138.83381924198252", "645.5772594752186"]


def test_quick_start_is_exactly_two_commands():
    section = README.read_text().split("## Quick start", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^make \w+", section, flags=re.M)
    assert commands == ["make demo", "make test"]
