"""The ``micrograd-like`` argument parser: the program's options, one sub-parser per
command (each command's module adds its own)."""

from __future__ import annotations

import argparse
from typing import NoReturn

import micrograd_like.cli.check as check
import micrograd_like.cli.demo as demo
import micrograd_like.cli.graph as graph
import micrograd_like.cli.predict as predict
import micrograd_like.cli.train as train
from micrograd_like import __version__
from micrograd_like.cli.common import PROG

COMMANDS = (demo, train, predict, graph, check)
"""The command modules: each has ``NAME``, ``HELP``, ``DESCRIPTION``, ``EPILOG``,
``add_arguments(parser)`` and ``run(args)``."""


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error as ONE line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        hint = f"see: {self.prog} --help"
        if message.startswith("unrecognized arguments: -"):
            hint = "an expression or number that starts with '-' goes after '--', e.g. "
            hint += f'{PROG} graph -o g.png -- "-a*b" a=2 b=3, or {PROG} predict --model '
            hint += "m.json -- -1e-3 2"
        # "micrograd-like: error: ..." for a sub-command too; its --help is in the hint
        message = message.replace("\n", " ")
        self.exit(2, f"{PROG}: error: {message} ({hint})\n")


_TOP_EPILOG = f"""\
examples:
  {PROG} demo                                  # micrograd's moons demo, pictures in ./demo-output
  {PROG} train --dataset spiral --save spiral.json
  {PROG} predict --model spiral.json 0.1 -0.4
  {PROG} graph "tanh(a*b + c)" a=2 b=-3 c=10 -o graph.png
  {PROG} check submissions/ --junit report.xml   # grade learners' own Value classes

Run '{PROG} COMMAND --help' for the options of each command."""


def build_parser() -> argparse.ArgumentParser:
    """The ``micrograd-like`` argument parser with its five sub-commands."""
    parser = _Parser(
        prog=PROG,
        description="Learn deep learning by running it: a scalar autograd engine and a tiny\n"
        "neural-network library.",
        epilog=_TOP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command_parser = sub.add_parser(
            command.NAME,
            help=command.HELP,
            description=command.DESCRIPTION,
            epilog=command.EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.add_arguments(command_parser)
        command_parser.set_defaults(func=command.run)
    return parser
