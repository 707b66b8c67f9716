"""Saving and loading stay safe when things go wrong (beyond tests/test_persistence.py).

* an interrupted save - an error or Ctrl-C at any point of the write - never destroys the
  previous file and never leaves a temporary file behind;
* ``load`` refuses, with a ValueError naming the file, every kind of broken file: cut
  short anywhere, another JSON type, junk nested as deep as you like, an absurd
  architecture (refused at once, before anything is allocated), non-finite numbers
  written as strings; it never builds a model from such a file;
* ``load_state_dict`` leaves the model (and an optimizer its state) exactly as it was on
  every error, to the last bit.
"""

from __future__ import annotations

import errno
import json
import math
import os
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bounds import line_budget
from documents import document, small_model

from micrograd_like import safe_files, serialize
from micrograd_like.engine import Value
from micrograd_like.nn import MLP
from micrograd_like.optim import SGD, Adam, Optimizer
from micrograd_like.serialize import MAX_PARAMETERS, load, save


def refused(path: Path) -> str:
    """load(path) must raise ValueError naming the file, in one line; its message."""
    with pytest.raises(ValueError) as info:
        load(path)
    message = str(info.value)
    assert path.name in message, message
    assert "\n" not in message
    return message


# --------------------------------------------------------------------------------------
# An interrupted save never destroys the previous file
# --------------------------------------------------------------------------------------


def disk_full() -> BaseException:
    return OSError(errno.ENOSPC, "No space left on device")


