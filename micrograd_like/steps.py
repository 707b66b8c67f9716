"""Backpropagation one node at a time; its home is :mod:`micrograd_like.viz.steps`.

This module keeps the import path ``micrograd_like.steps`` working, and offers beside
the rest :func:`step_widget`, and the two ways to share a backward pass without a
kernel: :func:`save_steps_html` (one HTML file that steps through it) and
:func:`save_steps_animation` (a GIF, APNG or WebP, one frame per step).
"""

from typing import Any

from micrograd_like.viz.animation import save_steps_animation
from micrograd_like.viz.player import save_steps_html
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
    "save_steps_animation",
    "save_steps_html",
    "step_widget",
]


def step_widget(root: Any, model: Any = None, zero_grad: bool = True, **draw_kwargs: Any) -> Any:
    """Step through the backward pass in Jupyter: :func:`micrograd_like.widgets.step_widget`."""
    from micrograd_like.widgets import step_widget as widget

    return widget(root, model, zero_grad, **draw_kwargs)
