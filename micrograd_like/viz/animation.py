"""The backward pass as an animation for slides: one frame per step.

:func:`save_steps_animation` draws each step of
:func:`~micrograd_like.viz.steps.backward_steps` as
:func:`~micrograd_like.viz.draw_dot` draws it, with that step's words from
:func:`~micrograd_like.viz.steps.explain` above the graph, and writes the frames as an
animated GIF, an animated PNG (``.png``, APNG) or an animated WebP. The frames are
rendered by Graphviz at 96 dpi, so the 14 pt text of the boxes is about 19 pixels high.
Writing needs Pillow (it comes with matplotlib: ``pip install 'micrograd-like[plot]'``)
and Graphviz's ``dot``.
"""

from __future__ import annotations

import io
import os
from typing import Any

import graphviz

from micrograd_like.checks import integer
from micrograd_like.engine import Value
from micrograd_like.viz.graph import render
from micrograd_like.viz.player import checked_path, step_frames

__all__ = ["save_steps_animation"]

FORMATS = {".gif": "GIF", ".png": "PNG", ".webp": "WEBP"}
"""The file endings :func:`save_steps_animation` writes, and Pillow's name for each."""
INSTALL_PILLOW = (
    "save_steps_animation needs Pillow to write the frames: pip install pillow "
    "(it comes with the plot extra: pip install 'micrograd-like[plot]')"
)


def frame_graph(graph: graphviz.Digraph, text: str) -> graphviz.Digraph:
    """A step's graph with the step's words as its title, left-aligned, one line a line."""
    lines = [line.replace("\\", "\\\\") for line in text.splitlines()]
    frame = graph.copy()
    frame.attr(label="\\l".join(lines) + "\\l", labelloc="t", labeljust="l", fontname="monospace")
    return frame


def save_steps_animation(
    root: Value,
    path: str | os.PathLike[str],
    model: Any = None,
    zero_grad: bool = True,
    interval_ms: int = 1500,
    **draw_kwargs: Any,
) -> str:
    """Write the backward pass of ``root`` as an animation, one frame per step.

    Each frame is the graph as it is after that step (``draw_dot(root, model=model,
    step=step, **draw_kwargs)``: the step's node outlined in red), under the step's
    chain-rule lines as :func:`~micrograd_like.viz.steps.explain` prints them. The
    ending picks the format: ``.gif``, ``.png`` (an animated PNG, which keeps every
    colour) or ``.webp``. A frame shows for ``interval_ms`` milliseconds, the last one
    three times as long; the animation loops. Runs the backward pass (``.grad`` ends as
    ``root.backward()`` leaves it). Returns the path.
    """
    target = checked_path(path, tuple(FORMATS))
    fmt = FORMATS[target.suffix.lower()]
    integer(interval_ms, "interval_ms", minimum=20)
    try:
        from PIL import Image, features
    except ImportError as error:
        raise ImportError(INSTALL_PILLOW) from error
    if fmt == "WEBP" and not features.check("webp"):
        raise ValueError("this Pillow was built without WebP: write a .gif or a .png instead")
    frames = step_frames(root, model, zero_grad, caller="save_steps_animation", **draw_kwargs)
    pictures = []
    for graph, text in zip(frames.graphs, frames.texts):
        with Image.open(io.BytesIO(render(frame_graph(graph, text), "png"))) as picture:
            pictures.append(picture.convert("RGBA"))
    # one canvas for all: each frame top left on white, so the words stay in place
    width = max(p.width for p in pictures)
    height = max(p.height for p in pictures)
    canvases = []
    for picture in pictures:
        canvas = Image.new("RGB", (width, height), "white")
        canvas.paste(picture, (0, 0), picture)
        if fmt == "GIF":  # a palette per frame, no dithering: crisp text
            canvas = canvas.convert("P", palette=Image.Palette.ADAPTIVE, colors=256)
        canvases.append(canvas)
    durations = [interval_ms] * (len(canvases) - 1) + [3 * interval_ms]
    options: dict[str, Any] = {"format": fmt, "save_all": True, "loop": 0}
    if fmt == "WEBP":
        options["lossless"] = True
    canvases[0].save(target, append_images=canvases[1:], duration=durations, **options)
    return os.fspath(path)
