"""The documentation site's sources agree with the code (``make docs`` builds the site).

The API reference shows, for each public module, exactly the names in its ``__all__``:
one test builds the reference pages alone with the site's own mkdocstrings settings and
compares. The others check the site's other inputs: the nav lists every notebook and
every module, and the README is split as the front page and the Performance page.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import json
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import micrograd_like

ROOT = Path(__file__).resolve().parent.parent
yaml = pytest.importorskip("yaml", reason="PyYAML comes with the docs extra")


def load_script(name: str) -> ModuleType:
    """A module of scripts/, imported by its path."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # a dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


def mkdocs_config() -> dict:
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text())


def nav_files(nav: object) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [f for value in nav.values() for f in nav_files(value)]
    if isinstance(nav, list):
        return [f for item in nav for f in nav_files(item)]
    return []


PUBLIC_MODULES = sorted(
    m.name for m in pkgutil.iter_modules(micrograd_like.__path__) if not m.name.startswith("_")
)


def test_the_nav_has_one_api_page_per_public_module_and_nothing_else():
    pages = [f for f in nav_files(mkdocs_config()["nav"]) if f.startswith("api/")]
    assert sorted(pages) == sorted(["api/index.md"] + [f"api/{m}.md" for m in PUBLIC_MODULES])


@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_a_module_page_renders_the_module_with_the_sites_settings(module: str):
    # a local `members:` or `filters:` would override what __all__ decides
    # (a package's page shows its public submodules too, each under a heading)
    text = (ROOT / "docs" / "api" / f"{module}.md").read_text()
    assert text.startswith(f"# micrograd_like.{module}\n\n::: micrograd_like.{module}\n")
    blocks = [line for line in text.splitlines() if line.startswith(":::")]
    assert all(line.split()[1].startswith(f"micrograd_like.{module}") for line in blocks)
    assert not any(line.startswith("    ") for line in text.splitlines())  # no local options


def test_the_site_shows_public_members_by_all_even_without_a_docstring():
    plugins = mkdocs_config()["plugins"]
    (handler,) = [p["mkdocstrings"] for p in plugins if isinstance(p, dict) and "mkdocstrings" in p]
    options = handler["handlers"]["python"]["options"]
    assert options["filters"] == "public"  # griffe: a module's public names are its __all__
    assert options["show_if_no_docstring"] is True  # e.g. RULES, a constant


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # a deprecated module is listed too
@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_every_public_module_declares_all_of_names_it_has(module: str):
    mod = importlib.import_module(f"micrograd_like.{module}")
    names = mod.__all__
    assert len(names) == len(set(names)), f"{module}.__all__ repeats a name"
    assert [n for n in names if not hasattr(mod, n)] == []


def test_every_name_the_package_exports_is_documented_on_a_module_page():
    pytest.importorskip("mkdocs")
    documented_in = load_script("mkdocs_hooks").documented_in
    for name in micrograd_like.__all__:
        if name == "__version__":
            continue
        page = documented_in(name).split(".")[0]  # raises if no page shows it
        assert (ROOT / "docs" / "api" / f"{page}.md").is_file()
    assert documented_in("draw_dot") == "viz" and documented_in("Value") == "engine"
    assert documented_in("backward_steps") == "viz.steps"


