"""Pictures: computation graphs, networks, backprop step by step, and plots.

* :mod:`~micrograd_like.viz.graph` - :func:`draw_dot`, the graph of an expression, and
  :func:`save_graph`;
* :mod:`~micrograd_like.viz.network` - :func:`draw_network`, an MLP as TensorFlow
  Playground draws it;
* :mod:`~micrograd_like.viz.steps` - :func:`backward_steps` and :func:`explain`, the
  backward pass one node at a time;
* :mod:`~micrograd_like.viz.player` and :mod:`~micrograd_like.viz.animation` - that
  backward pass to share without a kernel: :func:`save_steps_html` writes one HTML file
  that steps through it, :func:`save_steps_animation` a GIF (or APNG, WebP) of its steps;
* :mod:`~micrograd_like.viz.plots` - decision boundaries, loss curves and regression fits
  with matplotlib;
* :mod:`~micrograd_like.viz.names` - how both the pictures and the words name a node;
* :mod:`~micrograd_like.viz.colors` - the one colour convention of every picture, TF
  Playground's: orange for negative and class 0 (-1), blue for positive and class 1 (+1).

Drawing needs only the ``graphviz`` Python package; turning a drawing into a picture
needs Graphviz's ``dot`` program (without it, :class:`GraphvizNotFound` says how to
install it).
"""

from micrograd_like.viz.animation import save_steps_animation
from micrograd_like.viz.colors import LEGEND, NEGATIVE, NEUTRAL, POSITIVE
from micrograd_like.viz.graph import (
    COLORS,
    HIGHLIGHT,
    INSTALL_DOT,
    GraphvizNotFound,
    draw_dot,
    render,
    save_graph,
)
from micrograd_like.viz.names import display_names, graph_nodes, name_nodes, natural_key
from micrograd_like.viz.network import draw_network
from micrograd_like.viz.player import save_steps_html

__all__ = [
    "COLORS",
    "HIGHLIGHT",
    "INSTALL_DOT",
    "LEGEND",
    "NEGATIVE",
    "NEUTRAL",
    "POSITIVE",
    "GraphvizNotFound",
    "display_names",
    "draw_dot",
    "draw_network",
    "graph_nodes",
    "name_nodes",
    "natural_key",
    "render",
    "save_graph",
    "save_steps_animation",
    "save_steps_html",
]
