"""Widgets for Jupyter: step through backprop, and watch a network learn.

* :func:`step_widget` - the backward pass of an expression, one node at a time: previous,
  next, play, a slider and the arrow keys; the graph fits the cell and the node of the
  step stays in view; the words of each step are :func:`~micrograd_like.viz.steps.explain`'s.
* :class:`Playground` - TensorFlow Playground in the notebook, running this library's
  engine and :func:`~micrograd_like.train.fit`: the data and its features, the network
  with every neuron's picture and weight, the output and the loss curves, drawn in the
  page 20 and more times a second, with all of TF Playground's controls; a click on a
  point steps through its loss's backprop.
* :class:`Settings` and :class:`TrainingRun` - the Playground's choices, and its training
  without any widget, a chunk of epochs at a time.

One module each: :mod:`~micrograd_like.widgets.stepper` (the step widget),
:mod:`~micrograd_like.widgets.playground` (the Playground and its frames),
:mod:`~micrograd_like.widgets.run` (the settings and the training run, which import no
widget library) and :mod:`~micrograd_like.widgets.grids` (a frame's numbers, with numpy).

Both widgets are anywidgets: they need the ``notebooks`` extra (``pip install
'micrograd-like[notebooks]'``: JupyterLab, anywidget, numpy). :class:`TrainingRun` needs
numpy only.

>>> run = TrainingRun(dataset="xor", hidden=(4,))
>>> run.epoch, len(run.X_train), len(run.X_test)      # 200 points, half held out
(0, 100, 100)
>>> run.chunk(5); run.epoch
5
"""

from micrograd_like.widgets.playground import Playground
from micrograd_like.widgets.run import Settings, TrainingRun
from micrograd_like.widgets.stepper import step_widget

__all__ = ["Playground", "Settings", "TrainingRun", "step_widget"]
