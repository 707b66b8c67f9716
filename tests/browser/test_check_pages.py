"""The docs check (scripts/check_pages.py, run by ``make docs``) finds what a reader offline
would find wrong: a small site made here has one page of each fault, and one good page.
"""

from __future__ import annotations

import importlib.util
import io
from contextlib import redirect_stdout
from pathlib import Path
from types import ModuleType

import pytest

from micrograd_like.examples import lecture_neuron
from micrograd_like.viz import draw_dot
from micrograd_like.viz.graph import readable_size, render
from micrograd_like.viz.player import page_svg, player_html, step_frames

ROOT = Path(__file__).resolve().parents[2]


def check_pages() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "check_pages", ROOT / "scripts" / "check_pages.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write(site: Path, name: str, body: str) -> None:
    page = site / name / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f"<!doctype html><meta charset='utf-8'><body>{body}</body>", encoding="utf-8")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    site = tmp_path_factory.mktemp("site")
    o = lecture_neuron()["o"]
    frames = step_frames(o)
    svg = render(draw_dot(o), "svg").decode()
    svg = svg[svg.find("<svg") :]
    shrunk = svg.replace("<svg", "<svg style='width: 100%; height: auto'", 1)
    player = player_html(frames.texts, [page_svg(g) for g in frames.graphs])
    write(site, "good", f"{player}<p>no TeX here, and a graph:</p>{readable_size(svg)}")
    write(site, "outside", '<img src="https://example.org/a.png"><p>text</p>')
    write(site, "tex", r"<p>The chain rule: $\partial L/\partial a = 6$.</p>")
    write(site, "shrunk", f'<div style="width: 200px">{shrunk}</div>')  # 14 pt text at 5 px
    write(site, "widget", '<script type="application/vnd.jupyter.widget-view+json">{}</script>')
    stuck = player_html(["step 1/2: a", "step 2/2: b"], ["<svg></svg>"] * 2)
    write(site, "stuck", stuck.replace("<script>", "<script>throw new Error('no');"))
    module = check_pages()
    lines: dict[str, str] = {}
    out = io.StringIO()
    with redirect_stdout(out):
        code = module.main([str(site)])
    assert code == 1
    for line in out.getvalue().splitlines()[1:]:
        name, _, problem = line.strip("- ").partition("/index.html: ")
        lines[name] = lines.get(name, "") + problem + "\n"
    return lines


def test_the_good_page_passes(report: dict[str, str]):
    assert "good" not in report, report.get("good")


def test_a_request_to_another_host_fails(report: dict[str, str]):
    assert "a request to another host, blocked: https://example.org/a.png" in report["outside"]


def test_untypeset_tex_fails(report: dict[str, str]):
    assert "1 pieces of TeX not typeset, e.g. 'The chain rule: $\\\\partial L" in report["tex"]


def test_graph_text_under_11_px_fails(report: dict[str, str]):
    assert "graph texts under 11 px" in report["shrunk"]


def test_a_blank_widget_fails(report: dict[str, str]):
    assert "1 widget outputs that need a widget manager: blank" in report["widget"]
    assert "1 step players whose script did not start" in report["stuck"]
    assert "a script error: no" in report["stuck"]


def test_the_check_runs_where_make_docs_runs_it():
    makefile = (ROOT / "Makefile").read_text()
    docs = makefile[makefile.index("\ndocs:") :].split("\n\n")[0]
    assert "scripts/check_pages.py build/site" in docs and "chromium-check" in docs
    assert "make docs" in (ROOT / ".ci" / "run").read_text()
