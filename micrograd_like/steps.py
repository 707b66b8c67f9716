"""Backpropagation one node at a time; its home is :mod:`micrograd_like.viz.steps`.

This module keeps the import path ``micrograd_like.steps`` working, and offers
:func:`step_widget` beside the rest.
"""

from typing import Any

from micrograd_like.viz.steps import (
    BackwardStep,
    Contribution,
    StepGallery,
    backward_steps,
    explain,
)

__all__ = [
    "BackwardStep",
    "Contribution",
    "StepGallery",
    "backward_steps",
    "explain",
    "step_widget",
]


def step_widget(root: Any, model: Any = None, zero_grad: bool = True, **draw_kwargs: Any) -> Any:
    """Step through the backward pass in Jupyter: :func:`micrograd_like.widgets.step_widget`."""
    from micrograd_like.widgets import step_widget as widget

    return widget(root, model, zero_grad, **draw_kwargs)
