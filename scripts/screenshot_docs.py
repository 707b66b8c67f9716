"""Screenshots of built documentation pages, to look at them as a reader would.

    python scripts/screenshot_docs.py build/site index.html course/01_values_and_graphs/

Serves the site on 127.0.0.1, opens each page in headless Chromium and writes
``build/screenshots/<page>.png`` (the whole page). For each page it also prints how
many images it has and how many of them failed to load.

Needs the ``playwright`` package and a Chromium (Debian: ``apt-get install chromium``;
set ``CHROMIUM`` if it is not /usr/bin/chromium). Neither is part of the project's
extras: ``make docs`` checks the pictures without a browser.
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from browser.lab_server import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 (the browser tests' flags)

# each image: loaded (complete, with a width) or not
IMAGES = "[...document.images].map(i => i.complete && i.naturalWidth > 0)"


def main(argv: list[str]) -> int:
    site = Path(argv[1]).resolve()
    pages = argv[2:] or ["index.html"]
    out = site.parent / "screenshots"
    out.mkdir(exist_ok=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    broken = 0
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=os.environ.get("CHROMIUM", CHROMIUM), args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for name in pages:
                page.goto(base + name, wait_until="networkidle")
                loaded = page.evaluate(IMAGES)
                shot = out / (name.strip("/").replace("/", "_").removesuffix(".html") + ".png")
                page.screenshot(path=str(shot), full_page=True)
                failed = loaded.count(False)
                broken += failed
                print(f"{name}: {len(loaded)} images, {failed} not loaded -> {shot}")
            browser.close()
    finally:
        server.shutdown()
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
