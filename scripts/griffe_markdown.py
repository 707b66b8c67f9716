"""A griffe extension: the package's reST-flavoured docstrings, read as Markdown.

mkdocstrings renders docstrings as Markdown. Ours are written for the terminal and for
doctest, in a light reST, so before they are rendered (mkdocs.yml loads this file):

* a doctest (``>>>`` lines with their ``...`` continuations and the output below them,
  up to a blank line) becomes a fenced ``pycon`` block, so it shows as code, not as
  nested quotes;
* a role such as :class:`Value` or :meth:`Value.backward` becomes code;
* a link ```text <url>`_`` becomes ``[text](url)``;
* ``text::`` before a literal block becomes ``text:`` (the indented block is already
  Markdown's code block);
* a list gets the blank line before it that Markdown needs.

A module attribute whose value is long (a table such as ``RULES``) is shown by its name,
type and docstring, with ``...`` for its value: the reference is not the source.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:class|func|meth|attr|mod|data|exc|obj|const):`~?\.?([^`]+)`")
LINK = re.compile(r"`([^`<]+?) <(https?://[^>]+)>`_")
LIST_ITEM = re.compile(r"^\s*(?:[-*+] |\d+\. )")
LONGEST_VALUE = 80
"""Characters: an attribute's value longer than this, or of several lines, shows as ``...``."""


def to_markdown(text: str) -> str:
    """The docstring ``text`` rewritten as Markdown (see the module's docstring)."""
    text = ROLE.sub(r"`\1`", text)
    text = LINK.sub(r"[\1](\2)", text)
    out: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip()
        if stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            if out and out[-1].strip():
                out.append("")
            out.append(f"{indent}```pycon")
            while i < len(lines) and lines[i].strip():
                out.append(lines[i])
                i += 1
            out.append(f"{indent}```")
            continue
        if line.endswith("::") and not line.endswith(":::"):
            line = line[:-1]
        # a paragraph line right before a list: not a list item, nor (indented) the
        # continuation of one
        previous = out[-1] if out else ""
        if (
            LIST_ITEM.match(line)
            and previous.strip()
            and not LIST_ITEM.match(previous)
            and not previous.startswith(" ")
        ):
            out.append("")
        out.append(line)
        i += 1
    return "\n".join(out)


class DocstringsAsMarkdown(griffe.Extension):
    """Rewrite every docstring with :func:`to_markdown` when griffe loads it.

    A class's ``__slots__`` is an implementation detail, not an entry of the reference,
    and a long value (see the module's docstring) is left out.
    """

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.name == "__slots__":
            obj.public = False
        if obj.docstring is not None:
            obj.docstring.value = to_markdown(obj.docstring.value)
        if isinstance(obj, griffe.Attribute) and obj.value is not None:
            value = str(obj.value)
            if len(value) > LONGEST_VALUE or "\n" in value:
                obj.value = "..."