def test_every_notebook_is_a_page_of_the_course():
    pages = {f for f in nav_files(mkdocs_config()["nav"]) if f.startswith("course/")}
    notebooks = {f"course/{p.name}" for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert pages == notebooks
    assert (ROOT / "docs" / "course").resolve() == (ROOT / "notebooks").resolve()


def test_the_front_page_is_the_readme_with_performance_on_a_page_of_its_own():
    pytest.importorskip("mkdocs")
    hooks = load_script("mkdocs_hooks")
    readme = (ROOT / "README.md").read_text()
    front = hooks.readme_page(readme)
    headings = re.findall(r"^## (.+)$", readme, flags=re.M)
    assert re.findall(r"^## (.+)$", front, flags=re.M) == headings  # every section kept
    assert "See [Performance](performance.md)." in front
    performance = hooks.readme_section(readme, "Performance")
    assert performance not in front and performance.strip() in readme
    with pytest.raises(Exception, match="no section '## Nope'"):
        hooks.readme_section(readme, "Nope")


def test_docstrings_become_markdown_with_doctests_as_code():
    pytest.importorskip("griffe")
    convert = load_script("griffe_markdown").to_markdown
    text = (
        "Sum::\n\n    s = a + b\n\nLike :func:`vsum`, see `docs <https://x.org>`_.\n"
        "A node keeps\n* a\n  wrapped\n* b\n\nThen:\n>>> 1 + 1\n2\n>>> for i in [1]:\n...     i\n1\n\nEnd."
    )
    assert convert(text) == (
        "Sum:\n\n    s = a + b\n\nLike `vsum`, see [docs](https://x.org).\n"
        "A node keeps\n\n* a\n  wrapped\n* b\n\nThen:\n\n"
        "```pycon\n>>> 1 + 1\n2\n>>> for i in [1]:\n...     i\n1\n```\n\nEnd."
    )


def test_the_api_reference_shows_exactly_each_modules_all(tmp_path: Path):
    # Builds the API pages alone, with the site's mkdocstrings settings, and reads the
    # entries from the HTML, as make docs does for the whole site.
    pytest.importorskip("mkdocstrings_handlers.python", reason="the docs extra is not installed")
    config = mkdocs_config()
    config["docs_dir"] = str(tmp_path / "docs")
    config["site_dir"] = str(tmp_path / "site")
    config["nav"] = [f"api/{m}.md" for m in PUBLIC_MODULES]
    config["plugins"] = [p for p in config["plugins"] if "mkdocs-jupyter" not in p]
    config["hooks"] = []
    # paths in mkdocs.yml are relative to its folder: make them absolute
    (handler,) = [p["mkdocstrings"] for p in config["plugins"] if "mkdocstrings" in p]
    python = handler["handlers"]["python"]
    python["paths"] = [str(ROOT / p) for p in python["paths"]]
    python["options"]["extensions"] = [str(ROOT / e) for e in python["options"]["extensions"]]
    (tmp_path / "docs" / "api").mkdir(parents=True)
    for module in PUBLIC_MODULES:
        page = (ROOT / "docs" / "api" / f"{module}.md").read_text()
        (tmp_path / "docs" / "api" / f"{module}.md").write_text(page)
    (tmp_path / "mkdocs.yml").write_text(json.dumps(config))  # JSON is YAML
    build = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"]
    done = subprocess.run(
        [*build, "-f", str(tmp_path / "mkdocs.yml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stderr
    check_docs = load_script("check_docs")
    assert check_docs.check_api(tmp_path / "site") == []


def test_the_agreement_check_names_a_name_missing_from_a_page(tmp_path: Path):
    check_docs = load_script("check_docs")
    page = tmp_path / "api" / "optim" / "index.html"
    page.parent.mkdir(parents=True)
    shown = [n for n in importlib.import_module("micrograd_like.optim").__all__ if n != "Adam"]
    page.write_text(
        "".join(f'<h2 id="micrograd_like.optim.{n}" class="doc doc-heading">' for n in shown)
        + '<h2 id="micrograd_like.optim.helper" class="doc doc-heading">'
        + '<h3 id="micrograd_like.optim.SGD.step" class="doc doc-heading">'
    )
    problems = [p for p in check_docs.check_api(tmp_path) if p.startswith("optim:")]
    assert problems == [
        "optim: in __all__ but not on its page: ['Adam']",
        "optim: on its page but not in __all__: ['helper']",
    ]


def test_the_picture_check_names_a_missing_picture(tmp_path: Path):
    check_docs = load_script("check_docs")
    page = tmp_path / "course" / "x" / "index.html"
    page.parent.mkdir(parents=True)
    (page.parent / "here.png").write_bytes(b"\x89PNG")
    page.write_text(
        '<img src="here.png"><img src="data:image/png;base64,AAAA">'
        '<img src="gone.png"><img src="https://example.org/a.png">'
    )
    assert check_docs.check_images(tmp_path) == ["course/x/index.html: missing image gone.png"]


def test_worked_example_pages_are_made_from_the_tests_derivation_code_and_checks(tmp_path: Path):
    worked = load_script("worked_examples")
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_engine.py").write_text(
        '"""Worked examples."""\n\n'
        "# " + "-" * 30 + "\n# the graph walk\n# " + "-" * 30 + "\n\n\n"
        "def test_reused_node_gradients_add_up():\n"
        "    # b = a + a, c = b + b = 4a, so dc/da = 4\n"
        "    a = Value(3.0)\n"
        "    c = (a + a) + (a + a)\n"
        "    c.backward()\n"
        "    assert a.grad == 4.0\n\n\n"
        "def test_a_check_of_bad_input():\n"
        "    with pytest.raises(TypeError):\n"
        "        Value('x')\n"
    )
    page = worked.page("engine", root=tmp_path)
    assert "1 tests, each a worked example" in page  # the test without a derivation is left out
    assert "## The graph walk\n" in page and "### Reused node gradients add up\n" in page
    assert "```text\nb = a + a, c = b + b = 4a, so dc/da = 4\n```" in page
    assert "def test_reused_node_gradients_add_up():\n    a = Value(3.0)\n" in page
    assert "* `assert a.grad == 4.0`" in page
    assert "bad input" not in page.lower().replace("worked examples.", "")


def opens_with_a_comment(source: str) -> set[str]:
    """The tests whose first line after the signature is a comment: a derivation."""
    found, lines = set(), source.splitlines()
    for i, line in enumerate(lines):
        match = re.match(r"def (test_\w+)\(", line)
        if match:
            end = next(j for j in range(i, len(lines)) if lines[j].rstrip().endswith(":"))
            body = next(x for x in lines[end + 1 :] if x.strip())
            if body.strip().startswith("#"):
                found.add(match.group(1))
    return found


def test_the_worked_example_pages_show_every_test_that_opens_with_a_derivation():
    worked = load_script("worked_examples")
    for name, (_, relative) in worked.PAGES.items():
        page = worked.page(name)
        shown = set(re.findall(r"^def (test_\w+)\(", page, flags=re.M))
        assert shown == opens_with_a_comment((ROOT / relative).read_text()), name


def test_long_values_are_left_out_of_the_api_pages():
    pytest.importorskip("griffe")
    extension = load_script("griffe_markdown")
    griffe = pytest.importorskip("griffe")
    rules = griffe.load(
        "micrograd_like.rules",
        search_paths=[str(ROOT)],
        extensions=griffe.load_extensions(extension.DocstringsAsMarkdown),
    )
    assert str(rules["RULES"].value) == "..."  # the table's source is not the reference
    assert str(rules["RULES"].annotation) == "RuleTable"
    nn = griffe.load("micrograd_like.nn", search_paths=[str(ROOT)],
                     extensions=griffe.load_extensions(extension.DocstringsAsMarkdown))  # fmt: skip
    assert str(nn["MAX_PARAMETERS"].value) == "10000000"  # a short value stays


def test_on_the_site_a_widget_shows_its_html_or_as_the_run_left_it_or_needs_a_kernel(monkeypatch):
    pytest.importorskip("nbconvert")
    nbformat = pytest.importorskip("nbformat")
    monkeypatch.syspath_prepend(str(ROOT / "scripts" / "nbconvert"))
    site_widgets = importlib.import_module("site_widgets")
    assert doctest.testmod(site_widgets).failed == 0

    def view(model_id: str, **data: str) -> dict:
        return {"application/vnd.jupyter.widget-view+json": {"model_id": model_id}, **data}

    player = view("p", **{"text/plain": "step_widget: 5 steps", "text/html": "<div>player</div>"})
    bar = view("bar", **{"text/plain": "training:   0%|          | 0/100"})  # tqdm's first text
    live = view("live", **{"text/plain": "Playground(dataset='moons')"})
    # tqdm's bar as the run left it: an HBox of a text, a progress bar at 100/100, a text
    states = {
        "bar": {"model_name": "HBoxModel", "state": {"children": ["IPY_MODEL_d", "IPY_MODEL_f"]}},
        "d": {"model_name": "HTMLModel", "state": {"value": "training: 100%"}},
        "f": {"model_name": "FloatProgressModel", "state": {"value": 100.0, "max": 100.0}},
        "live": {"model_name": "AnyModel", "state": {}},
    }
    widgets = {"application/vnd.jupyter.widget-state+json": {"state": states}}
    nb = nbformat.v4.new_notebook(metadata={"widgets": widgets})
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data=d) for d in (player, bar, live)]
    nb.cells = [cell]
    nb, _ = site_widgets.WidgetsWithoutKernel().preprocess(nb, {})
    assert "widgets" not in nb.metadata  # nbconvert fetches no widget manager
    shown = [o.data["text/html"] for o in nb.cells[0].outputs]
    assert shown[0] == "<div>player</div>"
    assert (
        '<span>training: 100%</span><progress style="width: 10em" value="100.0" max="100.0">'
        in shown[1]
    )
    assert "This widget is live" in shown[2] and "make lab" in shown[2]


def test_the_hooks_add_the_widget_preprocessor_after_nbconverts_own(monkeypatch):
    pytest.importorskip("mkdocs")
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", "")
    monkeypatch.setattr(sys, "path", list(sys.path))
    hooks = load_script("mkdocs_hooks")
    hooks.on_startup("build", False)
    folder = Path(os.environ["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0])
    config = json.loads((folder / "jupyter_nbconvert_config.json").read_text())
    preprocessors = config["HTMLExporter"]["default_preprocessors"]
    assert preprocessors[-1] == "site_widgets.WidgetsWithoutKernel"
    assert "nbconvert.preprocessors.ExecutePreprocessor" in preprocessors[:-1]
