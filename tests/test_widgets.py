"""Tests for micrograd_like.widgets without a browser: step_widget's steps and navigation
(the Playground's are in test_playground.py).

The worked example is micrograd's first picture (micrograd_like.examples.first_picture)::

    e = a * b = -6,  d = e + c = 4,  L = d * f = -8     (a=2, b=-3, c=10, f=-2)

Its backward pass has 3 steps, L then d then e, and ends at dL/da = 6, dL/db = -4.
The browser tests (tests/browser) drive the same widgets in JupyterLab.
"""

from __future__ import annotations

import io
import sys
import warnings

import pytest

from micrograd_like.engine import Value
from micrograd_like.examples import first_picture
from micrograd_like.nn import MLP
from micrograd_like.viz import HIGHLIGHT
from micrograd_like.viz.player import page_svg
from micrograd_like.viz.steps import StepGallery, explain
from micrograd_like.widgets import step_widget, stepper

pytest.importorskip("anywidget")
pytest.importorskip("ipywidgets")


def explain_steps(root: Value, **kw) -> list[str]:
    """explain()'s lines from its first step on, for comparing with the widget's words."""
    out = io.StringIO()
    explain(root, file=out, **kw)
    lines = out.getvalue().splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("step 1/"))
    return lines[first:]


# --------------------------------------------------------------------------------------
# step_widget
# --------------------------------------------------------------------------------------


def test_step_widget_shows_explains_words_and_a_picture_per_step():
    g = first_picture()
    expected = explain_steps(first_picture()["L"])
    w = step_widget(g["L"])
    assert len(w.steps) == len(w.texts) == len(w.svgs) == 3
    assert "\n".join(w.texts).splitlines() == expected
    assert [s.node for s in w.steps] == [g["L"], g["d"], g["e"]]
    assert w.texts[2].startswith("step 3/3: e = a * b")
    for svg in w.svgs:
        assert svg.startswith("<svg") and HIGHLIGHT in svg  # the step's node is outlined
    assert (g["a"].grad, g["b"].grad) == (6.0, -4.0)  # the backward pass ran, once


def test_step_widget_navigation_stays_inside_the_steps():
    w = step_widget(first_picture()["L"])
    assert w.step == 0 and w.current is w.steps[0]
    w.previous()  # at the first step: stays
    assert w.step == 0
    w.next()
    w.next()
    w.next()  # at the last step: stays
    assert w.step == 2 and w.current is w.steps[2]
    w.go(0)
    assert w.step == 0
    w.go(-1)
    assert w.step == 2
    w.step = 10  # what the browser sends is clamped too
    assert w.step == 2
    with pytest.raises(ValueError, match="index must be in -3..2"):
        w.go(3)
    with pytest.raises(TypeError, match="index must be an int"):
        w.go("1")
    assert "3 steps" in repr(w) and "step 3/3" in repr(w)


def test_a_long_walk_sends_each_picture_when_it_is_shown():
    # tanh applied PRERENDER + 6 times: as many steps, step k at node t(n + 1 - k)
    n = stepper.PRERENDER + 6
    y = Value(0.5, label="x")
    for k in range(1, n + 1):
        y = y.tanh()
        y.label = f"t{k}"
    w = step_widget(y)
    assert len(w.steps) == n and w.svgs == [""] * n
    assert w.drawn_step == 0 and HIGHLIGHT in w.drawn
    w.go(-1)
    assert w.drawn_step == n - 1 and w.current.node.label == "t1"
    assert w.drawn == page_svg(w.graphs[-1])  # the last step's picture


def test_step_widget_with_zero_grad_false_accumulates_exactly_one_backward():
    # y = x * x at x = 3: dy/dx = 6. After one backward() x.grad = 6; one more pass
    # without zeroing makes it 12 (the words are computed without a second pass)
    x = Value(3.0, label="x")
    y = x * x
    y.backward()
    step_widget(y, zero_grad=False)
    assert x.grad == 12.0


def test_step_widget_names_parameters_as_the_picture_does():
    model = MLP(2, [1], seed=0)
    out = model([1.0, 2.0])
    w = step_widget(out, model=model)
    words = "\n".join(w.texts)
    name = "L1.N1.w1"  # layer 1, neuron 1, weight 1: what draw_dot calls layers.0.neurons.0.w.0
    assert name in words and name in w.svgs[-1]


def test_step_widget_refuses_a_leaf_and_a_non_value():
    with pytest.raises(ValueError, match="leaf"):
        step_widget(Value(1.0))
    with pytest.raises(TypeError, match="expects a Value"):
        step_widget(3.0)


def test_without_anywidget_a_one_line_hint_and_the_gallery(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "anywidget", None)  # as if not installed
    stepper.step_widget_class.cache_clear()
    g = first_picture()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a hint, not a warning
            gallery = step_widget(g["L"])
    finally:
        stepper.step_widget_class.cache_clear()
    hint = capsys.readouterr().out
    assert hint.count("\n") == 1 and "micrograd-like[notebooks]" in hint
    assert isinstance(gallery, StepGallery) and len(gallery) == 3
    assert "backward step 2/3" in gallery[1].source
    assert "step 3/3: e = a * b" in repr(gallery)
    assert gallery._repr_html_().count("<hr>") == 2
    assert g["a"].grad == 6.0


def test_without_dot_the_widget_still_shows_the_words(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    w = step_widget(first_picture()["L"])
    assert all("dot program is missing" in svg for svg in w.svgs)
    assert w.texts[0].startswith("step 1/3")


def test_fit_svg_scales_a_graphviz_picture_to_its_box():
    svg = '<svg width="1456pt" height="334pt"\n viewBox="0.00 0.00 1456.00 334.00">'
    fitted = stepper.fit_svg(svg)
    assert fitted.startswith('<svg width="100%" style="max-width:1456pt;height:auto')
    assert 'height="334pt"' not in fitted and 'viewBox="0.00 0.00 1456.00 334.00"' in fitted
    assert stepper.fit_svg("<p>no picture</p>") == "<p>no picture</p>"
