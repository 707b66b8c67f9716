"""The "Worked examples" pages of the site, made from the worked-example tests.

The tests of the engine, the networks, the losses and the lecture are written as worked
examples: a test opens with a comment that derives its numbers by hand, then builds the
expression and checks those numbers. :func:`page` reads one test file with :mod:`ast`
and writes a Markdown page of it: for each such test, its derivation, its code and the
checks it makes, under the headings of the file's sections (the ``# ---`` banners). A
test without a derivation comment (a check of bad input, say) is not a worked example
and is left out.

``scripts/mkdocs_hooks.py`` makes the pages when the site is built, so they say what the
tests say.

    python scripts/worked_examples.py engine     # the page, on standard output
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = "worked-examples"
"""Where the pages go in the site: ``worked-examples/<name>.md``."""

PAGES = {
    "engine": ("The engine: one op at a time", "tests/test_engine.py"),
    "nn": ("Neurons, layers and networks", "tests/test_nn.py"),
    "losses": ("Losses", "tests/test_losses.py"),
    "lecture": ("Karpathy's lecture, step by step", "tests/test_micrograd_lecture.py"),
}
"""Each page: its title and the test file it is made from."""

BANNER = re.compile(r"^# -{20,}\n# (?P<title>[^\n]+)\n# -{20,}$", re.M)


@dataclass
class Example:
    """One worked-example test: its name, its derivation, its code and its checks."""

    name: str
    derivation: list[str]
    code: str
    checks: list[str]


@dataclass
class Section:
    """The tests under one ``# ---`` banner of a test file."""

    title: str
    examples: list[Example] = field(default_factory=list)


def heading(name: str) -> str:
    """A test's name as a heading: ``test_reused_node_gradients_add_up`` -> "Reused node ..."."""
    words = name.removeprefix("test_").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _example(node: ast.FunctionDef, source: str, lines: list[str]) -> Example | None:
    """The worked example of one test, or None if it does not open with a derivation."""
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        first = node.body[1] if len(node.body) > 1 else first  # a docstring: skip it
    header = range(node.lineno, first.lineno - 1)  # the def line(s), then the comment
    comment = [i for i in header if lines[i].strip().startswith("#")]
    if not comment:
        return None
    derivation = [lines[i].strip()[1:].strip() for i in comment]
    start = min([d.lineno for d in node.decorator_list] + [node.lineno]) - 1
    body = [
        line for i, line in enumerate(lines[start : node.end_lineno], start) if i not in comment
    ]
    checks = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Assert):
            checks.append(f"assert {ast.get_source_segment(source, sub.test)}")
        elif isinstance(sub, ast.With):
            for item in sub.items:
                text = ast.get_source_segment(source, item.context_expr) or ""
                if text.startswith("pytest.raises"):
                    checks.append(text)
    return Example(node.name, derivation, "\n".join(body), checks)


def sections(path: Path) -> tuple[str, list[Section]]:
    """A test file's docstring and its worked examples, section by section."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.splitlines()
    banners = [(source.count("\n", 0, m.start()) + 1, m["title"]) for m in BANNER.finditer(source)]
    found: list[Section] = []
    for node in tree.body:
        if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_")):
            continue
        example = _example(node, source, lines)
        if example is None:
            continue
        title = ""
        for line, text in banners:
            if line < node.lineno:
                title = text
        if not found or found[-1].title != title:
            found.append(Section(title))
        found[-1].examples.append(example)
    return ast.get_docstring(tree) or "", found


def _code(text: str) -> str:
    """Inline code that may itself hold backticks."""
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}" if fence == "`" else f"{fence} {text} {fence}"


def page(name: str, root: Path = ROOT) -> str:
    """The Markdown page ``worked-examples/<name>.md``, made from its test file."""
    title, relative = PAGES[name]
    intro, found = sections(root / relative)
    count = sum(len(s.examples) for s in found)
    out = [
        f"# {title}\n",
        f"Made from [`{relative}`](#source) when the site is built: {count} tests, each a"
        " worked example. The comment derives the numbers by hand; the code builds the"
        " expression; the checks are what `make test` asserts, so every number on this page"
        " is one the library gives.\n",
    ]
    if intro:
        out.append("```text\n" + intro.strip() + "\n```\n")
    for section in found:
        if section.title:
            out.append(f"## {section.title[:1].upper() + section.title[1:]}\n")
        for example in section.examples:
            out.append(f"### {heading(example.name)}\n")
            out.append("By hand:\n\n```text\n" + "\n".join(example.derivation) + "\n```\n")
            out.append("The test:\n\n```python\n" + example.code + "\n```\n")
            if example.checks:
                out.append(
                    "It checks:\n\n" + "\n".join(f"* {_code(c)}" for c in example.checks) + "\n"
                )
    out.append(f'<a id="source"></a>Source: `{relative}` in the repository.\n')
    return "\n".join(out)


def index() -> str:
    """The section's front page: what the pages are, and a link to each."""
    rows = [
        f"* [{title}]({name}.md), from `{relative}`" for name, (title, relative) in PAGES.items()
    ]
    return (
        "# Worked examples\n\n"
        "The unit tests of micrograd_like are written as worked examples: each one derives "
        "its numbers by hand in a comment, builds the expression, runs `backward()` and "
        "checks the numbers it derived. These pages are those tests, grouped by idea, made "
        "from the test files each time the site is built, so they cannot drift from what "
        "the library does.\n\n" + "\n".join(rows) + "\n"
    )


if __name__ == "__main__":
    print(page(sys.argv[1]) if len(sys.argv) > 1 else index())
