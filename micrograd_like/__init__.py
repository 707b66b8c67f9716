"""micrograd_like: learn deep learning by running it.

A scalar autograd engine (:mod:`micrograd_like.engine`) with a small neural-network
library on top. The API is micrograd's: ``from micrograd_like.engine import Value``.
"""

from micrograd_like.derivatives import grad, hessian
from micrograd_like.engine import Value, affine, dot, gradients, logsumexp, no_grad, vsum

__version__ = "0.1.0"

__all__ = [
    "Value",
    "__version__",
    "affine",
    "dot",
    "grad",
    "gradients",
    "hessian",
    "logsumexp",
    "no_grad",
    "vsum",
]
