"""Widgets for Jupyter: step through backprop, and watch a network learn.

* :func:`step_widget` - the backward pass of an expression, one node at a time: previous,
  next, play, a slider and the arrow keys; the graph fits the cell and the node of the
  step stays in view; the words of each step are :func:`~micrograd_like.steps.explain`'s.
* :class:`Playground` - a small network learning a 2-D dataset, as in TensorFlow
  Playground, trained by the real engine and :func:`~micrograd_like.train.fit`: the
  decision boundary, the loss curves, the network's weights and the computation graph of
  one point, redrawn while it trains.
* :class:`TrainingRun` - the Playground's training without any widget: data, model,
  optimizer and history, advanced a chunk of epochs at a time.

One module each: :mod:`~micrograd_like.widgets.stepper` (the step widget),
:mod:`~micrograd_like.widgets.playground` (the Playground and its pictures) and
:mod:`~micrograd_like.widgets.run` (the training run, which imports no widget library).

The widgets need the ``notebooks`` extra (``pip install 'micrograd-like[notebooks]'``:
JupyterLab, ipywidgets, anywidget). :class:`TrainingRun` needs none of it.

>>> run = TrainingRun(dataset="xor", hidden=(4,), seed=0)
>>> run.epoch, len(run.X_train), len(run.X_test)      # 200 samples, 30% held out
(0, 140, 60)
>>> run.chunk(5); run.epoch
5
"""

# the modules' other names (the pictures, the choices, the step widget's parts) are
# importable from the package too
from micrograd_like.widgets.playground import (  # noqa: F401
    BoundaryPicture,
    LossPicture,
    Playground,
    boundary_png,
    loss_png,
    network_svg,
    point_svg,
)
from micrograd_like.widgets.run import (  # noqa: F401
    DATASETS,
    LOSS_NAMES,
    LOSSES,
    OPTIMIZERS,
    Throttle,
    TrainingRun,
)
from micrograd_like.widgets.stepper import (  # noqa: F401
    INSTALL_HINT,
    PRERENDER,
    _fit_svg,
    _step_widget_class,
    _svg,
    step_widget,
)

__all__ = ["Playground", "Throttle", "TrainingRun", "step_widget"]
