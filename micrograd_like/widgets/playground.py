"""The Playground: a network learning a 2-D dataset live, as in TensorFlow Playground.

:class:`Playground` is an anywidget. Python trains a
:class:`~micrograd_like.widgets.run.TrainingRun` in a background thread and, after every
epoch, sends the numbers of a frame (:func:`frame`): each neuron's and the output's
values over the plane as bytes, the weights and the losses. The page
(``playground.js``, shipped with the package) draws them on canvases and SVG, so no
picture is rendered in Python while it trains. Clicking a point opens its loss's
computation graph in :func:`~micrograd_like.widgets.step_widget`, built on demand in a
thread of its own.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from pathlib import Path
from typing import Any

from micrograd_like.checks import between, integer
from micrograd_like.nn import ACTIVATIONS
from micrograd_like.viz import colors
from micrograd_like.widgets.run import (
    DATASETS,
    FEATURE_LABELS,
    FEATURES,
    LOSS_NAMES,
    LOSSES,
    MAX_LAYERS,
    MAX_NEURONS,
    OPTIMIZERS,
    PROBLEMS,
    REGULARIZATIONS,
    Settings,
    TrainingRun,
    problem_of,
)
from micrograd_like.widgets.stepper import INSTALL_HINT, step_widget

__all__ = ["Playground"]

HERE = Path(__file__).resolve().parent
GRID = 40
"""Each neuron's picture is GRID x GRID values over the plane (the output's too)."""
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REG_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
"""TF Playground's menus of rates."""


def menus() -> dict[str, Any]:
    """What the page's menus offer, and what it draws the dataset buttons from."""
    thumbnails = {}
    for name, dataset in DATASETS.items():
        zero_one = problem_of(name) == "classification"
        X, y = dataset(120, noise=0.05 if zero_one else 0.0, seed=0)
        thumbnails[name] = [
            [round(a, 3), round(b, 3), _tone(t, zero_one)] for (a, b), t in zip(X, y)
        ]
    return {
        "problems": list(PROBLEMS),
        "datasets": {name: problem_of(name) for name in DATASETS},
        "thumbnails": thumbnails,
        "features": [[f, FEATURE_LABELS.get(f, f)] for f in FEATURES],
        "activations": list(ACTIVATIONS),
        "losses": {p: [[name, LOSS_NAMES[name]] for name in LOSSES[p]] for p in PROBLEMS},
        "optimizers": list(OPTIMIZERS),
        "regularizations": list(REGULARIZATIONS),
        "learning_rates": list(LEARNING_RATES),
        "reg_rates": list(REG_RATES),
        "max_layers": MAX_LAYERS,
        "max_neurons": MAX_NEURONS,
    }


def palette() -> dict[str, Any]:
    """The colour convention for the page: 256 colours from -1 (orange) to +1 (blue)."""
    return {
        "negative": colors.NEGATIVE,
        "positive": colors.POSITIVE,
        "neutral": colors.NEUTRAL,
        "legend": colors.LEGEND,
        "scale": [colors.shade(i / 127.5 - 1.0) for i in range(256)],
    }


def _tone(label: float, zero_one: bool) -> float:
    """A label on the colour scale: class 0 (of labels 0/1) at -1, class 1 and the labels
    -1/+1 as they are, a regression target as it is."""
    return -1.0 if zero_one and label == 0 else float(label)


