"""Nothing in the package can run code from a file: no pickle, no eval, no exec. Every
source file is checked by its syntax tree, and by a grep that excuses only prose."""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

import pytest

import micrograd_like

PACKAGE = Path(micrograd_like.__file__).resolve().parent


# --------------------------------------------------------------------------------------
# Nothing in the package can run code from a file: no pickle, no eval, no exec
# --------------------------------------------------------------------------------------

DANGEROUS_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "marshal", "shelve"}
DANGEROUS_NAMES = {"eval", "exec", "compile", "__import__", "execfile"}
"""Builtins that run text as code (as bare names: ``re.compile`` is fine)."""
DANGEROUS_ATTRIBUTES = {"eval", "exec", "execfile", "__import__", "load_module", "exec_module"}


def package_sources() -> list[Path]:
    sources = sorted(PACKAGE.rglob("*.py"))
    assert len(sources) > 40
    return sources


def where(source: Path) -> str:
    """A source's path in the package: ``fast/nodes.py``."""
    return source.relative_to(PACKAGE).as_posix()


GENERATES_CODE = {
    "fast/nodes.py": {"exec", "compile"},
    "exercises/autograder.py": {"exec", "compile"},
}
"""The modules that run text as code. The fast path compiles its node makers from its own
templates and the built-in rows' inline expressions, never from a file or from user input
(tests/machinery/test_rules_inline.py checks what that text can hold). The autograder
runs the learner's file it was asked to grade, in its sandbox (exercises/sandbox.py)."""

PICKLES_ITS_OWN_RESULTS = {"exercises/sandbox.py"}
"""The modules that use pickle, and why it is safe there. The sandbox forks a worker to
run a check on the learner's class and pickles the worker's answer back to its parent over
a pipe the two share. That answer comes from code the learner's notebook already runs in
the parent, and no file is ever read with pickle."""


@pytest.mark.parametrize("source", package_sources(), ids=where)
def test_the_code_never_imports_pickle_or_calls_eval_or_exec(source: Path) -> None:
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = {alias.name.split(".")[0] for alias in node.names}
            if where(source) in PICKLES_ITS_OWN_RESULTS:
                names -= {"pickle"}
            assert not names & DANGEROUS_MODULES, f"{source.name}:{node.lineno} imports {names}"
        elif isinstance(node, ast.ImportFrom):
            module = (node.module or "").split(".")[0]
            assert module not in DANGEROUS_MODULES, f"{source.name}:{node.lineno} imports {module}"
        elif isinstance(node, ast.Name):
            allowed = GENERATES_CODE.get(where(source), set())
            assert node.id not in DANGEROUS_NAMES - allowed, (
                f"{source.name}:{node.lineno} uses {node.id}"
            )
        elif isinstance(node, ast.Attribute):
            # builtins.eval(...), importlib's loader.exec_module(...)
            assert node.attr not in DANGEROUS_ATTRIBUTES, (
                f"{source.name}:{node.lineno} uses .{node.attr}"
            )


def code_only(text: str) -> str:
    """The source with docstrings, comments and plain strings removed (f-strings kept:
    they can hold code between their braces)."""
    kept = []
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.COMMENT:
            continue
        if tok.type == tokenize.STRING and not tok.string.lstrip("rbuRBU").startswith(("f", "F")):
            continue
        kept.append(tok.string)
    return " ".join(kept)


WORDS = ("pickle", "eval(", "exec(", "eval (", "exec (")


@pytest.mark.parametrize("source", package_sources(), ids=where)
def test_pickle_eval_and_exec_appear_only_in_prose(source: Path) -> None:
    # the grep view of the same rule: every "pickle", "eval(" or "exec(" in the text is
    # inside a docstring, a comment or a plain string (serialize.py promises "There is no
    # pickle and no eval"; the CLI calls ast.parse(..., mode="eval")); none is code
    code = code_only(source.read_text(encoding="utf-8"))
    allowed = GENERATES_CODE.get(where(source), set())
    if where(source) in PICKLES_ITS_OWN_RESULTS:
        allowed = allowed | {"pickle"}
    for word in WORDS:
        if word.rstrip(" (") not in allowed:
            assert word not in code, f"{source.name}: {word!r} outside prose"


def test_the_grep_sees_code_and_excuses_only_prose() -> None:
    prose = '''"""There is no pickle and no eval(text) here."""
# exec( in a comment
tree = ast.parse(text, mode="eval")
'''
    assert not any(word in code_only(prose) for word in WORDS)
    for bad in ("import pickle\n", "x = eval(text)\n", "exec (text)\n", 'y = f"{eval(t)}"\n'):
        assert any(word in code_only(prose + bad) for word in WORDS), bad
