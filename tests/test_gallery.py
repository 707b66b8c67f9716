"""Tests for micrograd_like.gallery, what ``make pictures`` runs."""

from __future__ import annotations

import shutil

import pytest

from micrograd_like.gallery import write_pictures

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")
def test_the_gallery_writes_every_kind_of_picture_and_an_index(tmp_path):
    pytest.importorskip("matplotlib")
    files = write_pictures(tmp_path, demo=True)
    names = {p.relative_to(tmp_path).as_posix() for p in files}
    for kind in (
        "readme_expression.png", "readme_expression_compact.png", "first_picture_step3.png",
        "neuron_fine.png", "collapse_neuron.png", "network_moons_heatmaps.png",
        "decision_boundary_moons.png", "history_moons.png", "regression_line.png",
        "readme_expression_explain.txt", "demo/neuron_graph.png", "index.html",
        "first_picture_steps.html", "first_picture_steps.gif",
    ):  # fmt: skip
        assert kind in names
    for path in files:
        if path.suffix == ".png":
            assert path.read_bytes().startswith(PNG), path
    index = (tmp_path / "index.html").read_text()
    assert index.count("<img ") == sum(p.suffix in (".png", ".gif") for p in files)
    assert "max-width" not in index  # every picture at its own size
    assert "<iframe src='first_picture_steps.html'" in index
