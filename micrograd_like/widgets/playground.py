"""The Playground: a small network learning a 2-D dataset, as in TensorFlow Playground.

:class:`Playground` trains a :class:`~micrograd_like.widgets.run.TrainingRun` and shows
the decision boundary, the loss curves, the network's weights and the computation graph
of one point, redrawn while it trains; the pictures are drawn by :class:`BoundaryPicture`,
:class:`LossPicture`, :func:`network_svg` and :func:`point_svg`.
"""

from __future__ import annotations

import functools
import html
import inspect
import io
import math
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from micrograd_like.engine import no_grad
from micrograd_like.nn import ACTIVATIONS
from micrograd_like.viz import draw_dot, draw_network
from micrograd_like.widgets.run import (
    DATASETS,
    LOSS_NAMES,
    LOSSES,
    OPTIMIZERS,
    Throttle,
    TrainingRun,
    _int,
    _number,
)
from micrograd_like.widgets.stepper import INSTALL_HINT, _fit_svg, _svg

__all__ = ["Playground"]

ORANGE, BLUE = "#e8871e", "#1b6fb3"
"""TensorFlow Playground's colours: orange for class 0 (or -1), blue for class 1."""


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96)
    return buffer.getvalue()


def _figure(width: float, height: float) -> Any:
    """A matplotlib Figure drawn off screen (no pyplot, so no GUI backend is involved)."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


class BoundaryPicture:
    """The plane shaded by the model's confidence, with the training and test points.

    Made once per run and redrawn with :meth:`png`: only the shading, the chosen point
    and the title change from frame to frame. The model is evaluated under ``no_grad``
    on a ``resolution`` x ``resolution`` grid, smoothed by bilinear interpolation.
    """

    def __init__(self, run: TrainingRun, resolution: int = 40) -> None:
        from matplotlib.colors import LinearSegmentedColormap
        from matplotlib.lines import Line2D

        self.resolution = _int(resolution, "resolution", 2)
        X = run.X_train + run.X_test
        pad = 0.25
        x0, x1 = min(p[0] for p in X) - pad, max(p[0] for p in X) + pad
        y0, y1 = min(p[1] for p in X) - pad, max(p[1] for p in X) + pad
        n = self.resolution
        self.grid = [
            [x0 + (x1 - x0) * i / (n - 1), y0 + (y1 - y0) * j / (n - 1)]
            for j in range(n)
            for i in range(n)
        ]
        self.fig = _figure(4.8, 4.0)
        self.fig.subplots_adjust(left=0.13, right=0.8, bottom=0.12, top=0.92)
        ax = self.ax = self.fig.add_subplot()
        cmap = LinearSegmentedColormap.from_list("playground", [ORANGE, "#ffffff", BLUE])
        self.image = ax.imshow(
            [[0.5] * n] * n,
            origin="lower",
            extent=(x0, x1, y0, y1),
            cmap=cmap,
            vmin=0.0,
            vmax=1.0,
            alpha=0.75,
            interpolation="bilinear",
            aspect="auto",
        )
        for points, labels, marker, edge, size in (
            (run.X_train, run.y_train, "o", "white", 22),
            (run.X_test, run.y_test, "^", "black", 26),
        ):
            ax.scatter(
                [p[0] for p in points],
                [p[1] for p in points],
                c=[BLUE if label == 1 else ORANGE for label in labels],
                s=size,
                marker=marker,
                edgecolors=edge,
                linewidths=0.8,
            )
        self.chosen = ax.scatter(
            [0.0], [0.0], s=160, facecolors="none", edgecolors="black", linewidths=1.8
        )
        self.chosen_text = ax.annotate(
            "chosen point",
            (0.0, 0.0),
            xytext=(8, 8),
            textcoords="offset points",
            fontsize=8,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "alpha": 0.85, "lw": 0},
        )
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        keys = [
            Line2D([], [], ls="none", marker=m, color="#888888", markeredgecolor=e, label=name)
            for m, e, name in (("o", "white", "train"), ("^", "black", "test"))
        ]
        ax.legend(handles=keys, loc="upper right", fontsize=8, framealpha=0.8)
        bar = self.fig.add_axes((0.83, 0.12, 0.03, 0.8))
        self.fig.colorbar(self.image, cax=bar, label="confidence of class 1 (blue)")

    def png(self, run: TrainingRun, point: int | None = None) -> bytes:
        """The picture for the model as it is now, ``point`` (a training index) ringed."""
        n = self.resolution
        with no_grad():
            outs = run.model.forward_batch(self.grid)
        sure = [run.confidence(out.data) for out in outs]
        self.image.set_data([sure[j * n : (j + 1) * n] for j in range(n)])
        shown = point is not None and 0 <= point < len(run.X_train)
        if shown:
            assert point is not None
            px, py = run.X_train[point]
            self.chosen.set_offsets([[px, py]])
            self.chosen_text.xy = (px, py)
            left = px > sum(self.ax.get_xlim()) / 2  # the label on the side with room
            self.chosen_text.set_position((-8 if left else 8, 8))
            self.chosen_text.set_horizontalalignment("right" if left else "left")
        self.chosen.set_visible(shown)
        self.chosen_text.set_visible(shown)
        accuracy = "" if run.test_accuracy is None else f", test accuracy {run.test_accuracy:.0%}"
        self.ax.set_title(f"epoch {run.epoch}{accuracy}", fontsize=10)
        return _png(self.fig)


class LossPicture:
    """The train and test loss after each epoch; a log axis once they span two decades."""

    def __init__(self, run: TrainingRun) -> None:
        self.fig = _figure(4.8, 4.0)
        self.fig.subplots_adjust(left=0.16, right=0.97, bottom=0.12, top=0.92)
        ax = self.ax = self.fig.add_subplot()
        (self.train,) = ax.plot([], [], color="#333333")
        (self.test,) = ax.plot([], [], color="#d62728", ls="--")
        ax.set_xlabel("epoch")
        ax.set_ylabel(f"loss ({LOSS_NAMES[run.loss]})")
        ax.grid(alpha=0.3)
        ax.set_title("loss after each epoch", fontsize=10)

    def png(self, run: TrainingRun) -> bytes:
        epochs = list(range(len(run.train_loss)))
        self.train.set_data(epochs, run.train_loss)
        self.test.set_data(epochs, run.test_loss)
        self.train.set_label(f"train {run.train_loss[-1]:.4f}")
        self.test.set_label(f"test {run.test_loss[-1]:.4f}")
        values = [v for v in run.train_loss + run.test_loss if v > 0 and math.isfinite(v)]
        log = bool(values) and max(values) / min(values) > 100
        self.ax.set_yscale("log" if log else "linear")
        if values:
            low, high = min(values), max(values)
            margin = (high / low) ** 0.05 if log else 0.05 * (high - low) or 0.05 * high
            self.ax.set_ylim(
                *((low / margin, high * margin) if log else (low - margin, high + margin))
            )
        self.ax.set_xlim(0, max(1, len(epochs) - 1))
        self.ax.legend(fontsize=9, loc="upper right")
        return _png(self.fig)


def boundary_png(run: TrainingRun, resolution: int = 40, point: int | None = None) -> bytes:
    """:class:`BoundaryPicture` of ``run``, drawn once."""
    return BoundaryPicture(run, resolution).png(run, point)


def loss_png(run: TrainingRun) -> bytes:
    """:class:`LossPicture` of ``run``, drawn once."""
    return LossPicture(run).png(run)


def _takes(fn: Callable[..., Any], name: str) -> bool:
    return name in inspect.signature(fn).parameters


def network_svg(run: TrainingRun, point: int | None = None) -> str:
    """draw_network's picture of the model (with per-neuron heatmaps where it has them)."""
    options: dict[str, Any] = {}
    if point is not None:
        options["x"] = run.X_train[point]
    if _takes(draw_network, "heatmaps"):
        options["heatmaps"] = True
    return _fit_svg(_svg(draw_network(run.model, **options)))


