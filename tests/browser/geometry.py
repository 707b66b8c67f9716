"""What a step player shows on screen, measured in the browser (for the browser tests).

:data:`STEP_GEOMETRY` reads, for one ``.mgl-steps`` element, the graph's box (inside its
borders and scrollbars), the boxes of the step's node (``g.mgl-current``: its value and
its op) and of the parents it just updated (``g.mgl-updated``), how far the graph
overflows its box, and the smallest text of the picture on screen.
"""

from __future__ import annotations

from typing import Any

STEP_GEOMETRY = """(root) => {
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


def check_in_view(player: Any, step: str, parents: bool = True) -> dict[str, Any]:
    """Assert that the step's node (and, with ``parents``, the parents it updated) are in
    the graph's box, and that the graph's text is at least 12 px; returns the geometry."""
    player.page.wait_for_timeout(100)  # one animation frame: the player scrolls them in
    g = player.evaluate(STEP_GEOMETRY)
    assert g["count"] == step, g["count"]
    assert g["current"], f"{step}: no node of the step in the picture"
    shown = g["current"] + (g["updated"] if parents else [])
    outside = [n["words"] for n in shown if not inside(n, g["box"])]
    assert not outside, f"{step}: not in view: {outside} (box {g['box']})"
    assert g["smallest"] >= 12 - 0.01, f"{step}: graph text of {g['smallest']:.1f} px"
    return g
