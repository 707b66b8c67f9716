"""Check a built documentation site (``make docs`` runs this after ``mkdocs build``).

    python scripts/check_docs.py build/site

* The API reference agrees with the code: the page of each public module documents
  exactly the names in the module's ``__all__``, and every public module has a page.
* Every picture a page shows is there: each ``<img>`` is an inline image or a file of
  the site (an image from another site is not checked).
* Every course notebook was executed: its page shows the outputs of its code cells.

Exits 1 with the reasons if anything is wrong.
"""

from __future__ import annotations

import html.parser
import importlib
import json
import pkgutil
import sys
import warnings
from pathlib import Path
from urllib.parse import unquote, urlparse

PACKAGE = "micrograd_like"
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


class _Page(html.parser.HTMLParser):
    """The ids of the API entries (``h2.doc-heading``), the images, the output areas."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: set[str] = set()
        self.images: list[str] = []
        self.outputs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "h2" and "doc-heading" in classes and a.get("id"):
            self.entries.add(str(a["id"]))
        if tag == "img":
            self.images.append(a.get("src") or "")
        if "jp-OutputArea-output" in classes:
            self.outputs += 1


def read_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def public_modules() -> list[str]:
    """The package's modules whose names do not start with an underscore."""
    package = importlib.import_module(PACKAGE)
    return sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name[0] != "_")


def documented_names(page: _Page, module: str) -> set[str]:
    """The names that a module's page documents at the module's top level."""
    prefix = f"{PACKAGE}.{module}."
    return {
        e[len(prefix) :]
        for e in page.entries
        if e.startswith(prefix) and "." not in e[len(prefix) :]
    }


def check_api(site: Path) -> list[str]:
    """What disagrees between each module's ``__all__`` and its API page."""
    problems = []
    for module in public_modules():
        path = site / "api" / module / "index.html"
        if not path.is_file():
            problems.append(f"{module}: no API page (add docs/api/{module}.md to the nav)")
            continue
        with warnings.catch_warnings():  # a deprecated module still has its page
            warnings.simplefilter("ignore", DeprecationWarning)
            names = set(importlib.import_module(f"{PACKAGE}.{module}").__all__)
        shown = documented_names(read_page(path), module)
        if names - shown:
            problems.append(f"{module}: in __all__ but not on its page: {sorted(names - shown)}")
        if shown - names:
            problems.append(f"{module}: on its page but not in __all__: {sorted(shown - names)}")
    return problems


def check_images(site: Path) -> list[str]:
    """Every ``<img>`` of every page is inline data, a file of the site, or elsewhere."""
    problems = []
    for path in sorted(site.rglob("*.html")):
        for src in read_page(path).images:
            if src.startswith("data:image/"):
                continue
            url = urlparse(src)
            if url.scheme or url.netloc:
                continue  # on another site: not checked here, the build is offline
            if not (path.parent / unquote(url.path)).resolve().is_file():
                problems.append(f"{path.relative_to(site)}: missing image {src}")
    return problems


def check_course(site: Path) -> list[str]:
    """Each notebook's page shows outputs, if the notebook has code cells."""
    problems = []
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        path = site / "course" / notebook.stem / "index.html"
        if not path.is_file():
            problems.append(f"{notebook.name}: no page (add it to the nav in mkdocs.yml)")
            continue
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        if any(c["cell_type"] == "code" and "".join(c["source"]).strip() for c in cells):
            if read_page(path).outputs == 0:
                problems.append(f"{notebook.name}: its page shows no outputs (not executed?)")
    return problems


def main(argv: list[str]) -> int:
    site = Path(argv[1] if len(argv) > 1 else "build/site")
    problems = check_api(site) + check_images(site) + check_course(site)
    if problems:
        print("make docs: the site is not right:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    pages = len(list(site.rglob("index.html")))
    print(f"make docs: {pages} pages in {site}; API reference, pictures and course are fine")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
