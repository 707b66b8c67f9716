"""Plots with matplotlib; their home is :mod:`micrograd_like.viz.plots`.

This module keeps the import path ``micrograd_like.plots`` working.
"""

from micrograd_like.viz.plots import plot_decision_boundary, plot_history, plot_regression

__all__ = ["plot_decision_boundary", "plot_history", "plot_regression"]