class CutShortFile:
    """A text file that accepts ``limit`` characters, then fails like a full disk would."""

    def __init__(self, real: Any, limit: int, error: BaseException) -> None:
        self.real, self.limit, self.error, self.written = real, limit, error, 0

    def write(self, text: str) -> int:
        room = self.limit - self.written
        if len(text) > room:
            self.real.write(text[:room])
            self.real.flush()  # the first bytes really reach the temp file
            raise self.error
        self.written += len(text)
        return int(self.real.write(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def __enter__(self) -> CutShortFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.real.close()


POINTS = ["os.open", "os.fdopen", "json.dump", "write", "os.fsync", "os.replace"]
ERRORS: dict[str, Callable[[], BaseException]] = {
    "OSError": disk_full,
    "KeyboardInterrupt": KeyboardInterrupt,
    "MemoryError": MemoryError,
}
# tests/test_persistence.py already checks these three with an OSError
ALREADY_COVERED = {("json.dump", "OSError"), ("os.fsync", "OSError"), ("os.replace", "OSError")}


def break_save_at(monkeypatch: pytest.MonkeyPatch, point: str, error: BaseException) -> None:
    """Make save() fail at ``point`` with ``error`` (after writing some bytes, if it writes)."""
    if point == "json.dump":

        def half_dump(obj: Any, fp: Any, **kw: Any) -> None:
            fp.write(json.dumps(obj)[:40])
            raise error

        monkeypatch.setattr(serialize.json, "dump", half_dump)
    elif point == "write":
        real_fdopen = os.fdopen

        def cut_short(fd: int, *args: Any, **kw: Any) -> CutShortFile:
            return CutShortFile(real_fdopen(fd, *args, **kw), 100, error)

        monkeypatch.setattr(safe_files.os, "fdopen", cut_short)
    else:

        def fail(*args: Any, **kw: Any) -> None:
            raise error

        monkeypatch.setattr(safe_files.os, point.split(".")[1], fail)


@pytest.mark.parametrize(
    ("point", "kind"),
    [(p, k) for p in POINTS for k in ERRORS if (p, k) not in ALREADY_COVERED],
)
def test_a_save_interrupted_anywhere_keeps_the_old_file_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, point: str, kind: str
) -> None:
    path = tmp_path / "model.json"
    old = MLP(2, [1], seed=0)
    save(old, path)
    before = path.read_bytes()
    error = ERRORS[kind]()
    break_save_at(monkeypatch, point, error)
    with pytest.raises(type(error)) as info:
        save(small_model(), path)
    monkeypatch.undo()
    assert info.value is error  # passed on as it was, not wrapped or swallowed
    assert path.read_bytes() == before  # the old model, byte for byte
    assert os.listdir(tmp_path) == ["model.json"]  # no .tmp file left behind
    assert load(path).state_dict() == old.state_dict()


def test_an_interrupt_right_after_the_rename_leaves_the_new_complete_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ctrl-C lands after os.replace has done its work: the new file is complete, and the
    # clean-up must not trip over the temp file that the rename already consumed
    path = tmp_path / "model.json"
    save(MLP(2, [1], seed=0), path)
    real_replace = os.replace

    def replace_then_interrupt(src: str, dst: str) -> None:
        real_replace(src, dst)
        raise KeyboardInterrupt

    monkeypatch.setattr(safe_files.os, "replace", replace_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        save(small_model(), path)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["model.json"]
    assert load(path).state_dict() == small_model().state_dict()


def test_the_temp_file_is_a_fresh_hidden_file_next_to_the_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a rename is atomic only within one file system: the temp file must sit in the
    # target's own folder; a fresh name each time means two saves never share one
    renames: list[tuple[Path, Path]] = []
    real_replace = os.replace

    def recording_replace(src: str, dst: str) -> None:
        renames.append((Path(src), Path(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(safe_files.os, "replace", recording_replace)
    path = tmp_path / "model.json"
    save(small_model(), path)
    save(small_model(1), path)
    monkeypatch.undo()
    assert [dst for _, dst in renames] == [path, path]
    (first, _), (second, _) = renames
    for tmp in (first, second):
        assert tmp.parent == tmp_path
        assert tmp.name.startswith(".model.json.") and tmp.name.endswith(".tmp")
    assert first != second
    assert os.listdir(tmp_path) == ["model.json"]


@pytest.mark.parametrize("problem", ["nan parameter", "inf parameter", "changed layer"])
def test_a_model_that_cannot_be_saved_leaves_the_old_file_alone(
    tmp_path: Path, problem: str
) -> None:
    path = tmp_path / "model.json"
    save(MLP(2, [1], seed=0), path)
    before = path.read_bytes()
    model = small_model()
    if problem == "nan parameter":
        model.layers[0].neurons[0].w[0].data = math.nan
    elif problem == "inf parameter":
        model.layers[1].neurons[1].b.data = -math.inf
    else:
        model.layers[1].neurons.pop()
    with pytest.raises(ValueError):
        save(model, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.json"]


# --------------------------------------------------------------------------------------
# load: broken files of every kind are refused, by name, before anything is built
# --------------------------------------------------------------------------------------


def test_a_file_cut_short_at_any_byte_is_refused(tmp_path: Path, no_build: None) -> None:
    # a save cut short (by a crash of a non-atomic writer, a full disk, a bad copy): every
    # prefix of a real file, from empty to all but the last character, is refused
    text = json.dumps(document(), indent=1)  # as save() writes it
    path = tmp_path / "cut.json"
    for cut in range(len(text)):
        path.write_text(text[:cut], encoding="utf-8")
        message = refused(path)
        assert ("empty" if cut == 0 else "not valid JSON") in message, (cut, message)


def test_a_file_cut_inside_a_utf8_character_is_refused(tmp_path: Path, no_build: None) -> None:
    text = json.dumps({**document(), "note": "modèle"}, ensure_ascii=False)
    raw = text.encode("utf-8")
    cut = raw.index("è".encode()) + 1  # between the two bytes of è
    path = tmp_path / "model.json"
    path.write_bytes(raw[:cut])
    assert "UTF-8" in refused(path)


@pytest.mark.parametrize(
    "content",
    ["null", "true", "false", "0", "-1.5", '"micrograd_like.mlp"', "[]", "[{}]", "{}"],
)
def test_a_json_document_of_another_type_is_not_a_model_file(
    tmp_path: Path, no_build: None, content: str
) -> None:
    path = tmp_path / "model.json"
    path.write_text(content, encoding="utf-8")
    assert "not a micrograd_like model file" in refused(path)


NAME = "layers.1.neurons.0.w.2"


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("format", ["micrograd_like.mlp"]),
        ("version", 1.0),
        ("version", [1]),
        ("architecture", None),
        ("architecture/nin", "2"),
        ("architecture/nin", [2]),
        ("architecture/nouts", {"0": 3, "1": 2}),
        ("architecture/nouts", [[3], 2]),
        ("architecture/nouts", [3, None]),
        ("architecture/activation", ["tanh"]),
        ("architecture/activation", None),
        ("architecture/output_activation", {"sigmoid": True}),
        ("parameters", None),
        ("parameters", "layers"),
        (f"parameters/{NAME}", [0.5]),
        (f"parameters/{NAME}", {"value": 0.5}),
    ],
)
def test_a_field_of_the_wrong_json_type_is_refused(
    tmp_path: Path, no_build: None, where: str, value: Any
) -> None:
    doc = document()
    *parents, last = where.split("/")
    target = doc
    for key in parents:
        target = target[key]
    target[last] = value
    path = tmp_path / "model.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    refused(path)


FIELDS = [
    "format",
    "version",
    "architecture",
    "architecture/nin",
    "architecture/nouts",
    "architecture/activation",
    "parameters",
    f"parameters/{NAME}",
]


def nested(shape: str, depth: int) -> str:
    """Junk nested ``depth`` levels deep: [[[...0...]]] or {"a": {"a": ...0...}}."""
    if shape == "list":
        return "[" * depth + "0" + "]" * depth
    return '{"a": ' * depth + "0" + "}" * depth


def plant(where: str, junk: str) -> str:
    """A real model file with the value at ``where`` replaced by the text ``junk``."""
    doc = document()
    *parents, last = where.split("/")
    target = doc
    for key in parents:
        target = target[key]
    target[last] = "@JUNK@"
    return json.dumps(doc).replace('"@JUNK@"', junk)


@pytest.mark.parametrize("shape", ["list", "dict"])
def test_deeply_nested_junk_is_refused_anywhere_at_any_depth(
    tmp_path: Path, no_build: None, shape: str
) -> None:
    # far past the recursion limit (the parser gives up), and just around it, where the
    # parser succeeds but a repr() or a check walking the junk could still overflow
    limit = sys.getrecursionlimit()
    depths = [100_000, *range(limit - 150, limit + 20, 10)]
    path = tmp_path / "model.json"
    for depth in depths:
        path.write_text(nested(shape, depth), encoding="utf-8")
        refused(path)
        for where in FIELDS:
            path.write_text(plant(where, nested(shape, depth)), encoding="utf-8")
            refused(path)
    assert sys.getrecursionlimit() == limit


@pytest.mark.parametrize(
    ("nin", "nouts"),
    [
        pytest.param(2, [10**9], id="a-billion-neurons"),
        pytest.param(10**9, [1], id="a-billion-inputs"),
        pytest.param(2, [1, 10**9, 1], id="a-billion-in-the-middle"),
        pytest.param(10**100, [1], id="a-googol-inputs"),
        pytest.param(2, [1000] * 100_000, id="a-hundred-thousand-layers"),
        # a claim just under the limit, with no parameters listed: the count cannot
        # match, so there is no need to spell out ten million names to find that out
        pytest.param(1, [(MAX_PARAMETERS - 2) // 2], id="just-under-the-limit-no-parameters"),
    ],
)
def test_an_absurd_architecture_is_refused_at_once_without_allocating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_build: None, nin: int, nouts: list[int]
) -> None:
    # (the read buffer is capped here so that only the architecture check is measured;
    # see test_loading_a_small_file_allocates_little_memory for the read itself)
    monkeypatch.setattr(serialize, "MAX_FILE_BYTES", 1 << 20)
    doc = document()
    doc["architecture"]["nin"], doc["architecture"]["nouts"] = nin, nouts
    doc["parameters"] = {}
    path = tmp_path / "model.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    # "at once": the refusal runs about 200 lines of Python (300 for the 100,000 layers);
    # counting up to the claimed size, or spelling out its parameter names, would run
    # millions, and is stopped at the budget
    tracemalloc.start()
    try:
        with line_budget(100_000, "load() with a file it can refuse at once"):
            refused(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = path.stat().st_size
    assert peak < 20 * size + 5_000_000, f"load() allocated {peak} bytes for a {size}-byte file"


def test_loading_a_small_file_allocates_little_memory(tmp_path: Path) -> None:
    # reading "at most MAX_FILE_BYTES" must not set aside MAX_FILE_BYTES (1 GiB) first:
    # f.read(n) allocates a buffer of n bytes up front, whatever the file's size
    path = tmp_path / "model.json"
    save(small_model(), path)
    tracemalloc.start()
    try:
        load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000, f"load() of a {path.stat().st_size}-byte file allocated {peak} bytes"


@pytest.mark.parametrize("text", ["NaN", "nan", "Infinity", "-Infinity", "inf", "-inf", "1e999"])
def test_non_finite_numbers_written_as_strings_are_refused(
    tmp_path: Path, no_build: None, text: str
) -> None:
    doc = document()
    doc["parameters"][NAME] = text
    path = tmp_path / "model.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert f"parameter {NAME} must be a number, got {text!r}" in refused(path)


@pytest.mark.parametrize(
    ("where", "literal"),
    [
        ("architecture/nin", "NaN"),
        ("architecture/nin", "Infinity"),
        ("architecture/nin", "1e999"),  # json reads this as float inf
        ("architecture/nin", '"Infinity"'),
        ("architecture/nouts", "[3, -Infinity]"),
        ("version", "NaN"),
        (f"parameters/{NAME}", "1" + "0" * 400),  # an int too large for a float
        (f"parameters/{NAME}", "-1" + "0" * 400),
    ],
)
def test_non_finite_numbers_anywhere_else_are_refused(
    tmp_path: Path, no_build: None, where: str, literal: str
) -> None:
    path = tmp_path / "model.json"
    path.write_text(plant(where, literal), encoding="utf-8")
    refused(path)


# --------------------------------------------------------------------------------------
# load_state_dict: on any error, the model is exactly as it was
# --------------------------------------------------------------------------------------


def awkward_model() -> MLP:
    """A model whose parameters include -0.0 and the smallest subnormal, with grads set:
    "unchanged" is checked bit for bit, so a write of 0.0 over -0.0 would show."""
    model = small_model()
    params = model.parameters()
    params[0].data, params[1].data, params[-1].data = -0.0, 5e-324, -1.5
    for i, p in enumerate(params):
        p.grad = 0.25 * i
    return model


def fingerprint(model: MLP) -> list[tuple[str, int, str, float]]:
    """Each parameter's name, identity, exact bits and gradient."""
    return [(name, id(p), p.data.hex(), p.grad) for name, p in model.named_parameters()]


BAD_VALUES: dict[str, object] = {
    "nan": math.nan,
    "inf": math.inf,
    "-inf": -math.inf,
    "True": True,
    "False": False,
    "str": "0.5",
    "None": None,
    "complex": 0.5j,
    "huge-int": 10**400,
    "Value": Value(0.5),
    "list": [0.5],
    "dict": {"value": 0.5},
}


@pytest.mark.parametrize("position", ["first", "middle", "last"])
@pytest.mark.parametrize("bad", list(BAD_VALUES), ids=list(BAD_VALUES))
def test_load_state_dict_with_one_bad_value_changes_nothing(position: str, bad: str) -> None:
    model = awkward_model()
    before = fingerprint(model)
    x = [0.3, -0.7]
    out_before = [v.data for v in model(x)]  # type: ignore[union-attr]
    state = small_model(seed=1).state_dict()
    names = list(state)
    name = names[{"first": 0, "middle": len(names) // 2, "last": -1}[position]]
    state[name] = BAD_VALUES[bad]  # type: ignore[assignment]
    with pytest.raises((TypeError, ValueError)) as info:
        model.load_state_dict(state)
    assert repr(name) in str(info.value)  # the message names the entry
    assert fingerprint(model) == before
    assert [v.data for v in model(x)] == out_before  # type: ignore[union-attr]


def _missing(state: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in list(state.items())[:-1]}


@pytest.mark.parametrize(
    ("make_state", "strict", "error"),
    [
        pytest.param(lambda s: None, True, TypeError, id="None"),
        pytest.param(lambda s: list(s.items()), True, TypeError, id="list-of-pairs"),
        pytest.param(lambda s: "weights.json", True, TypeError, id="str"),
        pytest.param(lambda s: s, "yes", TypeError, id="strict-str"),
        pytest.param(lambda s: s, None, TypeError, id="strict-None"),
        pytest.param(lambda s: s, 1, TypeError, id="strict-int"),
        pytest.param(_missing, True, ValueError, id="a-missing-key"),
        pytest.param(lambda s: {**s, "layers.9.b": 1.0}, True, ValueError, id="an-extra-key"),
        pytest.param(lambda s: {**s, 7: 1.0}, True, ValueError, id="a-non-str-key"),
        pytest.param(lambda s: {}, True, ValueError, id="empty"),
        pytest.param(
            lambda s: {**_missing(s), "layers.0.neurons.0.b": math.nan},
            False,
            ValueError,
            id="non-strict-with-a-nan",
        ),
        pytest.param(
            lambda s: {"layers.0.neurons.0.b": 1.0, "layers.0.neurons.1.b": "1"},
            False,
            TypeError,
            id="non-strict-partial-with-a-str",
        ),
    ],
)
def test_load_state_dict_structural_errors_change_nothing(
    make_state: Callable[[dict[str, float]], Any], strict: Any, error: type[Exception]
) -> None:
    model = awkward_model()
    before = fingerprint(model)
    with pytest.raises(error):
        model.load_state_dict(make_state(small_model(seed=1).state_dict()), strict=strict)
    assert fingerprint(model) == before


def trained(opt_class: type[Optimizer], **kw: Any) -> tuple[Optimizer, list[Value]]:
    """An optimizer that has taken two steps, so it has running state to lose."""
    params = [Value(1.0), Value(-2.0), Value(0.5)]
    opt = opt_class(params, **kw)
    for g in ([0.5, -1.0, 2.0], [0.25, 0.5, -1.0]):
        for p, gi in zip(params, g):
            p.grad = gi
        opt.step()
    return opt, params


@pytest.mark.parametrize(
    ("opt_class", "kw", "edit"),
    [
        pytest.param(
            SGD,
            {"lr": 0.1, "momentum": 0.9},
            {"hyperparameters": {"lr": 0.5}, "state": {"momentum_buffer": [1.0]}},
            id="SGD-buffer-of-the-wrong-length",
        ),
        pytest.param(
            SGD,
            {"lr": 0.1, "momentum": 0.9},
            {"hyperparameters": {"lr": 0.5, "momentum": 0.5, "dampening": 0.1}},
            id="SGD-unknown-hyperparameter-last",
        ),
        pytest.param(
            SGD,
            {"lr": 0.1, "momentum": 0.9},
            {"hyperparameters": {"lr": 0.5}, "steps": -1},
            id="SGD-negative-steps",
        ),
        pytest.param(
            Adam,
            {"lr": 0.1},
            {"hyperparameters": {"lr": 0.5, "betas": (0.5, 1.5)}},
            id="Adam-beta-out-of-range",
        ),
        pytest.param(
            Adam,
            {"lr": 0.1},
            {
                "hyperparameters": {"lr": 0.5},
                "steps": 7,
                "state": {"exp_avg": [0.0, math.nan, 0.0]},
            },
            id="Adam-nan-in-a-buffer",
        ),
    ],
)
def test_optimizer_load_state_dict_errors_change_nothing(
    opt_class: type[Optimizer], kw: dict[str, Any], edit: dict[str, Any]
) -> None:
    opt, params = trained(opt_class, **kw)
    before = opt.state_dict()
    data = [p.data for p in params]
    state = {**opt.state_dict(), **edit}
    with pytest.raises((TypeError, ValueError)):
        opt.load_state_dict(state)
    assert opt.state_dict() == before, "a failed load_state_dict changed the optimizer"
    assert [p.data for p in params] == data
