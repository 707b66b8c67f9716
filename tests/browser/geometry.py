"""What a step player shows on screen, measured in the browser (for the browser tests).

:data:`STEP_GEOMETRY` reads, for one ``.mgl-steps`` element, the graph's box (inside its
borders and scrollbars), the boxes of the step's node (``g.mgl-current``: its value and
its op) and of the parents it just updated (``g.mgl-updated``), how far the graph
overflows its box, and the smallest text of the picture on screen. It reads them two
animation frames on, after the player's own frame has scrolled the step into view.
"""

from __future__ import annotations

from typing import Any

from bounds import wait_for

STEP_GEOMETRY = """async (root) => {
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const graph = root.querySelector(".mgl-graph");
  const outer = graph.getBoundingClientRect();
  const left = outer.left + graph.clientLeft, top = outer.top + graph.clientTop;
  const box = { left, top, right: left + graph.clientWidth, bottom: top + graph.clientHeight };
  const marked = (name) => [...graph.querySelectorAll(`g.${name}`)].map((g) => {
    const r = g.getBoundingClientRect();
    const words = [...g.querySelectorAll("text")].map((t) => t.textContent).join(" ");
    return { words, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
  });
  const sizes = [...graph.querySelectorAll("svg text")].map((t) =>
    parseFloat(t.getAttribute("font-size")) * Math.hypot(t.getScreenCTM().a, t.getScreenCTM().b));
  return {
    box, current: marked("mgl-current"), updated: marked("mgl-updated"),
    overflowX: graph.scrollWidth - graph.clientWidth,
    overflowY: graph.scrollHeight - graph.clientHeight,
    smallest: Math.min(...sizes),
    count: root.querySelector(".mgl-count").textContent,
  };
}"""


def inside(inner: dict[str, Any], outer: dict[str, Any]) -> bool:
    """Is the box ``inner`` within ``outer`` (to a pixel)?"""
    return (
        inner["left"] >= outer["left"] - 1
        and inner["right"] <= outer["right"] + 1
        and inner["top"] >= outer["top"] - 1
        and inner["bottom"] <= outer["bottom"] + 1
    )


def trouble(g: dict[str, Any], step: str, parents: bool) -> str:
    """What is wrong with the geometry ``g`` of ``step`` on screen, or ''."""
    if g["count"] != step:
        return f"{step}: the player shows {g['count']}"
    if not g["current"]:
        return f"{step}: no node of the step in the picture"
    shown = g["current"] + (g["updated"] if parents else [])
    outside = [n["words"] for n in shown if not inside(n, g["box"])]
    if outside:
        return f"{step}: not in view: {outside} (box {g['box']})"
    if g["smallest"] < 12 - 0.01:
        return f"{step}: graph text of {g['smallest']:.1f} px"
    return ""


def check_in_view(player: Any, step: str, parents: bool = True) -> dict[str, Any]:
    """Wait until the step's node (and, with ``parents``, the parents it updated) are in
    the graph's box, with the graph's text at least 12 px; returns the geometry.

    Each look comes two animation frames after the last, so a busy machine only takes
    longer (its picture may come from the kernel later, too); what the last look saw
    is the failure's message."""
    seen: dict[str, Any] = {}

    def fine() -> bool:
        seen["g"] = player.evaluate(STEP_GEOMETRY)
        seen["trouble"] = trouble(seen["g"], step, parents)
        return not seen["trouble"]

    wait_for(fine, lambda: seen["trouble"])
    return seen["g"]
