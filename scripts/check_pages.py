"""Open every page of the built site in headless Chromium, offline, and check what it shows.

    python scripts/check_pages.py build/site [--screenshots build/screenshots]

``make docs`` runs this after ``mkdocs build``. It serves the site on 127.0.0.1 and opens
each page with every request to another host blocked, as in a classroom without a
network. A page fails on:

* a request to another host (a script, style, font or picture the site does not have),
  a file of the site that is missing, or a script error;
* TeX that was not typeset (``$...$``, ``\\frac``, ``\\partial``...) once MathJax is done;
* a blank widget output: a widget that needs a widget manager, a step player that did
  not start or shows no picture or no words, a step player whose next and previous
  buttons do not change the step, or an output with nothing in it;
* text of a graph (a Graphviz picture) under 11 pixels on screen.

``--screenshots DIR`` also writes a picture of each whole page there. Needs Playwright
and Chromium (``make docs`` installs both, as ``make test`` does).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from playwright.sync_api import TimeoutError, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 (the browser tests' Chromium)

SMALLEST_TEXT = 11.0
"""Pixels: graph text on screen may be no smaller."""
WIDTH, HEIGHT = 1280, 900
"""The window the pages are opened in."""

# Graph text on screen: each <text> of a Graphviz SVG (an <svg> with a g.graph), its
# font size times the scale from the SVG's units to the screen; for a Graphviz SVG shown
# as an <img> (how nbconvert shows an SVG output), its font sizes times the image's width
# on screen over the width of its drawing. Hidden pictures are skipped.
GRAPH_TEXT = """() => {
  const sizes = [];
  const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  for (const svg of document.querySelectorAll("svg")) {
    if (!svg.querySelector(":scope > g.graph") || !shown(svg)) continue;
    for (const text of svg.querySelectorAll("text")) {
      const matrix = text.getScreenCTM();
      const words = text.textContent.trim();
      if (!matrix || !words) continue;
      const size = parseFloat(text.getAttribute("font-size") || getComputedStyle(text).fontSize);
      sizes.push([words.slice(0, 40), size * Math.hypot(matrix.a, matrix.b)]);
    }
  }
  for (const img of document.querySelectorAll('img[src^="data:image/svg+xml"]')) {
    if (!shown(img)) continue;
    const data = img.src.slice(img.src.indexOf(",") + 1);
    const svg = img.src.slice(0, img.src.indexOf(",")).endsWith(";base64")
      ? new TextDecoder().decode(Uint8Array.from(atob(data), (c) => c.charCodeAt(0)))
      : decodeURIComponent(data);
    const drawing = new DOMParser().parseFromString(svg, "image/svg+xml");
    if (!drawing.querySelector("svg > g.graph")) continue;
    const scale = img.getBoundingClientRect().width / drawing.documentElement.viewBox.baseVal.width;
    for (const text of drawing.querySelectorAll("text")) {
      const words = text.textContent.trim();
      if (words) sizes.push([words.slice(0, 40), parseFloat(text.getAttribute("font-size")) * scale]);
    }
  }
  return sizes;
}"""

# Text that still looks like TeX: outside code, scripts and what MathJax wrote.
UNTYPESET = r"""() => {
  const skip = "script, style, pre, code, textarea, svg, .MathJax, .MathJax_Display, "
    + ".MathJax_Preview, .MathJax_SVG, mjx-container, .mgl-text, .highlight";
  const tex = /\$[^$\s][^$]*\$|\\[()[\]]|\\(frac|partial|cdot|sum|sqrt|varepsilon|nabla|approx|mathbf|mathrm|left|right|begin)\b/;
  const found = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walk.nextNode(); node; node = walk.nextNode()) {
    if (node.parentElement.closest(skip)) continue;
    if (tex.test(node.textContent)) found.push(node.textContent.trim().slice(0, 60));
  }
  return found;
}"""

# What the widget outputs show.
WIDGETS = """() => ({
  views: document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length,
  unstarted: [...document.querySelectorAll(".mgl-player")].filter(
    (p) => !p.querySelector(".mgl-steps")).length,
  players: [...document.querySelectorAll(".mgl-steps")].map((p) => {
    const svg = p.querySelector(".mgl-graph svg");
    const r = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    return { words: p.querySelector(".mgl-text").textContent.trim().length,
             picture: r.width * r.height };
  }),
  empty: [...document.querySelectorAll(".jp-OutputArea-output")].filter((o) =>
    !o.textContent.trim() && !o.querySelector("img, svg, canvas, iframe, video")).length,
})"""

# MathJax 2, if the page has it: resolves once it has typeset the page.
MATHJAX_DONE = """() => new Promise((done) => {
  if (!window.MathJax || !MathJax.Hub) return done(false);
  MathJax.Hub.Register.StartupHook("End", () => MathJax.Hub.Queue(() => done(true)));
})"""


@contextmanager
def served(site: Path) -> Iterator[str]:
    """The site on 127.0.0.1, at the returned address, until the block ends."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def pages_of(site: Path) -> list[str]:
    """Every HTML page of the site, as a path below it."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def check_steps(page: Any, index: int) -> list[str]:
    """Next and previous change the step shown by the ``index``-th step player."""
    player = page.locator(".mgl-steps").nth(index)
    player.scroll_into_view_if_needed()
    count = player.locator(".mgl-count")
    first, words = count.inner_text(), player.locator(".mgl-text").inner_text()
    if player.locator(".mgl-next").is_disabled():
        return []  # one step: nothing to move to
    player.locator(".mgl-next").click()
    changed = "([c, t]) => c.textContent !== t"
    try:
        page.wait_for_function(changed, arg=[count.element_handle(), first], timeout=5000)
    except TimeoutError:
        return [f"step player {index + 1}: next did not change the step ({first})"]
    problems = []
    if player.locator(".mgl-text").inner_text() == words:
        problems.append(f"step player {index + 1}: next changed the count but not the words")
    player.locator(".mgl-prev").click()
    if count.inner_text() != first:
        problems.append(f"step player {index + 1}: previous did not go back to {first}")
    return problems


def check_page(page: Any, url: str) -> list[str]:
    """What is wrong with the page at ``url`` (opened in ``page``), as sentences."""
    problems: list[str] = []
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.evaluate(MATHJAX_DONE)
    if tex := page.evaluate(UNTYPESET):
        problems.append(f"{len(tex)} pieces of TeX not typeset, e.g. {tex[0]!r}")
    widgets = page.evaluate(WIDGETS)
    if widgets["views"]:
        problems.append(f"{widgets['views']} widget outputs that need a widget manager: blank")
    if widgets["unstarted"]:
        problems.append(f"{widgets['unstarted']} step players whose script did not start")
    for i, player in enumerate(widgets["players"]):
        if not player["words"] or not player["picture"]:
            problems.append(
                f"step player {i + 1} shows no {'words' if not player['words'] else 'picture'}"
            )
        else:
            problems += check_steps(page, i)
    if widgets["empty"]:
        problems.append(f"{widgets['empty']} outputs with nothing in them")
    small = [
        (words, size) for words, size in page.evaluate(GRAPH_TEXT) if size < SMALLEST_TEXT - 0.01
    ]
    if small:
        words, size = min(small, key=lambda s: s[1])
        problems.append(
            f"{len(small)} graph texts under {SMALLEST_TEXT:g} px, e.g. {words!r} at {size:.1f} px"
        )
    return problems


def visit(context: Any, url: str, screenshots: Path | None, name: str) -> list[str]:
    """Open one page in a tab of its own, check it, and say what is wrong."""
    page = context.new_page()
    missing: list[str] = []
    errors: list[str] = []

    def answered(response: Any) -> None:
        if response.status >= 400:
            missing.append(response.url)

    page.on("response", answered)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        problems = check_page(page, url)
        if screenshots:
            screenshots.mkdir(parents=True, exist_ok=True)
            shot = name.removesuffix("index.html").strip("/").replace("/", "_") or "home"
            page.screenshot(path=str(screenshots / f"{shot}.png"), full_page=True)
    finally:
        page.close()
    problems += [f"a missing file of the site: {u}" for u in missing]
    return problems + [f"a script error: {e}" for e in errors]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, nargs="?", default=Path("build/site"))
    parser.add_argument("--screenshots", type=Path, help="write a picture of each page here")
    parser.add_argument("--page", action="append", help="check only this page (repeatable)")
    args = parser.parse_args(argv)

    site = args.site.resolve()
    report: dict[str, list[str]] = {}
    outside: list[str] = []
    with served(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
        own = urlparse(base).netloc

        def route(r: Any) -> None:
            url = urlparse(r.request.url)
            if url.scheme in ("http", "https", "ws", "wss") and url.netloc != own:
                outside.append(r.request.url)
                r.abort()
            else:
                r.continue_()

        context.route("**/*", route)
        checked = args.page or pages_of(site)
        for name in checked:
            before = len(outside)
            problems = visit(context, f"{base}/{name}", args.screenshots, name)
            problems += [f"a request to another host, blocked: {u}" for u in outside[before:]]
            if problems:
                report[name] = problems
        browser.close()
    if report:
        print(f"make docs: {len(report)} pages of {site} do not read right offline:")
        for name, problems in report.items():
            for problem in problems:
                print(f"  - {name}: {problem}")
        return 1
    print(
        f"make docs: {len(checked)} pages opened offline in Chromium: no request to "
        "another host, every formula typeset, every widget shows and steps, graph text "
        f"{SMALLEST_TEXT:g} px or more"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
