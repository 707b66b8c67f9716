"""The ``micrograd-like`` command (also ``python -m micrograd_like``).

Five sub-commands, each with ``--help`` and an example:

* ``demo``    - micrograd's moons demo: train ``MLP(2, [16, 16, 1])``, draw the pictures;
* ``train``   - train an MLP on a toy dataset, print a summary, plot, save the model;
* ``predict`` - load a saved model and run it on one input;
* ``graph``   - evaluate an expression such as ``tanh(a*b + c)``, backpropagate, draw it;
* ``check``   - grade learners' own ``Value`` classes in ``.py`` or ``.ipynb`` files.

Errors are one line on stderr, ``micrograd-like: error: ...``, never a traceback: exit
code 2 for a bad argument, a missing or corrupt file, or an expression that cannot be
computed; 1 for a failure while running (training diverged, Graphviz missing).

The ``graph`` command never runs the text it is given: :mod:`micrograd_like.expression`
parses it with :mod:`ast` and walks the tree, allowing only numbers, names,
``+ - * / **``, unary ``-``/``+`` and calls of the engine's functions.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from micrograd_like.cli.common import PROG, CommandError
from micrograd_like.cli.demo import worked_example
from micrograd_like.cli.parser import build_parser
from micrograd_like.expression import FUNCTIONS, evaluate_expression

__all__ = [
    "FUNCTIONS",
    "PROG",
    "CommandError",
    "build_parser",
    "evaluate_expression",
    "main",
    "worked_example",
]

# --------------------------------------------------------------------------------------
# main: every error becomes one line and an exit code
# --------------------------------------------------------------------------------------


def _one_line(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        text = f"{error.filename}: {error.strerror}" if error.filename else error.strerror
    else:
        text = str(error) or type(error).__name__
    return " ".join(text.split())


def _fail(message: str, code: int) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    from micrograd_like.train import TrainingDiverged
    from micrograd_like.viz import GraphvizNotFound

    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help, --version, usage errors: argparse has printed
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)
    try:
        return int(args.func(args))
    except CommandError as error:
        return _fail(str(error), error.code)
    except TrainingDiverged as error:
        return _fail(_one_line(error), 1)
    except GraphvizNotFound as error:
        return _fail(_one_line(error), 1)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except BrokenPipeError:  # e.g. `micrograd-like train | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the final flush at exit cannot fail
        return 141
    except (ValueError, TypeError, OSError) as error:
        return _fail(_one_line(error), 2)
    except Exception as error:  # a bug: still one line, but say what it was
        return _fail(f"unexpected {type(error).__name__}: {_one_line(error)}", 1)
