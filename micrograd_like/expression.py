"""Formulas as graphs: ``"tanh(a*b + c)"`` becomes a graph of Values, safely.

The text is parsed with :mod:`ast` and walked; it is never executed. Only numbers, the
given names, ``+ - * / **``, unary ``-``/``+`` and calls of the engine's functions
(:data:`FUNCTIONS`) are allowed; anything else raises :class:`ExpressionError`, a
ValueError whose message says what was refused. The ``graph`` command is built on it.
Only the inputs are labelled: :func:`~micrograd_like.viz.draw_dot` names every other
node by the short sub-expression it computes (``a*b``), and writes numbers inside their
op (``* 2``).

>>> out, inputs = evaluate_expression("a*b + c", {"a": 2.0, "b": -3.0, "c": 10.0})
>>> out.backward()           # out = ab + c = -6 + 10; d/da = b, d/db = a, d/dc = 1
>>> out.data, [x.grad for x in inputs.values()]
(4.0, [-3.0, 2.0, 1.0])
>>> evaluate_expression("__import__('os')", {})     # doctest: +ELLIPSIS
Traceback (most recent call last):
micrograd_like.expression.ExpressionError: unknown function '__import__'; allowed: ...
"""

from __future__ import annotations

import ast
import keyword
import math
import operator
import unicodedata
import warnings
from collections.abc import Callable
from typing import Any, NoReturn

from micrograd_like.engine import Value, topological_order

__all__ = [
    "FUNCTIONS",
    "MAX_EXPRESSION",
    "ExpressionError",
    "evaluate_expression",
    "parse_assignment",
]


class ExpressionError(ValueError):
    """The expression (or a NAME=NUMBER assignment) is not allowed or cannot be computed."""


FUNCTIONS: dict[str, tuple[int, int]] = {
    "tanh": (1, 1),
    "exp": (1, 1),
    "log": (1, 1),
    "relu": (1, 1),
    "sigmoid": (1, 1),
    "leaky_relu": (1, 2),
}
"""The functions an expression may call: name -> (fewest, most) arguments."""

MAX_EXPRESSION = 2000
"""The longest expression accepted, in characters."""

_BINARY: dict[type[ast.operator], tuple[str, Callable[[Any, Any], Value]]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
    ast.Pow: ("**", operator.pow),
}
_REFUSED: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access is",
    ast.Subscript: "subscripts are",
    ast.Lambda: "lambda is",
    ast.ListComp: "comprehensions are",
    ast.SetComp: "comprehensions are",
    ast.DictComp: "comprehensions are",
    ast.GeneratorExp: "generator expressions are",
    ast.List: "lists are",
    ast.Tuple: "tuples are",
    ast.Set: "sets are",
    ast.Dict: "dicts are",
    ast.Compare: "comparisons are",
    ast.BoolOp: "and/or are",
    ast.IfExp: "if/else is",
    ast.JoinedStr: "strings are",
    ast.NamedExpr: "assignments (:=) are",
    ast.Starred: "*arguments are",
}
_SYMBOLS: dict[type[ast.AST], str] = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.Not: "not",
    ast.Invert: "~",
}


def _symbol(op: ast.AST) -> str:
    return _SYMBOLS.get(type(op), type(op).__name__)


_ALLOWED = "numbers, names, + - * / **, and the functions " + ", ".join(FUNCTIONS)