def point_svg(run: TrainingRun, point: int) -> str:
    """The computation graph of one point's loss, a box per neuron, with data and grads.

    Drawn top down: a layer's neurons side by side, as wide as the widest layer.
    """
    loss = run.point_loss(point)
    graph = draw_dot(loss, model=run.model, collapse="neuron", rankdir="TB", max_nodes=2000)
    return _fit_svg(_svg(graph))


# --------------------------------------------------------------------------------------
# The Playground
# --------------------------------------------------------------------------------------


class Playground:
    """Watch a network learn a 2-D dataset, as in TensorFlow Playground, in the notebook.

    Controls choose the dataset, the noise, the hidden layers, the activation, the loss,
    the learning rate and the optimizer (changing any but the learning rate starts over).
    Play trains in a background thread, a chunk of ``epochs_per_chunk`` epochs at a time
    (each chunk one :func:`~micrograd_like.train.fit` call), so the notebook stays free;
    the pictures are redrawn at most ``fps`` times a second, and the two Graphviz
    pictures at most once every ``graph_interval`` seconds. Step trains one chunk.

    The panels: the decision boundary shaded by confidence with the training (circles)
    and test (triangles) points; the train and test loss; the network with its weights;
    the computation graph of one chosen training point's loss, with each node's data
    (forward) and grad (backward). In a notebook cell::

        Playground(dataset="moons", hidden=(4, 4))
    """

    def __init__(
        self,
        dataset: str = "moons",
        noise: float = 0.1,
        hidden: Sequence[int] | str = (4, 4),
        activation: str = "tanh",
        loss: str = "binary_cross_entropy_with_logits",
        lr: float = 0.01,
        optimizer: str = "adam",
        n_samples: int = 200,
        seed: int = 0,
        epochs_per_chunk: int = 2,
        fps: float = 2.0,
        graph_interval: float = 2.0,
        max_epochs: int = 3000,
        point: int = 0,
    ) -> None:
        try:
            import ipywidgets as w
            import matplotlib  # noqa: F401
        except ImportError as exc:
            raise ImportError(
                f"Playground needs ipywidgets and matplotlib: {INSTALL_HINT}"
            ) from exc
        self.run = TrainingRun(
            dataset, noise, hidden, activation, loss, lr, optimizer, n_samples, seed=seed
        )
        self.epochs_per_chunk = _int(epochs_per_chunk, "epochs_per_chunk", 1)
        self.max_epochs = _int(max_epochs, "max_epochs", 1)
        self.frames = Throttle(1.0 / _number(fps, "fps", 0.01, 60.0))
        self.graphs = Throttle(_number(graph_interval, "graph_interval", 0.0, 3600.0))
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._building = True
        self._pictures: tuple[Any, ...] = (None,)  # (run, BoundaryPicture, LossPicture)

        narrow = w.Layout(width="auto")
        style = {"description_width": "initial"}
        self.controls = {
            "dataset": w.Dropdown(options=list(DATASETS), value=dataset, description="dataset"),
            "noise": w.FloatSlider(
                value=self.run.noise,
                min=0.0,
                max=max(0.5, self.run.noise),
                step=0.05,
                description="noise",
                style=style,
            ),
            "hidden": w.Text(
                value=", ".join(map(str, self.run.hidden)),
                description="hidden layers",
                placeholder="8, 8",
                continuous_update=False,
                style=style,
                layout=w.Layout(width="210px"),
            ),
            "activation": w.Dropdown(
                options=[a for a in ACTIVATIONS if a != "linear"],
                value=activation,
                description="activation",
                style=style,
            ),
            "loss": w.Dropdown(
                options=[(LOSS_NAMES[name], name) for name in LOSSES],
                value=loss,
                description="loss",
                layout=w.Layout(width="300px"),
            ),
            "lr": w.FloatLogSlider(
                value=self.run.lr,
                base=10,
                min=min(-4, math.floor(math.log10(self.run.lr))),
                max=max(0, math.ceil(math.log10(self.run.lr))),
                step=0.25,
                description="learning rate",
                style=style,
            ),
            "optimizer": w.ToggleButtons(
                options=list(OPTIMIZERS), value=optimizer, description="optimizer"
            ),
        }
        self.controls["optimizer"].style.button_width = "4.5em"
        self.buttons = {
            name: w.Button(description=name, icon=icon, layout=narrow)
            for name, icon in (
                ("play", "play"),
                ("pause", "pause"),
                ("step", "step-forward"),
                ("reset", "undo"),
            )
        }
        for name, button in self.buttons.items():
            button.add_class(f"mgl-{name}")
        self.buttons["play"].button_style = "success"
        self.status = w.HTML()
        self.point = w.IntSlider(
            value=point,
            min=0,
            max=len(self.run.X_train) - 1,
            description="chosen point",
            style=style,
        )
        self.boundary = w.Image(format="png", layout=w.Layout(width="100%", max_width="460px"))
        self.curves = w.Image(format="png", layout=w.Layout(width="100%", max_width="460px"))
        self.network = w.HTML(layout=w.Layout(width="100%", max_width="760px"))
        self.graph = w.HTML(layout=w.Layout(width="100%", max_width="760px"))
        for name, widget in self.controls.items():
            widget.observe(functools.partial(self._changed, name), names="value")
        self.buttons["play"].on_click(lambda _: self.play())
        self.buttons["pause"].on_click(lambda _: self.pause())
        self.buttons["step"].on_click(lambda _: self.step())
        self.buttons["reset"].on_click(lambda _: self.reset())
        self.point.observe(lambda _: self._draw(graphs=True), names="value")

        def title(text: str) -> Any:
            return w.HTML(f"<b>{html.escape(text)}</b>")

        self.widget = w.VBox(
            [
                w.HBox(list(self.controls.values())[:4], layout=w.Layout(flex_flow="row wrap")),
                w.HBox(list(self.controls.values())[4:], layout=w.Layout(flex_flow="row wrap")),
                w.HBox(
                    [*self.buttons.values(), self.status], layout=w.Layout(flex_flow="row wrap")
                ),
                w.GridBox(
                    [
                        w.VBox([title("decision boundary"), self.boundary]),
                        w.VBox([title("train and test loss"), self.curves]),
                    ],
                    layout=w.Layout(grid_template_columns="repeat(auto-fit, minmax(320px, 1fr))"),
                ),
                title("the network: blue weights > 0, red < 0, thicker = larger |w|"),
                self.network,
                title(
                    "the loss of one training point: data (forward) and grad (backward), "
                    "a box per neuron"
                ),
                self.point,
                self.graph,
            ]
        )
        self.widget.add_class("mgl-playground")
        self._building = False
        self._set_buttons(running=False)
        self._draw(graphs=True)

    # ---- what the buttons do ----------------------------------------------------------

    @property
    def running(self) -> bool:
        """True while the background thread trains."""
        return self._thread is not None and self._thread.is_alive()

    def play(self) -> None:
        """Train in a background thread until :meth:`pause` (or ``max_epochs``)."""
        if self.running or self.run.diverged is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="playground", daemon=True)
        self._set_buttons(running=True)
        self._thread.start()

    def pause(self) -> None:
        """Stop training after the chunk in progress; the pictures show where it stopped."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10.0)
        self._set_buttons(running=False)

    def step(self) -> None:
        """Train one chunk of ``epochs_per_chunk`` epochs, then redraw everything."""
        if self.running:
            return
        with self._lock:
            self.run.chunk(self.epochs_per_chunk)
        self._draw(graphs=True)

    def reset(self) -> None:
        """Start over: new data and a new model from the controls' values."""
        self.pause()
        c = self.controls
        try:
            run = TrainingRun(
                c["dataset"].value,
                c["noise"].value,
                c["hidden"].value,
                c["activation"].value,
                c["loss"].value,
                c["lr"].value,
                c["optimizer"].value,
                self.run.n_samples,
                seed=self.run.seed,
            )
        except (TypeError, ValueError) as exc:
            self.status.value = f'<span style="color:#c00">{html.escape(str(exc))}</span>'
            return
        with self._lock:
            self.run = run
        self.point.max = len(run.X_train) - 1
        self._draw(graphs=True)

    def _changed(self, name: str, change: dict[str, Any]) -> None:
        if self._building:
            return
        if name == "lr":
            self.run.set_lr(change["new"])
            self._draw(graphs=False)
        else:
            self.reset()

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                with self._lock:
                    self.run.chunk(self.epochs_per_chunk)
                done = self.run.diverged is not None or self.run.epoch >= self.max_epochs
                if done or self.frames.ready():
                    self._draw(graphs=done or self.graphs.ready())
                if done:
                    break
                time.sleep(0.001)  # let the kernel's thread take the GIL and answer clicks
            else:
                self._draw(graphs=True)
        except Exception as exc:  # shown in the widget: a thread's traceback goes nowhere
            self.status.value = (
                f'<span style="color:#c00">training stopped: {html.escape(repr(exc))}</span>'
            )
        finally:
            self._set_buttons(running=False)

    def _set_buttons(self, running: bool) -> None:
        self.buttons["play"].disabled = running
        self.buttons["step"].disabled = running
        self.buttons["pause"].disabled = not running

    # ---- drawing ----------------------------------------------------------------------

    def _status_html(self) -> str:
        run = self.run
        parts = [
            f"epoch <b class='mgl-epoch'>{run.epoch}</b>",
            f"train loss <b class='mgl-train-loss'>{run.train_loss[-1]:.4f}</b>",
            f"test loss <b class='mgl-test-loss'>{run.test_loss[-1]:.4f}</b>",
        ]
        if run.test_accuracy is not None:
            parts.append(f"test accuracy {run.test_accuracy:.0%}")
        text = " &middot; ".join(parts)
        if run.diverged:
            text += f'<br><span style="color:#c00">{html.escape(run.diverged)}</span>'
        elif run.epoch >= self.max_epochs:
            text += f" (stopped at max_epochs={self.max_epochs})"
        return f"<span class='mgl-status'>{text}</span>"

    def _draw(self, graphs: bool) -> None:
        """Redraw the panels (the Graphviz ones too when ``graphs``)."""
        with self._lock:
            point = min(self.point.value, len(self.run.X_train) - 1)
            self.status.value = self._status_html()
            if self._pictures[0] is not self.run:
                self._pictures = (self.run, BoundaryPicture(self.run), LossPicture(self.run))
            _, boundary, curves = self._pictures
            self.boundary.value = boundary.png(self.run, point)
            self.curves.value = curves.png(self.run)
            if graphs:
                self.network.value = network_svg(self.run, point)
                self.graph.value = point_svg(self.run, point)

    # ---- showing it -------------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"Playground({self.run!r}): open this notebook in JupyterLab to play"
