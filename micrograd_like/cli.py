"""The ``micrograd-like`` command (also ``python -m micrograd_like``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from micrograd_like.engine import Value


def worked_example() -> tuple[Value, Value, Value]:
    """micrograd's README expression: returns (g, a, b) after ``g.backward()``."""
    a = Value(-4.0, label="a")
    b = Value(2.0, label="b")
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    return g, a, b


def _demo(args: argparse.Namespace) -> int:
    g, a, b = worked_example()
    print(f"g.data = {g.data!r}")
    print(f"a.grad = {a.grad!r}   (dg/da)")
    print(f"b.grad = {b.grad!r}   (dg/db)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="micrograd-like",
        description="Learn deep learning by running it: a scalar autograd engine.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser(
        "demo", help="run the worked example", description="example: micrograd-like demo"
    )
    demo.set_defaults(func=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