def frame(
    run: TrainingRun, full: bool = False, start: int = 0
) -> tuple[dict[str, Any], list[bytes]]:
    """The numbers of one frame: the message, and its buffers of node pictures.

    A picture is GRID x GRID values over the plane, one byte each (0 is -1, 255 is +1),
    row by row from the top. The first buffer holds one per neuron: each hidden layer's,
    then the output's. A hidden value is divided by its largest size over the plane when
    that is over 1; the output shows what the model says (the probability of class 1 as
    2p - 1, or the score clipped to [-1, 1]). The losses are those from epoch ``start``
    on. A ``full`` frame also holds the points, the plane and a second buffer: the seven
    features' pictures (each divided by its largest size, as the hidden values).
    """
    from micrograd_like.widgets import grids as g  # numpy: imported when a frame is made

    s = run.settings
    net = run.snapshot()
    grid = g.plane(run.extent, GRID)
    columns = net.layers(g.features(grid, s.features))[1:]
    kind = "probability" if s.loss == "binary_cross_entropy_with_logits" else "clipped"
    pictures = [
        g.to_bytes(g.display(values[:, j], kind if c == len(columns) - 1 else "node"))
        for c, values in enumerate(columns)
        for j in range(values.shape[1])
    ]
    message: dict[str, Any] = {
        "kind": "frame",
        "epoch": run.epoch,
        "sizes": net.sizes,
        "weights": [w.tolist() for w in net.weights],
        "biases": [b.tolist() for b in net.biases],
        "grid": GRID,
        "start": start,
        "train_loss": [g.finite(v) for v in run.train_loss[start:]],
        "test_loss": [g.finite(v) for v in run.test_loss[start:]],
        "diverged": run.diverged or "",
    }
    if s.problem == "classification":
        message["accuracy"] = [
            g.accuracy(net.outputs(F), y)
            for F, y in ((run.F_train, run.y_train), (run.F_test, run.y_test))
        ]
    buffers = [b"".join(pictures)]
    if full:
        zero_one = s.loss == "binary_cross_entropy_with_logits"
        message["extent"] = list(run.extent)
        message["points"] = {
            name: [[a, b, _tone(t, zero_one)] for (a, b), t in zip(X, y)]
            for name, X, y in (
                ("train", run.X_train, run.y_train),
                ("test", run.X_test, run.y_test),
            )
        }
        every = g.features(grid, FEATURES)
        buffers.append(
            b"".join(g.to_bytes(g.display(every[:, j], "node")) for j in range(len(FEATURES)))
        )
    return message, buffers


@functools.cache
def _widget_class() -> type:
    """The anywidget class of the Playground (made on first use: anywidget is optional)."""
    import anywidget
    import traitlets

    class PlaygroundWidget(anywidget.AnyWidget):
        """The page's model: the menus, the colours, the settings; frames come as messages."""

        _esm = HERE / "playground.js"
        _css = HERE / "playground.css"
        choices = traitlets.Dict().tag(sync=True)
        palette = traitlets.Dict().tag(sync=True)
        settings = traitlets.Dict().tag(sync=True)
        state = traitlets.Unicode("").tag(sync=True)
        running = traitlets.Bool(False).tag(sync=True)
        error = traitlets.Unicode("").tag(sync=True)
        point_title = traitlets.Unicode("").tag(sync=True)
        point_graph = anywidget.WidgetTrait().tag(sync=True)

    return PlaygroundWidget


_LIVE = ("lr", "discretize", "show_test")
"""The settings that change a run as it goes; any other starts it over (TF Playground's way)."""


