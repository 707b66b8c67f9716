"""Tests for the ``micrograd-like`` command: the real program, run in a subprocess.

Each test runs ``python -m micrograd_like ...`` in a fresh folder and checks what a user
sees: the exit code, the files written, the numbers printed, and that every error is
one line on stderr (never a traceback). A few checks of the expression parser run
in-process, where they are cheap.
"""

from __future__ import annotations

import ast
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_like.cli import main
from micrograd_like.expression import ExpressionError, evaluate_expression
from micrograd_like.serialize import load

ROOT = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m micrograd_like *args`` in ``cwd``; output captured as text."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-m", "micrograd_like", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int = 2) -> str:
    """The command failed with ``code`` and said why in exactly one line, no traceback."""
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("micrograd-like") and ": error: " in lines[0]
    return lines[0]


def field(stdout: str, name: str) -> str:
    """The value printed after ``name`` at the start of a line (``output   0.25``)."""
    for line in stdout.splitlines():
        if line.startswith(name + " "):
            return line[len(name) :].strip()
    raise AssertionError(f"no line starting with {name!r} in:\n{stdout}")


def is_png(path: Path) -> bool:
    return path.read_bytes()[:8] == PNG


# --------------------------------------------------------------------------------------
# demo
# --------------------------------------------------------------------------------------


