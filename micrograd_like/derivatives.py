"""Deprecated: ``grad`` and ``hessian`` live in :mod:`micrograd_like.higher_order`.

In autograd libraries "derivatives" names the rule table (PyTorch's derivatives.yaml);
this library's rule table is :mod:`micrograd_like.rules`. Importing this module still
works, with a DeprecationWarning: ``from micrograd_like.higher_order import grad``.
"""

from __future__ import annotations

import warnings

from micrograd_like.higher_order import grad, hessian

__all__ = ["grad", "hessian"]

warnings.warn(
    "micrograd_like.derivatives is deprecated: import grad and hessian from "
    "micrograd_like.higher_order (or from micrograd_like)",
    DeprecationWarning,
    stacklevel=2,
)
