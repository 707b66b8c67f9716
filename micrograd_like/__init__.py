"""micrograd_like: learn deep learning by running it.

A scalar autograd engine (:mod:`micrograd_like.engine`) with a small neural-network
library on top. The API is micrograd's: ``from micrograd_like.engine import Value``.
"""

from micrograd_like.derivatives import grad, hessian
from micrograd_like.engine import (
    AnomalyError,
    Value,
    affine,
    detect_anomaly,
    dot,
    gradients,
    logsumexp,
    no_grad,
    vsum,
)
from micrograd_like.nn import MLP, Layer, Module, Neuron
from micrograd_like.serialize import load, save

__version__ = "0.1.0"

__all__ = [
    "MLP",
    "AnomalyError",
    "Layer",
    "Module",
    "Neuron",
    "Value",
    "__version__",
    "affine",
    "detect_anomaly",
    "dot",
    "grad",
    "gradients",
    "hessian",
    "load",
    "logsumexp",
    "no_grad",
    "save",
    "vsum",
]
