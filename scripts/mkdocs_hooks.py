"""MkDocs hooks for the documentation site (``hooks:`` in mkdocs.yml).

The README is the site's front page, and its Performance section is a page of its own.
A page asks for generated text with a line of its own:

* ``<!-- readme -->``: the README, its Performance section replaced by a link;
* ``<!-- readme: Performance -->``: the body of that section;
* ``<!-- module-table -->``: each module of the API reference with the first line of
  its docstring;
* ``<!-- package-names -->``: a table of ``micrograd_like.__all__``, each name linked
  to its entry on its module's page.

All are made when the site is built, so the site says what the README and the package
say. So are the "Worked examples" pages (``worked-examples/*.md``), from the tests
(``scripts/worked_examples.py``).

The site works offline: it loads nothing from another host.

* Formulas: MathJax comes from the ``jupyter-server-mathjax`` package (the ``docs``
  extra) and is copied into the site as ``assets/mathjax``, with a configuration
  (``config/local.js``) for the web fonts that package has.
* Widgets: nbconvert runs one more preprocessor after the notebook has run
  (``scripts/nbconvert/site_widgets.py``): it drops the widgets' state, so no widget
  manager is fetched and a widget's output shows its own HTML (the step widget's player
  of its steps), or a note that it needs a kernel.
* Fonts: Material's fonts from Google are off (``font: false`` in mkdocs.yml).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

HERE = Path(__file__).resolve().parent
README = HERE.parent / "README.md"
NBCONVERT = HERE / "nbconvert"
SITE_WIDGETS = "site_widgets.WidgetsWithoutKernel"
"""The preprocessor nbconvert runs last (from ``scripts/nbconvert/``)."""
MATHJAX = "assets/mathjax"
"""Where MathJax goes in the site (mkdocs.yml's ``custom_mathjax_url`` points there)."""
MATHJAX_CONFIG = """\
MathJax.Hub.Config({
  "HTML-CSS": { availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null },
});
MathJax.Ajax.loadComplete("[MathJax]/config/local.js");
"""
"""``config/local.js``: the web fonts that jupyter-server-mathjax ships (STIX-Web)."""
OWN_PAGE = {"Performance": "performance.md"}
DIRECTIVE = re.compile(r"^<!-- readme(?:: (?P<section>[^>]+?))? -->$", re.M)
PACKAGE_NAMES = "<!-- package-names -->"
MODULE_TABLE = "<!-- module-table -->"


def sections(text: str) -> list[tuple[str, str]]:
    """The README cut at its ``## `` headings: (heading, text) pairs, the intro first."""
    parts = re.split(r"^(?=## )", text, flags=re.M)
    return [("", parts[0])] + [(p.split("\n", 1)[0][3:].strip(), p) for p in parts[1:]]


def readme_page(text: str) -> str:
    """The README with each section that has a page of its own replaced by a link."""
    out = []
    for heading, body in sections(text):
        if heading in OWN_PAGE:
            body = f"## {heading}\n\nSee [{heading}]({OWN_PAGE[heading]}).\n\n"
        out.append(body)
    return "".join(out)


def readme_section(text: str, heading: str) -> str:
    """The body of the README's section ``## heading``, without the heading line."""
    for name, body in sections(text):
        if name == heading:
            return body.split("\n", 1)[1]
    raise PluginError(f"README.md has no section '## {heading}' for the docs to show")


def documented_in(name: str) -> str:
    """The module whose block on an API page documents ``micrograd_like.<name>``.

    A page ``docs/api/<page>.md`` shows each module of its ``::: micrograd_like.<module>``
    lines; the answer is the first of those modules, the object's own page first, whose
    ``__all__`` has the same object: ``viz`` for ``draw_dot`` (from ``viz.graph``),
    ``viz.steps`` for ``backward_steps``. Its page is the part before the first dot.
    """
    import importlib

    import micrograd_like

    obj = getattr(micrograd_like, name)
    home = obj.__module__.split(".")[1]
    pages = sorted((HERE.parent / "docs" / "api").glob("*.md"), key=lambda p: p.stem != home)
    for page in pages:
        for line in page.read_text(encoding="utf-8").splitlines():
            if not line.startswith("::: micrograd_like."):
                continue
            dotted = line.split()[1].removeprefix("micrograd_like.")
            module = importlib.import_module(f"micrograd_like.{dotted}")
            if name in getattr(module, "__all__", ()) and getattr(module, name) is obj:
                return dotted
    raise PluginError(
        f"micrograd_like.{name} is in no documented module's __all__: no page shows it"
    )


def package_names() -> str:
    """A Markdown table: each name of ``micrograd_like.__all__`` and where it is documented.

    A name links to its entry on its module's page (a cross-reference that the strict
    build checks).
    """
    import micrograd_like

    rows = ["| name | from |", "|---|---|"]
    for name in micrograd_like.__all__:
        if name == "__version__":
            rows.append(
                f"| `__version__` | the package's version, `{micrograd_like.__version__}` |"
            )
            continue
        dotted = documented_in(name)
        module = f"micrograd_like.{dotted}"
        page = dotted.split(".")[0]
        rows.append(f"| [`{name}`][{module}.{name}] | [`{module}`]({page}.md) |")
    return "\n".join(rows) + "\n"


def module_table(config: Any) -> str:
    """A Markdown table of the API reference's module pages, in the order of the nav."""
    import importlib

    rows = ["| module | what it is |", "|---|---|"]
    for page in api_pages(config["nav"]):
        name = Path(page).stem
        doc = importlib.import_module(f"micrograd_like.{name}").__doc__ or ""
        summary = doc.strip().split("\n\n", 1)[0].replace("\n", " ")
        rows.append(f"| [`{name}`]({name}.md) | {summary} |")
    return "\n".join(rows) + "\n"


def api_pages(nav: Any) -> list[str]:
    """The module pages (``api/NAME.md``, not ``api/index.md``) that the nav lists."""
    found: list[str] = []
    if isinstance(nav, str):
        if nav.startswith("api/") and nav != "api/index.md":
            found.append(nav)
    elif isinstance(nav, dict):
        for value in nav.values():
            found += api_pages(value)
    elif isinstance(nav, list):
        for item in nav:
            found += api_pages(item)
    return found


def on_startup(command: str, dirty: bool) -> None:
    """nbconvert (which mkdocs-jupyter runs) runs ``site_widgets.WidgetsWithoutKernel``
    after its own preprocessors: a configuration file in a folder of its own says so."""
    from nbconvert.exporters import HTMLExporter

    defaults = list(HTMLExporter.class_traits()["default_preprocessors"].default() or [])
    config = {"HTMLExporter": {"default_preprocessors": [*defaults, SITE_WIDGETS]}}
    folder = Path(tempfile.mkdtemp(prefix="micrograd-like-nbconvert-"))
    (folder / "jupyter_nbconvert_config.json").write_text(json.dumps(config), encoding="utf-8")
    paths = [str(folder), os.environ.get("JUPYTER_CONFIG_PATH", "")]
    os.environ["JUPYTER_CONFIG_PATH"] = os.pathsep.join(p for p in paths if p)
    if str(NBCONVERT) not in sys.path:
        sys.path.insert(0, str(NBCONVERT))  # where nbconvert imports site_widgets from


def on_files(files: Any, config: Any) -> Any:
    """Add the "Worked examples" pages, made from the tests."""
    sys.path.insert(0, str(HERE))
    try:
        import worked_examples
    finally:
        sys.path.remove(str(HERE))
    pages = {"index": worked_examples.index()}
    pages.update({name: worked_examples.page(name) for name in worked_examples.PAGES})
    for name, text in pages.items():
        files.append(File.generated(config, f"{worked_examples.FOLDER}/{name}.md", content=text))
    return files


def on_post_build(config: Any) -> None:
    """Copy MathJax into the site, with its configuration for the fonts it has."""
    try:
        import jupyter_server_mathjax
    except ImportError as error:
        raise PluginError(
            "the docs need jupyter-server-mathjax for the formulas: pip install -e '.[docs]'"
        ) from error
    target = Path(config["site_dir"]) / MATHJAX
    shutil.copytree(
        Path(jupyter_server_mathjax.__file__).parent / "static", target, dirs_exist_ok=True
    )
    (target / "config" / "local.js").write_text(MATHJAX_CONFIG, encoding="utf-8")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Replace each directive line of a page by the text it asks for."""
    if PACKAGE_NAMES in markdown:
        markdown = markdown.replace(PACKAGE_NAMES, package_names())
    if MODULE_TABLE in markdown:
        markdown = markdown.replace(MODULE_TABLE, module_table(config))
    if not DIRECTIVE.search(markdown):
        return markdown
    text = README.read_text(encoding="utf-8")

    def replace(match: re.Match[str]) -> str:
        section = match.group("section")
        return readme_section(text, section) if section else readme_page(text)

    return DIRECTIVE.sub(replace, markdown)
