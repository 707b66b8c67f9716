"""``micrograd-like predict``: run a saved model on one input."""

from __future__ import annotations

import argparse

from micrograd_like.checks import real
from micrograd_like.cli.common import PROG, CommandError, loss_choices, reading_loss

EPILOG = f"""\
examples:
  {PROG} train --dataset moons --save moons.json
  {PROG} predict --model moons.json --loss hinge 0.5 -0.25

Prints the raw output(s) and, for a classifier, the class. A model with one linear output
is read as regression unless --loss says otherwise (hinge: class +1/-1 by the sign)."""


NAME = "predict"
HELP = "run a saved model on one input"
DESCRIPTION = "Load a model saved by 'train --save' and print its prediction for one\ninput vector."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``predict``."""
    parser.add_argument("--model", required=True, metavar="FILE.json", help="the saved model")
    parser.add_argument(
        "--loss",
        choices=loss_choices(),
        metavar="LOSS",
        help="the loss it was trained with (e.g. hinge), to read its output as a class "
        "(default: from the output layer)",
    )
    parser.add_argument(
        "inputs",
        nargs="+",
        type=float,
        metavar="X",
        help="the input numbers, as many as the model has inputs",
    )


def run(args: argparse.Namespace) -> int:
    """Load ``--model``, print its output(s) for the input and, for a classifier, the class."""
    from micrograd_like.engine import no_grad
    from micrograd_like.evaluation import predict
    from micrograd_like.serialize import load

    x = [real(v, f"input x[{i}]") for i, v in enumerate(args.inputs)]
    model = load(args.model)
    if len(x) != model.nin:
        raise CommandError(f"the model in {args.model} takes {model.nin} inputs, got {len(x)}: {x}")
    with no_grad():
        out = model(x)
    print(f"model    {args.model}: {model}")
    print(f"input    {x}")
    if isinstance(out, list):
        print(f"outputs  {[v.data for v in out]}")
    else:
        print(f"output   {out.data!r}")
    reading = reading_loss(model, args.loss)
    if reading is not None and reading.has_accuracy:
        (label,) = predict(model, [x], loss=reading.name)
        print(f"class    {label}")
    return 0
