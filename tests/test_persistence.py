"""Tests for micrograd_like.serialize: save and load an MLP as JSON, safely."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest
from documents import document, small_model

from micrograd_like import safe_files, serialize
from micrograd_like.engine import Value
from micrograd_like.nn import MLP
from micrograd_like.serialize import MAX_PARAMETERS, load, save


def write(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------------------


def test_save_then_load_is_bit_exact(tmp_path: Path) -> None:
    model = MLP(3, [5, 4, 1], activation="leaky_relu", output_activation="tanh", seed=1)
    # awkward floats: no short decimal form, the smallest subnormal, -0.0, a huge one
    awkward = [0.1 + 0.2, 5e-324, -0.0, 1.7976931348623157e308 / 3, math.pi]
    for p, value in zip(model.parameters(), awkward):
        p.data = value
    path = tmp_path / "model.json"
    save(model, path)
    copy = load(path)
    hexes = [p.data.hex() for p in model.parameters()]
    assert [p.data.hex() for p in copy.parameters()] == hexes  # -0.0 keeps its sign too
    assert (copy.nin, copy.nouts, copy.activation, copy.output_activation) == (
        3,
        [5, 4, 1],
        "leaky_relu",
        "tanh",
    )
    y1, y2 = model([0.1, 0.2, 0.3]), copy([0.1, 0.2, 0.3])
    assert isinstance(y1, Value) and isinstance(y2, Value) and y1.data == y2.data


def test_softmax_model_round_trip_and_str_paths(tmp_path: Path) -> None:
    model = MLP(4, [6, 3], output_activation="softmax", seed=2)
    path = str(tmp_path / "clf.json")
    save(model, path)
    copy = load(path)
    assert copy.output_activation == "softmax" and copy.state_dict() == model.state_dict()


def test_the_file_is_plain_json_in_the_documented_format(tmp_path: Path) -> None:
    model = small_model()
    path = tmp_path / "model.json"
    save(model, path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc == document(model)
    assert list(doc["parameters"]) == [name for name, _ in model.named_parameters()]


def test_save_replaces_an_existing_file_and_leaves_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    save(MLP(2, [1], seed=0), path)
    save(small_model(), path)
    assert load(path).state_dict() == small_model().state_dict()
    assert os.listdir(tmp_path) == ["model.json"]


def test_save_refuses_a_symlink_and_leaves_the_link_and_its_target_alone(
    tmp_path: Path,
) -> None:
    # (tests/test_file_safety.py has the planted-link attack and the dangling link)
    real = tmp_path / "real.json"
    link = tmp_path / "link.json"
    save(MLP(2, [1], seed=0), real)
    before = real.read_bytes()
    link.symlink_to(real)
    with pytest.raises(ValueError, match="link.json: it is a symbolic link"):
        save(small_model(), link)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_bytes() == before


# --------------------------------------------------------------------------------------
# save refuses, and fails safely
# --------------------------------------------------------------------------------------


def test_save_refuses_non_finite_parameters_and_writes_nothing(tmp_path: Path) -> None:
    model = small_model()
    model.layers[1].neurons[0].b.data = math.nan  # e.g. training diverged
    path = tmp_path / "model.json"
    with pytest.raises(ValueError, match=r"parameter layers\.1\.neurons\.0\.b is nan"):
        save(model, path)
    assert os.listdir(tmp_path) == []


def test_save_refuses_a_model_whose_layers_were_changed(tmp_path: Path) -> None:
    model = small_model()
    model.layers[0].neurons[2].activation = "relu"
    with pytest.raises(ValueError, match=r"layers\[0\]\.neurons\[2\] has activation 'relu'"):
        save(model, tmp_path / "m.json")
    with pytest.raises(TypeError, match="save expects an MLP, got dict"):
        save({}, tmp_path / "m.json")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="path must be a str or a path-like object, got int"):
        save(small_model(), 3)  # type: ignore[arg-type]


def test_save_into_a_missing_directory_names_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no-such-dir"):
        save(small_model(), tmp_path / "no-such-dir" / "m.json")


@pytest.mark.parametrize("where", ["json.dump", "os.fsync", "os.replace"])
def test_a_failure_midway_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    path = tmp_path / "model.json"
    old = MLP(2, [1], seed=0)
    save(old, path)
    before = path.read_bytes()

    def half_dump(obj: Any, fp: Any, **kw: Any) -> None:
        fp.write(json.dumps(obj)[:40])  # some bytes reach the temp file, then: crash
        raise OSError("disk full")

    def fail(*args: Any, **kw: Any) -> None:
        raise OSError("disk full")

    module, name = where.split(".")
    target = serialize.json if module == "json" else safe_files.os
    monkeypatch.setattr(target, name, half_dump if where == "json.dump" else fail)
    with pytest.raises(OSError, match="disk full"):
        save(small_model(), path)
    monkeypatch.undo()
    assert path.read_bytes() == before  # the old model, byte for byte
    assert os.listdir(tmp_path) == ["model.json"]  # the temp file is gone
    assert load(path).state_dict() == old.state_dict()


def test_an_interrupt_midway_also_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: Any, **kw: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(safe_files.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save(small_model(), tmp_path / "m.json")
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


# --------------------------------------------------------------------------------------
# load checks everything before building anything
# --------------------------------------------------------------------------------------


def test_missing_file_raises_file_not_found_with_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    with pytest.raises(FileNotFoundError, match="nope.json"):
        load(path)


def test_truncated_file(tmp_path: Path, no_build: None) -> None:
    # a save cut short by a crash (what the atomic save prevents): the first half only
    path = tmp_path / "model.json"
    text = json.dumps(document())
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ValueError, match="model.json: not valid JSON .*truncated"):
        load(path)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "the file is empty"),
        (b"hello", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"[1, 2, 3]", "top level is a list"),
        (b"[" * 100_000 + b"]" * 100_000, "not a micrograd_like model file"),
        (b'{"nin": ' + b"9" * 5000 + b"}", "not valid JSON"),
    ],
)
def test_not_a_model_file(tmp_path: Path, no_build: None, content: bytes, problem: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="bad.json") as info:
        load(path)
    assert problem in str(info.value)


def edit(doc: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    """``doc`` with the entry at ``dotted`` (e.g. "architecture/nin") set, or deleted if ...."""
    *parents, last = dotted.split("/")
    target = doc
    for key in parents:
        target = target[key]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return doc


W = "layers.0.neurons.1.w.0"


@pytest.mark.parametrize(
    ("where", "value", "problem"),
    [
        ("format", "pickle", "format is 'pickle'"),
        ("format", ..., "format is None"),
        ("version", 2, "unsupported version 2 (written by a newer"),
        ("version", "1", "unsupported version '1'"),
        ("version", True, "unsupported version True"),
        ("version", ..., "unsupported version None"),
        ("comment", "hi", "unexpected keys 'comment'"),
        ("parameters", ..., "missing 'parameters'"),
        ("architecture", [2, 3], "'architecture' must be an object"),
        ("architecture/nin", ..., "'architecture' is missing 'nin'"),
        ("architecture/depth", 3, "'architecture' has unexpected keys 'depth'"),
        ("architecture/nin", 0, "architecture.nin must be a positive integer, got 0"),
        ("architecture/nin", 2.0, "architecture.nin must be a positive integer, got 2.0"),
        ("architecture/nin", True, "architecture.nin must be a positive integer, got True"),
        ("architecture/nouts", [], "architecture.nouts must be a non-empty list"),
        ("architecture/nouts", 3, "architecture.nouts must be a non-empty list"),
        ("architecture/nouts", [3, "2"], r"architecture.nouts[1] must be a positive integer"),
        ("architecture/nouts", [10**9], f"more than {MAX_PARAMETERS} parameters"),
        ("architecture/nouts", [3000, 3000, 3000], f"more than {MAX_PARAMETERS} parameters"),
        ("architecture/activation", "gelu", "architecture.activation 'gelu' is not one of"),
        ("architecture/output_activation", "relu", "output_activation 'relu' is not one of"),
        ("parameters", [1.0], "'parameters' must be an object"),
        (f"parameters/{W}", ..., f"parameters missing: {W}"),
        ("parameters/layers.9.neurons.0.b", 1.0, "unexpected parameters: layers.9.neurons.0.b"),
        (f"parameters/{W}", "0.5", f"parameter {W} must be a number, got '0.5'"),
        (f"parameters/{W}", None, f"parameter {W} must be a number, got None"),
        (f"parameters/{W}", False, f"parameter {W} must be a number, got False"),
    ],
)
def test_bad_documents_are_refused_by_name(
    tmp_path: Path, no_build: None, where: str, value: Any, problem: str
) -> None:
    path = write(tmp_path / "model.json", edit(document(), where, value))
    with pytest.raises(ValueError, match="model.json") as info:
        load(path)
    assert problem in str(info.value)


def test_softmax_file_with_one_output_is_refused(tmp_path: Path, no_build: None) -> None:
    doc = edit(document(MLP(2, [1], seed=0)), "architecture/output_activation", "softmax")
    with pytest.raises(ValueError, match="softmax output needs at least 2 outputs"):
        load(write(tmp_path / "m.json", doc))


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_parameters_are_refused(tmp_path: Path, no_build: None, literal: str) -> None:
    # Python's json writes and reads NaN/Infinity unless told not to; 1e400 reads as inf
    text = json.dumps(document()).replace('.b": 0.0', f'.b": {literal}', 1)
    assert literal in text
    path = tmp_path / "model.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="model.json: .*finite"):
        load(path)


def test_duplicate_keys_are_refused(tmp_path: Path, no_build: None) -> None:
    # json.loads would silently keep the last of two equal keys
    text = json.dumps(document()).replace('"version": 1', '"version": 1, "version": 1')
    path = tmp_path / "model.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate key 'version'"):
        load(path)


def test_integer_parameters_are_accepted(tmp_path: Path) -> None:
    # a hand-written file may say 0 instead of 0.0
    doc = document()
    doc["parameters"] = {name: 0 for name in doc["parameters"]}
    model = load(write(tmp_path / "m.json", doc))
    assert all(type(p.data) is float and p.data == 0.0 for p in model.parameters())


def test_oversized_file_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serialize, "MAX_FILE_BYTES", 100)
    path = write(tmp_path / "m.json", document())
    with pytest.raises(ValueError, match="larger than 100 bytes"):
        load(path)