@needs_dot
def test_demo_trains_the_moons_and_writes_four_pictures(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    result = run(tmp_path, "demo", "--out", "pictures")
    assert result.returncode == 0, result.stderr
    # the engine's worked example comes first: micrograd's README numbers
    assert "g.data = 24.70408163265306" in result.stdout
    assert "accuracy 100.0%" in result.stdout  # micrograd's demo reaches 100% on moons
    for name in ("decision_boundary.png", "loss.png", "network.png", "neuron_graph.png"):
        path = tmp_path / "pictures" / name
        assert is_png(path), name
        assert str(Path("pictures") / name) in result.stdout  # it says where the files went


# --------------------------------------------------------------------------------------
# train, then predict
# --------------------------------------------------------------------------------------


def test_train_moons_saves_a_model_whose_predictions_predict_prints(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    result = run(tmp_path, "train", "--epochs", "5", "--save", "m.json", "--out", "plots")
    assert result.returncode == 0, result.stderr
    assert field(result.stdout, "dataset").startswith("moons")
    assert "MLP(2 -> [16 relu, 16 relu, 1 linear], 337 parameters)" in result.stdout
    assert "validation loss" in field(result.stdout, "final")
    assert is_png(tmp_path / "plots" / "decision_boundary.png")
    assert is_png(tmp_path / "plots" / "loss.png")

    shown = run(tmp_path, "predict", "--model", "m.json", "--loss", "hinge", "0.5", "-0.25")
    assert shown.returncode == 0, shown.stderr
    model = load(tmp_path / "m.json")
    score = model([0.5, -0.25]).data
    assert float(field(shown.stdout, "output")) == score  # printed with repr: exact
    assert int(field(shown.stdout, "class")) == (1 if score > 0 else -1)  # hinge: the sign


def test_train_spiral_softmax_model_predicts_the_argmax_class(tmp_path: Path) -> None:
    result = run(
        tmp_path, "train", "--dataset", "spiral", "--samples", "60", "--epochs", "2",
        "--no-plots", "--save", "s.json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "3 softmax" in field(result.stdout, "model")
    assert "cross_entropy" in field(result.stdout, "training")
    assert not (tmp_path / "train-output").exists()  # --no-plots

    shown = run(tmp_path, "predict", "--model", "s.json", "--", "0.1", "-0.4")
    assert shown.returncode == 0, shown.stderr
    probs = [v.data for v in load(tmp_path / "s.json")([0.1, -0.4])]
    printed = ast.literal_eval(field(shown.stdout, "outputs"))
    assert printed == probs and math.isclose(sum(printed), 1.0)
    assert int(field(shown.stdout, "class")) == probs.index(max(probs))


def test_train_line_fits_a_line_and_plots_the_regression(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    result = run(tmp_path, "train", "--dataset", "line", "--out", "out")
    assert result.returncode == 0, result.stderr
    # one linear neuron on y = 3x - 1 + noise learns w close to 3 and b close to -1
    learned = field(result.stdout, "learned")
    w = float(learned.split("=")[1].split("x")[0])
    assert abs(w - 3.0) < 0.2
    assert "accuracy" not in field(result.stdout, "final")  # regression has no accuracy
    assert is_png(tmp_path / "out" / "regression.png")
    assert is_png(tmp_path / "out" / "loss.png")


def test_a_learning_rate_that_diverges_exits_1_with_one_line(tmp_path: Path) -> None:
    # mse on a line with lr 10: each step multiplies the error by about 1 - 2*10/3, so
    # the loss grows without bound until it is inf
    result = run(tmp_path, "train", "--dataset", "line", "--lr", "10", "--epochs", "400",
                 "--no-plots")  # fmt: skip
    line = assert_one_line_error(result, code=1)
    assert "diverged" in line


@pytest.mark.parametrize(
    "args, says",
    [
        (["--dataset", "spiral", "--loss", "hinge"], "two classes"),
        (["--dataset", "line", "--loss", "hinge"], "regression"),
        (["--optimizer", "adam", "--momentum", "0.9"], "momentum"),
        (["--output-activation", "softmax"], "softmax"),
        (["--hidden", "16,x"], "--hidden"),
        (["--epochs", "0"], "--epochs"),
        (["--dataset", "nope"], "invalid choice"),
        (["--save", "no/such/folder/m.json"], "does not exist"),
    ],
)
def test_bad_train_arguments_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    # in-process through main(): the same code path as the console script, minus startup
    code = main(["train", "--no-plots", *args])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and says in err


@pytest.mark.slow
def test_train_digits(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    result = run(tmp_path, "train", "--dataset", "digits", "--samples", "200", "--epochs", "1",
                 "--no-plots")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "MLP(64 -> [32 relu, 10 softmax]" in result.stdout


def test_train_prints_the_loss_that_runs(tmp_path: Path) -> None:
    # --loss bce on a tanh output trains with the logits form (a tanh output is no
    # probability), and the "training" line must say so
    result = run(
        tmp_path, "train", "--loss", "bce", "--output-activation", "tanh", "--epochs", "1",
        "--samples", "20", "--no-plots",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    training = field(result.stdout, "training")
    assert training.startswith("binary_cross_entropy_with_logits loss"), training
    assert "(--loss bce with a tanh output runs as binary_cross_entropy_with_logits)" in (
        result.stdout
    )
    # when the loss runs as asked, there is no note
    plain = run(tmp_path, "train", "--loss", "bce", "--epochs", "1", "--samples", "20",
                "--no-plots")  # fmt: skip
    assert field(plain.stdout, "training").startswith("binary_cross_entropy loss")
    assert "runs as" not in plain.stdout


def test_train_refuses_a_symlinked_save_path_before_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # save() refuses to write through a link; the CLI says so before it trains, not after
    (tmp_path / "m.json").symlink_to(tmp_path / "elsewhere.json")
    code = main(["train", "--no-plots", "--save", str(tmp_path / "m.json")])
    out, err = capsys.readouterr()
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "m.json: it is a symbolic link" in err
    assert "final" not in out  # it did not train first
    assert not (tmp_path / "elsewhere.json").exists()


def test_train_offers_every_dataset_of_the_library() -> None:
    # the command's defaults are keyed by data.DATASETS: a new dataset needs its defaults
    from micrograd_like.cli.train import TRAINING_DEFAULTS
    from micrograd_like.data import DATASETS

    assert list(TRAINING_DEFAULTS) == list(DATASETS)


# --------------------------------------------------------------------------------------
# predict: errors
# --------------------------------------------------------------------------------------


def test_a_corrupt_model_file_exits_2_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"format": "micrograd_like.mlp", "vers')
    line = assert_one_line_error(run(tmp_path, "predict", "--model", "bad.json", "1", "2"))
    assert "bad.json" in line and "JSON" in line


def test_predict_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["predict", "--model", str(tmp_path / "missing.json"), "1"]) == 2
    assert "No such file" in capsys.readouterr().err
    (tmp_path / "list.json").write_text("[1, 2]")
    assert main(["predict", "--model", str(tmp_path / "list.json"), "1"]) == 2
    assert "not a micrograd_like model file" in capsys.readouterr().err
    assert main(["predict", "--model", "m.json", "1", "nan"]) == 2
    assert "finite" in capsys.readouterr().err


# --------------------------------------------------------------------------------------
# graph
# --------------------------------------------------------------------------------------


@needs_dot
def test_graph_of_a_neuron_prints_value_and_gradients(tmp_path: Path) -> None:
    result = run(tmp_path, "graph", "tanh(a*b + c)", "a=2", "b=-3", "c=10", "-o", "graph.png")
    assert result.returncode == 0, result.stderr
    assert is_png(tmp_path / "graph.png")
    # out = tanh(2*(-3) + 10) = tanh(4); d out/dz = 1 - tanh(4)**2 with z = ab + c, so
    # d/da = b (1 - t**2) = -3 (1 - t**2), d/db = a (1 - t**2) = 2 (1 - t**2), d/dc = 1 - t**2
    t = math.tanh(4.0)
    local = 1.0 - t * t
    printed = dict(
        line.strip().split(" = ") for line in result.stdout.splitlines() if " = " in line
    )
    assert float(printed["tanh(a*b + c)"]) == pytest.approx(t, rel=1e-15)
    assert float(printed["d(out)/d(a)"]) == pytest.approx(-3.0 * local, rel=1e-12)
    assert float(printed["d(out)/d(b)"]) == pytest.approx(2.0 * local, rel=1e-12)
    assert float(printed["d(out)/d(c)"]) == pytest.approx(local, rel=1e-12)


def test_graph_writes_dot_source_without_graphviz(tmp_path: Path) -> None:
    # .dot needs no `dot` binary: the DOT text itself, every input labelled by its name
    result = run(tmp_path, "graph", "a*b + a", "a=2", "b=-3", "-o", "g.dot", "--local-grads")
    assert result.returncode == 0, result.stderr
    source = (tmp_path / "g.dot").read_text()
    assert source.startswith("digraph") and "{ a | data 2 |" in source
    # c = ab + a: dc/da = b + 1 = -2, dc/db = a = 2
    assert "d(out)/d(a) = -2.0" in result.stdout and "d(out)/d(b) = 2.0" in result.stdout


def test_graph_draws_a_division_by_a_tiny_number(tmp_path: Path) -> None:
    # out = a / 1e-160 = 1e160 at a = 1, d(out)/d(a) = 1e160: large but finite, drawn
    result = run(tmp_path, "graph", "a/1e-160", "a=1", "-o", "g.dot")
    assert result.returncode == 0, result.stderr
    assert "data 1e+160" in (tmp_path / "g.dot").read_text()


MALICIOUS = [
    "__import__('os').system('touch pwned')",
    "a.__class__",
    "(lambda: 1)()",
    "[a][0]",
    "'s'",
    "open('f')",
]


@pytest.mark.parametrize("expression", MALICIOUS)
def test_graph_refuses_anything_but_arithmetic(tmp_path: Path, expression: str) -> None:
    result = run(tmp_path, "graph", expression, "a=1", "-o", "g.dot")
    assert_one_line_error(result)
    assert not (tmp_path / "g.dot").exists()
    assert not (tmp_path / "pwned").exists()  # nothing was executed


@pytest.mark.parametrize(
    "args, says",
    [
        (["a*b", "a=2"], "unknown name 'b'"),  # b has no value
        (["a*b", "a=2", "b="], "b= has no value"),
        (["a*b", "a=2", "b"], "NAME=NUMBER"),
        (["a*b", "a=2", "b=x"], "must be a number"),
        (["a*", "a=2"], "invalid expression"),
        (["tanh(a, a)", "a=2"], "takes 1 argument"),
        (["1/(a-a)", "a=2"], "division by zero"),
        (["log(-a)", "a=2"], "log of a non-positive number"),
        (["a", "a=1", "a=2"], "given twice"),
    ],
)
def test_graph_input_errors_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    code = main(["graph", *args, "-o", str(tmp_path / "g.dot")])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and says in err, err
    assert not (tmp_path / "g.dot").exists()


def test_a_leading_minus_goes_after_double_dash(tmp_path: Path) -> None:
    refused = run(tmp_path, "graph", "-a*b", "a=1", "b=2", "-o", "g.dot")
    assert "'--'" in assert_one_line_error(refused)  # the error says how
    result = run(tmp_path, "graph", "-o", "g.dot", "--", "-a*b", "a=1", "b=2")
    assert result.returncode == 0 and "-a*b = -2.0" in result.stdout


def test_expression_evaluator_builds_the_same_graph_as_python() -> None:
    # out = a*b + c**2 / a - exp(0) = -6 + 25/2 - 1 = 5.5
    # d/da = b - c**2/a**2 = -3 - 25/4; d/db = a = 2; d/dc = 2c/a = 5
    out, inputs = evaluate_expression("a*b + c**2 / a - exp(0)", {"a": 2, "b": -3, "c": 5})
    out.backward()
    assert out.data == pytest.approx(5.5)
    grads = {name: v.grad for name, v in inputs.items()}
    assert grads == pytest.approx({"a": -3.0 - 25.0 / 4.0, "b": 2.0, "c": 5.0})


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab()+-*/.,_'[]:=0123456789 tanhexplogrelu", max_size=30))
def test_any_text_is_a_value_or_a_command_error(text: str) -> None:
    # whatever is typed, the evaluator answers with a Value or an ExpressionError (one line
    # for the user): never another exception, never running anything
    try:
        out, _ = evaluate_expression(text, {"a": 0.5, "b": -2.0})
    except ExpressionError as error:
        assert "\n" not in str(error)
    else:
        assert math.isfinite(out.data)


# --------------------------------------------------------------------------------------
# --help
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["demo"], ["train"], ["predict"], ["graph"]])
def test_every_command_has_help_with_an_example(tmp_path: Path, command: list[str]) -> None:
    result = run(tmp_path, *command, "--help")
    assert result.returncode == 0 and result.stderr == ""
    assert "example" in result.stdout and "micrograd-like " in result.stdout


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "COMMAND" in err
