"""micrograd_like: learn deep learning by running it.

A scalar autograd engine (:mod:`micrograd_like.engine`) with a small neural-network
library on top. The API is micrograd's: ``from micrograd_like.engine import Value`` and
``from micrograd_like.nn import MLP``. The most used names are also here, at the top.
"""

import importlib as _importlib
import os as _os
from typing import Any as _Any

from micrograd_like import fast as _fast
from micrograd_like.engine import AnomalyError, Value, detect_anomaly, no_grad
from micrograd_like.functional import affine, dot, logsumexp, vsum
from micrograd_like.gradcheck import check_gradients, numerical_grad
from micrograd_like.higher_order import grad, gradients, hessian
from micrograd_like.nn import MLP, Layer, Module, Neuron
from micrograd_like.ops import add_op, remove_op
from micrograd_like.optim import SGD, Adam
from micrograd_like.serialize import load, save
from micrograd_like.train import History, TrainingDiverged, fit

if _os.environ.get("MICROGRAD_LIKE_REFERENCE", "") in ("", "0"):
    _fast.install()  # MICROGRAD_LIKE_REFERENCE=1 keeps the plain path of engine.py

__version__ = "0.1.0"

# The pictures need graphviz: they are imported on first use, so that the engine,
# the networks and training import without it.
_PICTURES = {
    "backward_steps": "viz.steps",
    "explain": "viz.steps",
    "draw_dot": "viz",
    "draw_network": "viz",
    "save_graph": "viz",
    "save_steps_animation": "viz",
    "save_steps_html": "viz",
}


def __getattr__(name: str) -> _Any:
    if name in _PICTURES:
        return getattr(_importlib.import_module(f"micrograd_like.{_PICTURES[name]}"), name)
    raise AttributeError(f"module 'micrograd_like' has no attribute {name!r}")


__all__ = [
    "MLP",
    "SGD",
    "Adam",
    "AnomalyError",
    "History",
    "Layer",
    "Module",
    "Neuron",
    "TrainingDiverged",
    "Value",
    "__version__",
    "add_op",
    "affine",
    "backward_steps",
    "check_gradients",
    "detect_anomaly",
    "dot",
    "draw_dot",
    "draw_network",
    "explain",
    "fit",
    "grad",
    "gradients",
    "hessian",
    "load",
    "logsumexp",
    "no_grad",
    "numerical_grad",
    "remove_op",
    "save",
    "save_graph",
    "save_steps_animation",
    "save_steps_html",
    "vsum",
]
