"""The backward pass as a page of its own: a player of its steps that needs no kernel.

:func:`player_html` turns the steps of :func:`~micrograd_like.viz.steps.backward_steps`
into one HTML fragment: each step's words (:func:`~micrograd_like.viz.steps.explain`'s)
and picture (:func:`~micrograd_like.viz.draw_dot`'s), with step_widget's previous, next
and play buttons, slider and keys, in plain JavaScript inside the fragment. It is what
``step_widget``'s output carries for a page without a kernel (the docs, nbconvert's HTML,
nbviewer), and :func:`save_steps_html` writes it as one file to share. Where no script
may run (GitHub), the fragment shows every step one under the other.

The player shows each picture at its own size (:func:`~micrograd_like.viz.graph.readable_size`),
scrolling inside its box, and keeps the step's node and the parents it just updated in
view. The live widget (:func:`~micrograd_like.widgets.step_widget`) runs the same
JavaScript (:data:`PLAYER_JS`) over the kernel's copy of the steps.

>>> from micrograd_like.engine import Value
>>> x = Value(3.0, label="x"); y = x * x; y.label = "y"
>>> frames = step_frames(y)                  # one step: y = x * x
>>> print(frames.texts[0])
step 1/1: y = x * x, with dy/dy = 1.0
  dy/dx += dy/dy * dy/dx (local) = 1.0 * 3.0 = 3.0
  dy/dx += dy/dy * dy/dx (local) = 1.0 * 3.0 = 3.0   (dy/dx is now 6.0)
>>> page = player_html(frames.texts, [page_svg(g) for g in frames.graphs])
>>> page.count('class="mgl-frame"'), "<script>" in page
(1, True)
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphviz

from micrograd_like.checks import integer
from micrograd_like.engine import Value
from micrograd_like.viz.graph import GraphvizNotFound, draw_dot, readable_size, render
from micrograd_like.viz.names import graph_nodes
from micrograd_like.viz.steps import BackwardStep, backward_steps, explain

__all__ = ["StepFrames", "player_html", "save_steps_html", "step_frames"]

NO_DOT = "<p><i>(Graphviz's dot program is missing: no picture)</i></p>"
"""What a frame shows instead of its picture when ``dot`` is not installed."""


@dataclass(frozen=True)
class StepFrames:
    """What each step of a backward pass shows: the step, its words and its graph."""

    steps: list[BackwardStep]
    texts: list[str]
    graphs: list[graphviz.Digraph]


def explain_blocks(root: Value, model: Any, zero_grad: bool) -> list[str]:
    """:func:`explain`'s words cut into one block per step (the grads are left as found)."""
    saved = {v: v.grad for v in graph_nodes(root)}
    buffer = io.StringIO()
    try:
        explain(root, model=model, file=buffer, zero_grad=zero_grad)
    finally:
        for v, g in saved.items():
            v.grad = g
    blocks: list[list[str]] = []
    for line in buffer.getvalue().splitlines():
        if re.match(r"step \d+/\d+", line):
            blocks.append([line])
        elif blocks:
            blocks[-1].append(line)
    return ["\n".join(b) for b in blocks]


def step_frames(
    root: Value,
    model: Any = None,
    zero_grad: bool = True,
    caller: str = "step_frames",
    **draw_kwargs: Any,
) -> StepFrames:
    """The steps of ``root``'s backward pass, each with explain's words and its graph.

    Runs the backward pass: ``.grad`` ends as ``root.backward()`` leaves it. The graphs
    are ``draw_dot(root, model=model, step=step, **draw_kwargs)``; ``caller`` names the
    function in the messages of bad input.
    """
    if not isinstance(root, Value):
        raise TypeError(f"{caller} expects a Value as root, got {type(root).__name__}")
    texts = explain_blocks(root, model, zero_grad)
    steps = list(backward_steps(root, zero_grad))
    if not steps:
        raise ValueError(f"{caller}: root is a leaf, so there is no backward step to show")
    if len(texts) != len(steps):  # explain's words did not cut into steps: use each step's
        texts = [str(s) for s in steps]
    graphs = [draw_dot(root, model=model, step=s, **draw_kwargs) for s in steps]
    return StepFrames(steps, texts, graphs)


