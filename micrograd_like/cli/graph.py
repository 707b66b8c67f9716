"""``micrograd-like graph``: evaluate an expression, backpropagate, draw the graph.

The text is never run: :mod:`micrograd_like.expression` parses it with :mod:`ast`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from micrograd_like.checks import integer
from micrograd_like.cli.common import PROG, CommandError
from micrograd_like.expression import FUNCTIONS, evaluate_expression, parse_assignment

EPILOG = f"""\
examples:
  {PROG} graph "tanh(a*b + c)" a=2 b=-3 c=10 -o graph.png
  {PROG} graph "sigmoid(w1*x1 + w2*x2 + b)" w1=0.5 x1=2 w2=-1 x2=1 b=0.25 -o neuron.svg
  {PROG} graph -o g.png -- "-a**2" a=3          # '--' before an expression starting with '-'

Allowed: numbers, names given as NAME=NUMBER, + - * / **, unary -, and the functions
{", ".join(FUNCTIONS)} (leaky_relu(x, alpha) takes an optional slope).
The expression is parsed, never executed: anything else is refused."""


NAME = "graph"
HELP = "draw the backprop graph of an expression"
DESCRIPTION = (
    "Evaluate an expression of named inputs, run backward() and draw the\n"
    "graph with every value and gradient."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``graph``."""
    parser.add_argument("expression", help='e.g. "tanh(a*b + c)"')
    parser.add_argument("values", nargs="*", metavar="NAME=NUMBER", help="e.g. a=2 b=-3")
    parser.add_argument(
        "-o",
        "--output",
        default="graph.png",
        metavar="FILE",
        help="the picture: .png, .svg, .pdf or .dot (default: graph.png)",
    )
    parser.add_argument(
        "--local-grads", action="store_true", help="write each local derivative on its edge"
    )
    parser.add_argument(
        "--max-nodes",
        type=int,
        default=500,
        metavar="N",
        help="refuse graphs with more values than this (default: 500)",
    )


_GRAPH_FORMATS = ("png", "svg", "pdf", "dot", "gv")


def run(args: argparse.Namespace) -> int:
    """Evaluate the expression, run backward(), print the gradients, draw the graph."""
    from micrograd_like.viz import draw_dot, graph_nodes, save_graph

    output = Path(args.output)
    ext = output.suffix.lower().lstrip(".")
    if ext not in _GRAPH_FORMATS:
        raise CommandError(
            f"-o {args.output}: the file name must end in "
            + ", ".join("." + f for f in _GRAPH_FORMATS)
        )
    if not output.parent.is_dir():
        raise CommandError(f"-o {args.output}: the folder {output.parent} does not exist")
    values: dict[str, float] = {}
    for text in args.values:
        name, value = parse_assignment(text)
        if name in values:
            raise CommandError(f"{name} is given twice")
        values[name] = value
    max_nodes = integer(args.max_nodes, "--max-nodes", minimum=1)
    out, inputs = evaluate_expression(args.expression, values)
    nodes = graph_nodes(out)
    if len(nodes) > max_nodes:
        raise CommandError(
            f"the graph has {len(nodes)} values, more than --max-nodes {max_nodes}: "
            "too many to draw readably (raise --max-nodes to draw it anyway)"
        )
    if out.op:
        out.label = "out"
    out.backward()
    expression = " ".join(args.expression.split())
    print(f"{expression if len(expression) <= 60 else out.label} = {out.data!r}")
    used = set(nodes)
    for name, leaf in inputs.items():
        note = "" if leaf in used else "   (not used by the expression)"
        print(f"  d({out.label})/d({name}) = {leaf.grad!r}{note}")
    graph = draw_dot(out, show_local_grads=args.local_grads, max_nodes=max_nodes)
    save_graph(graph, output)
    print(f"graph written to {output}")
    return 0
