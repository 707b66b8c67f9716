"""One colour convention for every picture of the library: TensorFlow Playground's.

Orange is negative, class 0 and the label -1; blue is positive, class 1 and the label +1;
a pale grey is 0, or "not sure". :func:`~micrograd_like.viz.draw_network` (its edges and
heatmaps), :func:`~micrograd_like.viz.plots.plot_decision_boundary`, the
:class:`~micrograd_like.widgets.Playground` and the demo's pictures take their colours
from here, and their legends say it in the words of :data:`LEGEND`.

>>> shade(-1.0) == NEGATIVE, shade(0.0) == NEUTRAL, shade(1.0) == POSITIVE
(True, True, True)
>>> shade(0.5)                      # halfway from the pale grey to the blue
'#78b1d4'
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["LEGEND", "NEGATIVE", "NEUTRAL", "POSITIVE", "colormap", "label_color", "shade"]

NEGATIVE = "#f59322"
"""Orange: a negative value or weight, class 0, the label -1 (TF Playground's)."""
POSITIVE = "#0877bd"
"""Blue: a positive value or weight, class 1, the label +1 (TF Playground's)."""
NEUTRAL = "#e8eaeb"
"""Pale grey: 0, or a model that is not sure (TF Playground's)."""
LEGEND = "orange: negative, class 0 or -1 · blue: positive, class 1 or +1"
"""How every legend says it."""


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def shade(t: float) -> str:
    """The colour of ``t`` in [-1, 1] (clipped): orange at -1, pale grey at 0, blue at +1.

    The same straight lines between the three colours as TF Playground's scale.
    """
    t = 0.0 if math.isnan(t) else max(-1.0, min(1.0, float(t)))
    far = _rgb(POSITIVE if t > 0 else NEGATIVE)
    mid = _rgb(NEUTRAL)
    a = abs(t)
    channels = (int(m + (f - m) * a + 0.5) for m, f in zip(mid, far))
    return "#" + "".join(f"{c:02x}" for c in channels)


def label_color(label: float) -> str:
    """The colour of a class label: orange for 0 or -1 (or any label <= 0), blue for 1.

    >>> [label_color(y) == POSITIVE for y in (-1, 0, 1)]
    [False, False, True]
    """
    return POSITIVE if label > 0 else NEGATIVE


def colormap() -> Any:
    """The convention as a matplotlib colormap over [0, 1]: orange, pale grey, blue.

    Use it with ``vmin=-m, vmax=m`` so that 0 is the pale grey. Needs matplotlib.
    """
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("micrograd_like", [NEGATIVE, NEUTRAL, POSITIVE])