_NOT_FOR_A_PAGE = re.compile(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->|<title>.*?</title>", re.S)


def page_svg(graph: Any) -> str:
    """A Graphviz picture as an ``<svg>`` element for a web page, at a readable size.

    No XML header, comments or tooltips (``<title>``); sized by
    :func:`~micrograd_like.viz.graph.readable_size`. Without ``dot``, a note saying so.
    """
    try:
        text = render(graph, "svg").decode("utf-8")
    except GraphvizNotFound:
        return NO_DOT
    return readable_size(_NOT_FOR_A_PAGE.sub("", text).strip())


# --------------------------------------------------------------------------------------
# The player, in the browser
# --------------------------------------------------------------------------------------

PLAYER_JS = r"""
// mglPlayer(el, src): previous, next, play, a slider and keys over the steps of src:
// src.count(), src.text(i), src.picture(i) ("" while it is coming), src.interval(),
// src.get() and src.set(i) for the step shown, src.on(f) to hear of changes.
function mglPlayer(el, src) {
  const root = document.createElement("div");
  root.className = "mgl-steps";
  root.tabIndex = 0;
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  root.innerHTML = `
    <div class="mgl-bar">
      <button type="button" class="mgl-prev" title="previous step (left arrow)">&#9664; previous</button>
      <button type="button" class="mgl-play" title="play or pause (space)">&#9654; play</button>
      <button type="button" class="mgl-next" title="next step (right arrow)">next &#9654;</button>
      <input class="mgl-slider" type="range" min="1" step="1" aria-label="step">
      <span class="mgl-count"></span>
      <button type="button" class="mgl-zoom" title="the whole graph in the box, or at its own size (z)">fit in box</button>
    </div>
    <div class="mgl-keys">keys, once you click here: &larr; &rarr; a step, space play,
      Home End the ends, z fit or own size</div>
    <pre class="mgl-text"></pre>
    <div class="mgl-graph"></div>`;
  el.appendChild(root);
  const find = (selector) => root.querySelector(selector);
  const graph = find(".mgl-graph");
  const slider = find(".mgl-slider");
  const playButton = find(".mgl-play");
  const zoomButton = find(".mgl-zoom");
  let timer = null;
  let fit = false; // the graph at its own size (scrolling in its box), or fitted into the box

  const go = (i) => {
    i = Math.max(0, Math.min(src.count() - 1, i));
    if (i !== src.get()) src.set(i);
  };
  const stop = () => {
    if (timer !== null) clearInterval(timer);
    timer = null;
    playButton.innerHTML = "&#9654; play";
  };
  const play = () => {
    if (timer !== null) return stop();
    if (src.get() >= src.count() - 1) go(0);
    playButton.innerHTML = "&#10074;&#10074; pause";
    timer = setInterval(() => {
      go(src.get() + 1);
      if (src.get() >= src.count() - 1) stop();
    }, src.interval());
  };

  // Scroll the graph's box (not the page) so that the step's node (class mgl-current)
  // and the parents it just updated (mgl-updated) are inside it; if they do not all
  // fit, centre them as far as the step's node stays in view.
  const span = (nodes) => {
    const rects = nodes.map((n) => n.getBoundingClientRect());
    return {
      left: Math.min(...rects.map((r) => r.left)), right: Math.max(...rects.map((r) => r.right)),
      top: Math.min(...rects.map((r) => r.top)), bottom: Math.max(...rects.map((r) => r.bottom)),
    };
  };
  const shift = (lo, hi, mustLo, mustHi, start, size) => {
    const margin = 8;
    if (hi - lo + 2 * margin <= size) {
      if (lo - margin < start) return lo - margin - start;
      if (hi + margin > start + size) return hi + margin - start - size;
      return 0;
    }
    const centre = (lo + hi) / 2 - (start + size / 2);
    return Math.min(mustLo - margin - start, Math.max(mustHi + margin - start - size, centre));
  };
  const reveal = () => {
    const current = [...graph.querySelectorAll("g.mgl-current")];
    if (!current.length) return;
    const must = span(current);
    const want = span([...current, ...graph.querySelectorAll("g.mgl-updated")]);
    const box = graph.getBoundingClientRect();
    const left = box.left + graph.clientLeft;
    const top = box.top + graph.clientTop;
    graph.scrollLeft += shift(want.left, want.right, must.left, must.right, left, graph.clientWidth);
    graph.scrollTop += shift(want.top, want.bottom, must.top, must.bottom, top, graph.clientHeight);
  };
  const fitInBox = (svg) => {
    svg.style.maxWidth = "100%";
    svg.style.maxHeight = `${graph.clientHeight}px`;
    svg.style.width = "auto";
    svg.style.height = "auto";
  };

  const show = () => {
    const i = src.get();
    const n = src.count();
    slider.max = String(n);
    slider.value = String(i + 1);
    find(".mgl-count").textContent = `step ${i + 1}/${n}`;
    find(".mgl-text").textContent = src.text(i);
    find(".mgl-prev").disabled = i === 0;
    find(".mgl-next").disabled = i === n - 1;
    const picture = src.picture(i);
    if (!picture) {
      graph.classList.add("mgl-waiting"); // the old picture stays, greyed, until it comes
      return;
    }
    graph.classList.remove("mgl-waiting");
    const left = graph.scrollLeft;
    const top = graph.scrollTop;
    graph.innerHTML = picture;
    const svg = graph.querySelector("svg");
    if (svg && fit) fitInBox(svg);
    graph.scrollLeft = left;
    graph.scrollTop = top;
    requestAnimationFrame(reveal);
  };

  find(".mgl-prev").addEventListener("click", () => { stop(); go(src.get() - 1); });
  find(".mgl-next").addEventListener("click", () => { stop(); go(src.get() + 1); });
  playButton.addEventListener("click", play);
  const zoom = () => {
    fit = !fit;
    zoomButton.textContent = fit ? "own size" : "fit in box";
    show();
  };
  zoomButton.addEventListener("click", zoom);
  slider.addEventListener("input", () => { stop(); go(Number(slider.value) - 1); });
  root.addEventListener("keydown", (event) => {
    const moves = {
      ArrowLeft: -1, ArrowUp: -1, PageUp: -1, ArrowRight: 1, ArrowDown: 1, PageDown: 1,
    };
    const i = src.get();
    if (event.key in moves) {
      // a focused range input moves itself on arrow keys; do not move twice
      if (event.target !== slider) { stop(); go(i + moves[event.key]); }
    } else if (event.key === "Home") { stop(); go(0); }
    else if (event.key === "End") { stop(); go(src.count() - 1); }
    else if (event.key === "z") zoom();
    else if (event.key === " " && event.target.tagName !== "BUTTON") play();
    else return;
    if (event.target !== slider || !(event.key in moves)) event.preventDefault();
    event.stopPropagation();
  });
  src.on(show);
  show();
  return () => stop();
}
"""
"""The player: the JavaScript that both the page and the live widget run."""

PLAYER_CSS = """
.mgl-steps { font-family: var(--jp-ui-font-family, system-ui, sans-serif); font-size: 14px;
  line-height: 1.4; color: var(--jp-ui-font-color1, #222); outline: none; border-radius: 4px;
  padding: 2px; }
.mgl-steps:focus-within { box-shadow: 0 0 0 2px var(--jp-brand-color2, #9ecaed); }
.mgl-steps .mgl-bar { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.mgl-steps .mgl-bar button { min-width: 5.5em; font: inherit; padding: 1px 8px;
  cursor: pointer; color: var(--jp-ui-font-color1, #222);
  background: var(--jp-layout-color2, #f3f3f3); border: 1px solid var(--jp-border-color1, #aaa);
  border-radius: 3px; }
.mgl-steps .mgl-bar button:hover:enabled { background: var(--jp-layout-color3, #e6e6e6); }
.mgl-steps .mgl-bar button:disabled { color: var(--jp-ui-font-color3, #999); cursor: default; }
.mgl-steps .mgl-slider { flex: 1 1 120px; min-width: 80px; }
.mgl-steps .mgl-count { font-variant-numeric: tabular-nums; white-space: nowrap; }
.mgl-steps .mgl-keys { color: var(--jp-ui-font-color2, #666); font-size: 12px; margin: 2px 0 0; }
.mgl-steps .mgl-text, .mgl-player .mgl-text { white-space: pre-wrap; margin: 6px 0;
  font-family: var(--jp-code-font-family, ui-monospace, monospace); font-size: 13px;
  line-height: 1.35; background: none; color: var(--jp-content-font-color1, #222); padding: 0;
  overflow: visible; }
.mgl-steps .mgl-graph { max-height: 70vh; overflow: auto; background: white;
  border: 1px solid #e0e0e0; border-radius: 3px; }
.mgl-steps .mgl-graph svg, .mgl-player .mgl-picture svg { max-width: none; height: auto;
  display: block; }
.mgl-player .mgl-picture { overflow: auto; background: white; }
.mgl-steps .mgl-graph.mgl-waiting { opacity: 0.4; }
"""
"""The player's look, for the page and the live widget."""

_MOUNT_JS = """
(function () {
PLAYER_JS
  const box = document.getElementById(BOX_ID);
  if (!box || box.dataset.mglMounted) return;
  box.dataset.mglMounted = "1";
  const frames = [...box.querySelectorAll(".mgl-frame")].map((frame) => ({
    text: frame.querySelector(".mgl-text").textContent,
    picture: frame.querySelector(".mgl-picture").innerHTML,
  }));
  box.querySelector(".mgl-frames").remove();
  let step = 0;
  const heard = [];
  mglPlayer(box, {
    count: () => frames.length,
    text: (i) => frames[i].text,
    picture: (i) => frames[i].picture,
    interval: () => Number(box.dataset.interval) || 900,
    get: () => step,
    set: (i) => { step = i; heard.forEach((f) => f()); },
    on: (f) => heard.push(f),
  });
})();
"""


def player_html(texts: list[str], svgs: list[str], interval_ms: int = 900) -> str:
    """The steps as an HTML fragment that plays them by itself: words and picture a step.

    ``texts[i]`` and ``svgs[i]`` (an ``<svg>`` element, see :func:`page_svg`) are what
    step ``i`` shows; play moves a step every ``interval_ms`` milliseconds. The fragment
    holds its style and script; without the script it lists every step.
    """
    if len(texts) != len(svgs) or not texts:
        raise ValueError(
            f"player_html needs one picture per text, at least one: got {len(texts)} "
            f"texts and {len(svgs)} pictures"
        )
    integer(interval_ms, "interval_ms", minimum=50)
    box = f"mgl-player-{uuid.uuid4().hex[:12]}"
    frames = "".join(
        f'<div class="mgl-frame"><pre class="mgl-text">{html.escape(text)}</pre>'
        f'<div class="mgl-picture">{svg}</div></div>\n'
        for text, svg in zip(texts, svgs)
    )
    script = _MOUNT_JS.replace("PLAYER_JS", PLAYER_JS).replace("BOX_ID", json.dumps(box))
    return (
        f'<div class="mgl-player" id="{box}" data-interval="{interval_ms}">\n'
        f"<style>{PLAYER_CSS}</style>\n"
        f'<div class="mgl-frames">\n{frames}</div>\n'
        f"<script>{script}</script>\n</div>"
    )


def checked_path(path: Any, endings: tuple[str, ...]) -> Path:
    """``path`` as a ``Path``, if it is a str or a path that ends in one of ``endings``.

    >>> checked_path("b.GIF", (".gif", ".png"))
    PosixPath('b.GIF')
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or a path, got {type(path).__name__}")
    target = Path(path)
    if target.suffix.lower() not in endings:
        ends = f"{', '.join(endings[:-1])} or {endings[-1]}"
        raise ValueError(f"path must end in {ends}, got {os.fspath(path)!r}")
    return target


_DOCUMENT = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body {{ margin: 16px; font-family: system-ui, sans-serif; }}</style>
</head>
<body>
<h1 style="font-size: 18px">{title}</h1>
{player}
</body>
</html>
"""


def save_steps_html(
    root: Value,
    path: str | os.PathLike[str],
    model: Any = None,
    zero_grad: bool = True,
    interval_ms: int = 900,
    **draw_kwargs: Any,
) -> str:
    """Write the backward pass of ``root`` as one HTML file that steps through it.

    The same steps, words and pictures as :func:`~micrograd_like.widgets.step_widget`
    (``model`` and ``draw_kwargs`` as for :func:`~micrograd_like.viz.draw_dot`), with its
    buttons, slider and keys, in one file that needs neither Python nor a network: open
    it in a browser, put it on a slide or a web page. Runs the backward pass (``.grad``
    ends as ``root.backward()`` leaves it). Returns the path.
    """
    target = checked_path(path, (".html", ".htm"))
    frames = step_frames(root, model, zero_grad, caller="save_steps_html", **draw_kwargs)
    player = player_html(frames.texts, [page_svg(g) for g in frames.graphs], interval_ms)
    name = frames.steps[0].node.label or "the output"
    title = html.escape(f"Backpropagation from {name}, one step at a time")
    target.write_text(_DOCUMENT.format(title=title, player=player), encoding="utf-8")
    return os.fspath(path)
