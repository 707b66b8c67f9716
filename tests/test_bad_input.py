"""A catalogue of bad input: every public entry point, given something wrong.

Each row of :data:`CASES` (in tests/bad_input_cases.py) is ``(id, call, error, pattern)``: ``call(tmp)`` must raise
exactly ``error`` (TypeError for a wrong type, ValueError for a bad value, and so on), and
``pattern`` must appear in the message, naming the argument that is wrong. A learner who
passes ``lr=-1`` must read "lr must be > 0", not a traceback from deep inside the library.

The house rules this checks, everywhere:

* a wrong type (``str``, ``None``, ``list``, ``dict``, ``complex``) is a TypeError;
* ``bool`` is never accepted where a number is meant (TypeError): ``True`` is almost
  always a mistake for ``1`` here;
* NaN and inf as data are refused with ValueError, and so are empty lists, wrong widths,
  labels out of range, sizes <= 0, unknown names, lr <= 0, betas outside [0, 1), ...;
* nothing ever surfaces as AttributeError, IndexError or KeyError (a LookupError).

The command line is checked the same way in :data:`CLI_CASES`: exit code 2 and ONE line on
stderr, ``micrograd-like: error: ...``, never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from bad_input_cases import (
    ALLOWED,
    CASES,
    FORBIDDEN,
    Call,
    Case,
    fit_quietly,
    mlp,
    model_json,
    product,
    ps,
)

from micrograd_like import (
    cli,
    data,
    engine,
    functional,
    gradcheck,
    higher_order,
    losses,
    nn,
    optim,
    serialize,
    train,
    viz,
)
from micrograd_like.engine import Value
from micrograd_like.nn import MLP, Neuron
from micrograd_like.viz import steps as viz_steps


def _params(cases: list[Case]) -> list[object]:
    return [pytest.param(call, error, pattern, id=name) for name, call, error, pattern in cases]


def _raised(call: Call, tmp: Path) -> BaseException | None:
    try:
        call(tmp)
    except Exception as exc:  # noqa: BLE001 - the point is to look at whatever it is
        return exc
    return None


# --------------------------------------------------------------------------------------
# The tests over the catalogue
# --------------------------------------------------------------------------------------


def test_the_catalogue_is_large_and_its_ids_are_unique() -> None:
    names = [name for name, *_ in CASES]
    assert len(names) >= 60
    assert len(set(names)) == len(names), [n for n in names if names.count(n) > 1]


def test_every_case_expects_an_allowed_exception_type() -> None:
    # bad input is a TypeError or ValueError (or the arithmetic / file errors Python uses)
    for name, _, error, _ in CASES:
        assert issubclass(error, ALLOWED) and not issubclass(error, FORBIDDEN), name


@pytest.mark.parametrize(("call", "error", "pattern"), _params(CASES))
def test_bad_input_raises_the_right_error_naming_the_argument(
    tmp_path: Path, call: Call, error: type[BaseException], pattern: str
) -> None:
    exc = _raised(call, tmp_path)
    assert exc is not None, f"no error was raised; expected {error.__name__} matching {pattern!r}"
    assert type(exc) is error or (error is FileNotFoundError and isinstance(exc, error)), (
        f"expected {error.__name__}, got {type(exc).__name__}: {exc}"
    )
    assert re.search(pattern, str(exc)), f"{pattern!r} not found in the message: {exc}"
    assert "\n" not in str(exc).strip(), "an error message is one line"


@pytest.mark.parametrize(("call", "error", "pattern"), _params(CASES))
def test_no_case_surfaces_an_internal_lookup_or_attribute_error(
    tmp_path: Path, call: Call, error: type[BaseException], pattern: str
) -> None:
    # AttributeError, IndexError and KeyError mean bad input got past the checks and
    # broke something inside; a learner must never see one.
    exc = _raised(call, tmp_path)
    assert not isinstance(exc, FORBIDDEN), f"{type(exc).__name__} escaped: {exc}"


def test_bool_is_refused_wherever_a_number_is_meant() -> None:
    # one probe per kind of entry point: a bool is a TypeError that says "bool"
    probes: list[Callable[[], object]] = [
        lambda: Value(False),
        lambda: Value(1.0) * True,
        lambda: Neuron(2, seed=0)([1.0, True]),
        lambda: MLP(True, [1]),
        lambda: losses.mse(Value(1.0), False),
        lambda: losses.cross_entropy([1.0, 2.0], False),
        lambda: losses.hinge(Value(1.0), True),
        lambda: optim.SGD(ps(), lr=True),
        lambda: optim.Adam(ps(), betas=(0.9, True)),
        lambda: optim.LinearDecay(1.0, 0.1, True),
        lambda: data.make_moons(True),
        lambda: data.make_blobs(10, cluster_std=False),
        lambda: data.one_hot([True]),
        lambda: viz.draw_dot(product(), precision=True),
        lambda: higher_order.grad(lambda x: x)(False),
        lambda: gradcheck.numerical_grad(lambda x: x, [True]),
        lambda: fit_quietly(epochs=True),
        lambda: fit_quietly(X=[[0.0, 1.0], [1.0, 0.0], [0.0, False], [1.0, 1.0]]),
        lambda: mlp().load_state_dict({**mlp().state_dict(), "layers.1.neurons.0.b": True}),
    ]
    for i, probe in enumerate(probes):
        with pytest.raises(TypeError, match="bool") as info:
            probe()
        assert type(info.value) is TypeError, (i, info.value)


def test_library_exception_classes_are_not_lookup_or_attribute_errors() -> None:
    # a library error that subclassed KeyError (say) would slip past "except ValueError"
    # and look like an internal bug; each must be a kind of error the user can expect
    modules = [cli, data, engine, functional, gradcheck, higher_order, losses, nn, optim]
    modules += [serialize, viz_steps, train, viz]
    found = []
    for module in modules:
        for name in dir(module):
            obj = getattr(module, name)
            if (
                isinstance(obj, type)
                and issubclass(obj, BaseException)
                and obj.__module__ == module.__name__
            ):
                found.append(obj)
                assert not issubclass(obj, FORBIDDEN), f"{module.__name__}.{name}"
    assert found  # CommandError, TrainingDiverged, AnomalyError, ...


# --------------------------------------------------------------------------------------
# The command line: exit code 2, one line, "micrograd-like: error: ...", no traceback
# --------------------------------------------------------------------------------------

CLI_CASES: list[tuple[str, list[str], str]] = [
    # argument checks made by the parser
    ("train-lr-negative", ["train", "--lr", "-1"], r"--lr"),
    ("train-lr-nan", ["train", "--lr", "nan"], r"--lr.*finite"),
    ("train-epochs-zero", ["train", "--epochs", "0"], r"--epochs"),
    ("train-batch-size-zero", ["train", "--batch-size", "0"], r"--batch-size"),
    ("train-hidden-zero", ["train", "--hidden", "16,0"], r"--hidden"),
    ("train-activation-unknown", ["train", "--activation", "gelu"], r"--activation.*gelu"),
    ("train-loss-unknown", ["train", "--loss", "l1"], r"--loss.*l1"),
    ("train-val-fraction-one", ["train", "--val-fraction", "1"], r"--val-fraction"),
    ("train-momentum-negative", ["train", "--momentum", "-0.5"], r"--momentum"),
    ("predict-input-inf", ["predict", "--model", "{tmp}/model.json", "1", "inf"], r"finite"),
    ("predict-without-model", ["predict", "1", "2"], r"--model"),
    ("unknown-command", ["fly"], r"'fly'"),
    # checks made while running the command
    ("train-one-sample", ["train", "--samples", "1"], r"--samples 1"),
    ("train-hinge-on-three-classes", ["train", "--dataset", "blobs", "--loss", "hinge"], r"--loss hinge"),
    ("train-regression-with-cross-entropy", ["train", "--dataset", "line", "--loss", "cross_entropy"], r"--loss mse"),
    ("train-save-into-missing-folder", ["train", "--save", "{tmp}/no/such/m.json"], r"--save"),
    ("predict-missing-file", ["predict", "--model", "{tmp}/missing.json", "1"], r"missing\.json"),
    ("predict-a-list-file", ["predict", "--model", "{tmp}/list.json", "1"], r"list\.json: not a micrograd_like model file"),
    ("predict-truncated-file", ["predict", "--model", "{tmp}/trunc.json", "1"], r"trunc\.json: .*truncated"),
    ("predict-wrong-width", ["predict", "--model", "{tmp}/model.json", "1", "2", "3"], r"takes 2 inputs, got 3"),
    ("graph-value-nan", ["graph", "a*b", "a=2", "b=nan", "-o", "{tmp}/g.dot"], r"value of b"),
    ("graph-exp-overflow", ["graph", "exp(a)", "a=1000", "-o", "{tmp}/g.dot"], r"exp\(1000\.0\)"),
    ("graph-output-extension", ["graph", "a", "a=1", "-o", "{tmp}/g.jpg"], r"-o .*g\.jpg"),
    ("demo-out-is-a-file", ["demo", "--out", "{tmp}/model.json"], r"--out"),
]  # fmt: skip


@pytest.fixture
def cli_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A model file, a list file and a truncated file; the command runs in tmp_path."""
    serialize.save(MLP(2, [3, 1], seed=0), tmp_path / "model.json")
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "trunc.json").write_text(model_json()[:50], encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # nothing is ever written next to the tests
    return tmp_path


@pytest.mark.parametrize(
    ("argv", "pattern"), [pytest.param(argv, p, id=name) for name, argv, p in CLI_CASES]
)
def test_cli_bad_input_is_one_line_and_exit_code_2(
    cli_files: Path, capsys: pytest.CaptureFixture[str], argv: list[str], pattern: str
) -> None:
    args = [a.replace("{tmp}", str(cli_files)) for a in argv]
    if args[0] == "train":
        args.append("--no-plots")
    code = cli.main(args)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("micrograd-like: error: "), lines[0]
    assert re.search(pattern, lines[0]), f"{pattern!r} not in {lines[0]!r}"