class Playground:
    """Watch a network learn a 2-D dataset, as in TensorFlow Playground, in the notebook.

    All of TF Playground's controls, on one screen: play, pause, step, reset and new
    weights; the dataset (classification or regression), the noise, the ratio of training
    data, the batch size and "regenerate"; the input features; + and - for the hidden
    layers and their neurons; the learning rate, the activation, the regularization and
    its rate; "show test data" and "discretize output". And ours: the loss, the optimizer
    (SGD, momentum, Adam), and a click on a point for its loss's computation graph in
    :func:`~micrograd_like.widgets.step_widget`. Hover over a neuron to see its picture
    in the big output; click a weight or a bias to edit it.

    Play trains in a background thread, ``epochs_per_frame`` epochs per frame (each as
    :func:`~micrograd_like.train.fit` trains one), at most ``fps`` frames a second.
    Changing any setting but the learning rate and the two view options pauses and
    starts over, as TF Playground does. The same controls work from Python
    (:meth:`set`, :meth:`play`, ...). :attr:`state` is a short text of the settings, and
    ``Playground.from_state(text)`` rebuilds the same run. In a notebook cell::

        Playground(dataset="moons", hidden=(4, 4))
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        fps: float = 30.0,
        epochs_per_frame: int = 1,
        max_epochs: int = 100_000,
        **choices: Any,
    ) -> None:
        try:
            cls = _widget_class()
        except ImportError as exc:
            raise ImportError(f"Playground needs anywidget: {INSTALL_HINT}") from exc
        self.run = TrainingRun(settings, **choices)
        self.fps = between(fps, "fps", 1.0, 120.0)
        self.epochs_per_frame = integer(epochs_per_frame, "epochs_per_frame", minimum=1)
        self.max_epochs = integer(max_epochs, "max_epochs", minimum=1)
        self.frames = 0
        """How many frames were sent to the page."""
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._sent = 0  # losses the page has
        self.widget = cls(choices=menus(), palette=palette())
        self.widget.on_msg(self._on_message)
        self._publish()

    @classmethod
    def from_state(cls, state: str, **options: Any) -> Playground:
        """The Playground that :attr:`state`'s text describes (same data, same first weights)."""
        return cls(Settings.from_state(state), **options)

    @property
    def settings(self) -> Settings:
        """The settings of the run shown now; setting new ones pauses and starts over.

        ``pg.settings = pg.settings.changed("dataset", "xor")``
        """
        return self.run.settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        if not isinstance(settings, Settings):
            raise TypeError(f"settings must be a Settings, got {type(settings).__name__}")
        self._restart(settings)

    @property
    def state(self) -> str:
        """The settings as a short text, to share: ``Playground.from_state(text)``."""
        return self.settings.to_state()

    @property
    def running(self) -> bool:
        """True while the background thread trains."""
        return self._thread is not None and self._thread.is_alive()

    # ---- the controls ----------------------------------------------------------------

    def play(self) -> None:
        """Train in a background thread until :meth:`pause` (or ``max_epochs``)."""
        with self._lock:
            if self.running or self.run.diverged is not None:
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="playground", daemon=True)
            self.widget.running = True
            self._thread.start()

    def pause(self) -> None:
        """Stop training after the epoch in progress; the page shows where it stopped."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=30.0)
        self.widget.running = False

    def step(self) -> None:
        """Train ``epochs_per_frame`` epochs, then show them."""
        if self.running:
            return
        with self._lock:
            self.run.chunk(self.epochs_per_frame)
            self._send()

    def reset(self) -> None:
        """Start over at epoch 0: the same data and the same first weights."""
        self._restart(self.settings)

    def new_weights(self) -> None:
        """Start over with other random first weights (the next ``weight_seed``)."""
        self._restart(self.settings.changed("weight_seed", self.settings.weight_seed + 1))

    def regenerate(self) -> None:
        """Start over on new data from the same dataset (the next ``data_seed``)."""
        self._restart(self.settings.changed("data_seed", self.settings.data_seed + 1))

    def set(self, name: str, value: Any) -> None:
        """Change one setting, as its control does (``set("activation", "relu")``).

        The learning rate applies from the next step and the view options at once; any
        other setting pauses and starts over. A bad value raises and changes nothing.
        """
        new = self.settings.changed(name, value)
        if name not in _LIVE:
            self._restart(new)
            return
        with self._lock:
            if name == "lr":
                self.run.set_lr(new.lr)
            self.run.settings = new
            self._publish()

    def set_weight(self, name: str, value: float) -> None:
        """Set one parameter by its name in the pictures, ``"L1.N2.w1"`` or ``"L2.N1.b"``
        (layers, neurons and weights numbered from 1), and go on from there."""
        value = between(value, "value", -1e6, 1e6)
        with self._lock:
            self._parameter(name).data = value
            self._send()

    def show_point(self, index: int, subset: str = "train") -> None:
        """Open the computation graph of one point's loss, to step through its backprop.

        It is built in a thread of its own from a copy of the model (training goes on)
        and shown by :func:`~micrograd_like.widgets.step_widget` in the page.
        """
        with self._lock:
            loss, model = self.run.point_loss(index, subset)
            epoch = self.run.epoch
        self.widget.point_title = f"the loss of {subset} point {index} at epoch {epoch}: drawing"

        def build() -> None:
            try:
                self.widget.point_graph = step_widget(
                    loss, model=model, collapse="neuron", rankdir="TB"
                )
                self.widget.point_title = (
                    f"the loss of {subset} point {index} at epoch {epoch}, a box per neuron: "
                    "step through its backward pass"
                )
            except Exception as exc:  # shown in the page: a thread's traceback goes nowhere
                self.widget.point_title = f"could not draw the graph: {exc!r}"

        threading.Thread(target=build, name="playground-point", daemon=True).start()

    def close_point(self) -> None:
        """Close the point's graph."""
        self.widget.point_graph = None
        self.widget.point_title = ""

    # ---- inside ------------------------------------------------------------------------

    def _parameter(self, name: str) -> Any:
        match = (
            re.fullmatch(r"L(\d+)\.N(\d+)\.(?:w(\d+)|(b))", name) if isinstance(name, str) else None
        )
        if match is None:
            raise ValueError(f"a parameter is named like 'L1.N2.w1' or 'L2.N1.b', got {name!r}")
        layer, neuron, weight = (int(g) if g else 0 for g in match.groups()[:3])
        layers = self.run.model.layers
        if not 1 <= layer <= len(layers) or not 1 <= neuron <= len(layers[layer - 1].neurons):
            raise ValueError(f"the network has no parameter {name} (its layers: {self.run.model})")
        unit = layers[layer - 1].neurons[neuron - 1]
        if match.group(4):
            return unit.b
        if not 1 <= weight <= len(unit.w):
            raise ValueError(f"neuron L{layer}.N{neuron} has {len(unit.w)} weights, not {weight}")
        return unit.w[weight - 1]

    def _restart(self, settings: Settings) -> None:
        run = TrainingRun(settings)  # a bad setting raises here, before anything changes
        self.pause()
        with self._lock:
            self.run = run
            self._publish()
            self._send(full=True)

    def _publish(self) -> None:
        """The settings and their text, for the page's controls."""
        values = {}
        for key, value in vars(self.settings).items():
            values[key] = list(value) if isinstance(value, tuple) else value
        with self.widget.hold_sync():
            self.widget.settings = values
            self.widget.state = self.state

    def _send(self, full: bool = False) -> None:
        """Send the page a frame (call with the lock held)."""
        start = 0 if full else min(self._sent, len(self.run.train_loss))
        message, buffers = frame(self.run, full=full, start=start)
        message["running"] = self.running and not self._stop.is_set()
        message["full"] = full
        self.widget.send(message, buffers)
        self._sent = len(self.run.train_loss)
        self.frames += 1

    def _loop(self) -> None:
        period = 1.0 / self.fps
        due = time.monotonic()
        try:
            while not self._stop.is_set():
                with self._lock:
                    self.run.chunk(self.epochs_per_frame)
                    done = self.run.diverged is not None or self.run.epoch >= self.max_epochs
                    if done:
                        self._stop.set()
                    self._send()
                if done:
                    break
                due = max(due + period, time.monotonic())
                # at least a moment: the kernel's own thread answers the page meanwhile
                self._stop.wait(max(0.001, due - time.monotonic()))
        except Exception as exc:  # shown in the page: a thread's traceback goes nowhere
            self.widget.error = f"training stopped: {exc!r}"
        finally:
            self.widget.running = False

    def _on_message(self, widget: Any, content: Any, buffers: Any) -> None:
        """What the page asks for; a bad request is shown in the page, not raised."""
        kind = content.get("kind") if isinstance(content, dict) else None
        actions = {
            "play": self.play, "pause": self.pause, "step": self.step, "reset": self.reset,
            "new_weights": self.new_weights, "regenerate": self.regenerate,
            "close_point": self.close_point,
        }  # fmt: skip
        try:
            self.widget.error = ""
            if kind == "hello":
                with self._lock:
                    self._send(full=True)
            elif kind in actions:
                actions[kind]()
            elif kind == "set":
                self.set(content["name"], content["value"])
            elif kind == "weight":
                self.set_weight(content["name"], content["value"])
            elif kind == "point":
                self.show_point(content["index"], content["subset"])
            else:
                raise ValueError(f"the page sent a message of unknown kind {kind!r}")
        except (KeyError, TypeError, ValueError) as exc:
            self.widget.error = str(exc)
            self._publish()  # the controls go back to the settings in force

    # ---- showing it --------------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"Playground({self.run!r}): open this notebook in JupyterLab to play"