class _Evaluator:
    """Walks a parsed expression, allowing only the whitelisted node types."""

    def __init__(self, source: str, inputs: dict[str, Value]) -> None:
        self.source = source
        self.inputs = inputs

    def refuse(self, node: ast.AST, what: str) -> NoReturn:
        text = ast.get_source_segment(self.source, node) or ""
        shown = f": {text[:40]}{'...' if len(text) > 40 else ''}" if text else ""
        raise ExpressionError(f"{what} not allowed in an expression{shown} (allowed: {_ALLOWED})")

    def constant(self, x: object, node: ast.AST) -> Value:
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            what = "strings are" if isinstance(x, (str, bytes)) else f"{type(x).__name__} is"
            self.refuse(node, what)
        try:
            f = float(x)
        except OverflowError:
            raise ExpressionError(f"the number {x} is too large for a float") from None
        if not math.isfinite(f):
            raise ExpressionError(
                f"the number {ast.get_source_segment(self.source, node)} is not finite"
            )
        return Value(f)  # unlabelled: draw_dot writes it inside its op, as ``* 2``

    def visit(self, node: ast.AST) -> Value:
        if isinstance(node, ast.Expression):
            return self.visit(node.body)
        if isinstance(node, ast.BinOp):
            entry = _BINARY.get(type(node.op))
            if entry is None:
                self.refuse(node, f"the operator {_symbol(node.op)} is")
            return entry[1](self.visit(node.left), self.visit(node.right))
        if isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                self.refuse(node, f"the operator {_symbol(node.op)} is")
            sign = -1 if isinstance(node.op, ast.USub) else 1
            if isinstance(node.operand, ast.Constant):  # -3 is a number, not -1 * 3
                value = self.constant(node.operand.value, node.operand)
                return self.constant(sign * value.data, node)
            operand = self.visit(node.operand)
            return -operand if sign < 0 else operand
        if isinstance(node, ast.Constant):
            return self.constant(node.value, node)
        if isinstance(node, ast.Name):
            if node.id in self.inputs:
                return self.inputs[node.id]
            if node.id in FUNCTIONS:
                raise ExpressionError(f"{node.id} is a function: call it, e.g. {node.id}(x)")
            raise ExpressionError(
                f"unknown name {node.id!r}: give its value on the command line, e.g. {node.id}=1.5"
            )
        if isinstance(node, ast.Call):
            return self.call(node)
        self.refuse(node, _REFUSED.get(type(node), f"{type(node).__name__} is"))

    def call(self, node: ast.Call) -> Value:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            if isinstance(node.func, ast.Name):
                raise ExpressionError(
                    f"unknown function {node.func.id!r}; allowed: {', '.join(FUNCTIONS)}"
                )
            self.refuse(node, f"calling anything but {', '.join(FUNCTIONS)} by name is")
        name = node.func.id
        if node.keywords:
            self.refuse(node, "keyword arguments are")
        low, high = FUNCTIONS[name]
        if not low <= len(node.args) <= high:
            want = str(low) if low == high else f"{low} or {high}"
            raise ExpressionError(f"{name}() takes {want} argument(s), got {len(node.args)}")
        args = [self.visit(a) for a in node.args]
        method = getattr(args[0], name)
        return method(*args[1:])


def parse_assignment(text: str) -> tuple[str, float]:
    """``"a=2"`` -> ("a", 2.0), or a ExpressionError saying what is wrong."""
    name, sep, raw = text.partition("=")
    name = unicodedata.normalize("NFKC", name.strip())  # as Python normalises identifiers
    if not sep:
        raise ExpressionError(f"expected NAME=NUMBER, got {text!r} (e.g. a=2)")
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ExpressionError(f"{name!r} is not a valid name in {text!r} (e.g. a=2)")
    if name in FUNCTIONS:
        raise ExpressionError(f"{name!r} is a function name; choose another name for the input")
    if not raw.strip():
        raise ExpressionError(f"{name}= has no value: write {name}=NUMBER")
    try:
        value = float(raw)
    except ValueError:
        raise ExpressionError(f"the value of {name} must be a number, got {raw!r}") from None
    if not math.isfinite(value):
        raise ExpressionError(f"the value of {name} must be a finite number, got {raw!r}")
    return name, value


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


def evaluate_expression(source: str, values: dict[str, float]) -> tuple[Value, dict[str, Value]]:
    """Build the graph of ``source`` with each name a leaf Value; return (output, inputs).

    Only numbers, the names in ``values``, ``+ - * / **``, unary ``-``/``+`` and calls of
    :data:`FUNCTIONS` are allowed; anything else raises ExpressionError. The text is parsed
    with :mod:`ast` and walked; it is never executed.
    """
    if len(source) > MAX_EXPRESSION:
        raise ExpressionError(f"the expression is longer than {MAX_EXPRESSION} characters")
    if not source.strip():
        raise ExpressionError("the expression is empty")
    try:
        with warnings.catch_warnings():  # e.g. "1and": a SyntaxWarning, not our one line
            warnings.simplefilter("ignore")
            tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as error:
        where = f" at column {error.offset}" if error.offset else ""
        raise ExpressionError(f"invalid expression {_short(source)}: {error.msg}{where}") from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError(f"invalid expression {_short(source)}") from None
    inputs = {name: Value(v, label=name) for name, v in values.items()}
    walker = _Evaluator(source.strip(), inputs)
    try:
        out = walker.visit(tree)
    except ExpressionError:
        raise  # already says what was refused
    except RecursionError:
        raise ExpressionError("the expression is nested too deeply") from None
    except ArithmeticError as error:  # 1/0, exp(1000), ...
        raise ExpressionError(f"cannot compute {_short(source)}: {error}") from None
    except ValueError as error:  # log(-1), (-8)**0.5, ...
        raise ExpressionError(f"cannot compute {_short(source)}: {error}") from None
    for v in topological_order(out):  # the inputs and constants are finite already
        if not math.isfinite(v.data):
            raise ExpressionError(
                f"cannot compute {_short(source)}: a number overflowed to {v.data}"
            )
    return out, inputs
