"""What every command shares: the program name, CommandError, and writing files."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from micrograd_like.losses import LOSSES
from micrograd_like.tasks import LossSpec, loss_spec, spec_for_outputs

PROG = "micrograd-like"


class CommandError(Exception):
    """What the user asked for cannot be done: one line on stderr, exit ``code``."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def out_dir(path: str) -> Path:
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(f"--out {path}: cannot make the folder ({error.strerror})") from None
    return folder


def warn(message: str) -> None:
    print(f"{PROG}: warning: {message}", file=sys.stderr)


def matplotlib_ok() -> bool:
    """Select the non-interactive Agg backend; False (with a warning) without matplotlib."""
    try:
        import matplotlib
    except ImportError:
        warn("matplotlib is not installed, so no plots are written: pip install matplotlib")
        return False
    matplotlib.use("Agg")
    return True


def save_figure(fig: Any, path: Path, written: list[Path]) -> None:
    fig.savefig(path, dpi=110)
    written.append(path)


def save_graph(graph: Any, path: Path, written: list[Path]) -> None:
    """Render a graphviz graph to ``path``; without ``dot``, write its DOT source instead."""
    from micrograd_like.viz import GraphvizNotFound, save_graph

    try:
        save_graph(graph, path)
        written.append(path)
    except GraphvizNotFound:
        source = path.with_suffix(".dot")
        save_graph(graph, source)
        written.append(source)
        warn(f"Graphviz's `dot` program was not found, so {source} holds the DOT source")


def print_written(written: Sequence[Path], folder: Path) -> None:
    if not written:
        return
    print(f"wrote {len(written)} file{'s' * (len(written) != 1)} to {folder}/:")
    for path in written:
        print(f"  {path}")


def percent(x: float | None) -> str:
    return "-" if x is None else f"{100.0 * x:.1f}%"


def named_loss(name: str) -> LossSpec:
    """The description of the loss called ``name`` (or an alias such as ``bce``)."""
    spec = loss_spec(name)
    assert spec is not None  # a name either names a loss or raises
    return spec


def loss_choices() -> list[str]:

    return [*LOSSES, "bce", "bce_with_logits"]


def reading_loss(model: Any, loss: str | None) -> LossSpec | None:
    """The loss whose reading turns outputs into a class; None: a plain number."""
    if loss is not None:
        return named_loss(loss)
    return spec_for_outputs(model.output_activation, model.nouts[-1])
