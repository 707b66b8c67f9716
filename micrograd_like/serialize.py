"""Saving and loading an MLP as a small, human-readable JSON file.

The file holds the architecture and every parameter by its dotted name::

    {"format": "micrograd_like.mlp", "version": 1,
     "architecture": {"nin": 2, "nouts": [16, 16, 1],
                      "activation": "relu", "output_activation": "linear"},
     "parameters": {"layers.0.neurons.0.w.0": 0.6888437030500962, ...}}

Floats are written with ``repr``, which reads back to exactly the same float, so a
save/load round trip is bit-exact. :func:`save` is atomic: it writes a temporary file
next to the target, flushes it to disk and renames it over the target, so a crash or an
error midway leaves the previous file intact. :func:`load` checks the whole file before
building anything and refuses, with a ValueError naming the problem, anything that is not
exactly a file :func:`save` could have written. There is no pickle and no eval: loading
a file cannot run code.

>>> import os, tempfile
>>> from micrograd_like.nn import MLP
>>> model = MLP(2, [3, 1], seed=0)
>>> with tempfile.TemporaryDirectory() as folder:
...     path = os.path.join(folder, "model.json")
...     save(model, path)
...     copy = load(path)
>>> copy.state_dict() == model.state_dict()
True
"""

from __future__ import annotations

import errno
import json
import math
import os
import uuid
from collections.abc import Iterator
from itertools import islice
from typing import Any, Union

from micrograd_like.nn import ACTIVATIONS, MLP, OUTPUT_ACTIVATIONS, LoadResult

__all__ = ["FORMAT", "MAX_FILE_BYTES", "MAX_PARAMETERS", "VERSION", "load", "save"]

FORMAT = "micrograd_like.mlp"
"""The ``format`` field of a saved model."""

VERSION = 1
"""The file format version this module writes and reads."""

MAX_PARAMETERS = 10_000_000
"""Largest model :func:`load` will build (a pure-Python model this big is already huge)."""

MAX_FILE_BYTES = 1 << 30
"""Largest file :func:`load` will read (1 GiB)."""

PathLike = Union[str, "os.PathLike[str]"]

_TOP_KEYS = ("format", "version", "architecture", "parameters")
_ARCH_KEYS = ("nin", "nouts", "activation", "output_activation")


def _check_path(path: object) -> str:
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or a path-like object, got {type(path).__name__}")
    text = os.fspath(path)
    if not text:
        raise ValueError("path is empty; give a file name such as 'model.json'")
    return text


def _parameter_names(nin: int, nouts: list[int]) -> Iterator[str]:
    """The names an ``MLP(nin, nouts)`` gives its parameters, without building it."""
    fans = [nin, *nouts]
    for i in range(len(nouts)):
        for j in range(fans[i + 1]):
            for k in range(fans[i]):
                yield f"layers.{i}.neurons.{j}.w.{k}"
            yield f"layers.{i}.neurons.{j}.b"


# --------------------------------------------------------------------------------------
# save
# --------------------------------------------------------------------------------------


def save(model: MLP, path: PathLike) -> None:
    """Write ``model`` to ``path`` as JSON, atomically (temp file, fsync, rename).

    Raises ValueError (and writes nothing) if a parameter is nan or inf, or if the
    model's layers no longer match the architecture it was built with.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"save expects an MLP, got {type(model).__name__}")
    target = _check_path(path)
    model._check_architecture()
    parameters: dict[str, float] = {}
    for name, p in model.named_parameters():
        if not math.isfinite(p.data):
            raise ValueError(
                f"cannot save: parameter {name} is {p.data!r} (only finite numbers can be "
                "saved; training probably diverged - try a smaller learning rate)"
            )
        parameters[name] = float(p.data)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "architecture": {
            "nin": model.nin,
            "nouts": model.nouts,
            "activation": model.activation,
            "output_activation": model.output_activation,
        },
        "parameters": parameters,
    }
    # write through a symlink to the file it points to, keeping the link
    final = os.path.realpath(target)
    directory, base = os.path.split(final)
    if not os.path.isdir(directory):
        raise FileNotFoundError(errno.ENOENT, "cannot save, no such directory", directory)
    tmp = os.path.join(directory, f".{base}.{uuid.uuid4().hex[:12]}.tmp")
    # O_EXCL: never reuse an existing file; mode 0o666 is narrowed by the umask as usual
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        f = os.fdopen(fd, "w", encoding="utf-8")
    except BaseException:
        os.close(fd)
        os.remove(tmp)
        raise
    try:
        with f:
            json.dump(document, f, allow_nan=False, indent=1)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, final)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: str) -> None:
    """Make the rename itself durable (POSIX); harmless to skip where unsupported."""
    if os.name != "posix":  # pragma: no cover - Windows cannot open a directory
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


# --------------------------------------------------------------------------------------
# load
# --------------------------------------------------------------------------------------


class _NonFinite(ValueError):
    """A NaN, Infinity or -Infinity literal (Python's json accepts them; we do not)."""


def _no_constant(name: str) -> Any:
    raise _NonFinite(name)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _read_json(path: str) -> Any:
    """The JSON document in ``path``; OSError passes through, bad content is ValueError."""
    too_big = f"{path}: file is larger than {MAX_FILE_BYTES} bytes; refusing to load it"
    with open(path, "rb") as f:
        # f.read(n) sets aside n bytes up front: ask for the file's size (+1), not the cap
        size = os.fstat(f.fileno()).st_size
        if size > MAX_FILE_BYTES:
            raise ValueError(too_big)
        parts = [f.read(size + 1)]
        total = len(parts[0])
        while total > size and total <= MAX_FILE_BYTES:  # it grew, or fstat has no size
            chunk = f.read(min(1 << 20, MAX_FILE_BYTES + 1 - total))
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
    if total > MAX_FILE_BYTES:
        raise ValueError(too_big)
    raw = parts[0] if len(parts) == 1 else b"".join(parts)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"{path}: not a micrograd_like model file (not UTF-8 text: {e})") from None
    try:
        return json.loads(text, parse_constant=_no_constant, object_pairs_hook=_no_duplicates)
    except RecursionError:
        raise ValueError(f"{path}: not valid JSON (nested too deeply)") from None
    except _NonFinite as e:
        raise ValueError(
            f"{path}: contains {e}, which is not a finite number (a model file holds "
            "finite parameters only; did training diverge before saving?)"
        ) from None
    except json.JSONDecodeError as e:
        end = len(text.rstrip())
        if end == 0:
            hint = " (the file is empty)"
        elif e.pos >= end - 1 or e.msg.startswith("Unterminated"):
            hint = " (the file looks truncated)"
        else:
            hint = ""
        raise ValueError(f"{path}: not valid JSON{hint}: {e}") from None
    except ValueError as e:  # e.g. an integer with more digits than Python allows
        raise ValueError(f"{path}: not valid JSON: {e}") from None


def _keys(obj: dict[str, Any], expected: tuple[str, ...], where: str, path: str) -> None:
    missing = [k for k in expected if k not in obj]
    extra = [k for k in obj if k not in expected]
    if missing:
        raise ValueError(f"{path}: {where} is missing {', '.join(map(repr, missing))}")
    if extra:
        raise ValueError(f"{path}: {where} has unexpected keys {', '.join(map(repr, extra))}")


def _int(x: object, what: str, path: str) -> int:
    if type(x) is not int:
        raise ValueError(f"{path}: {what} must be a positive integer, got {x!r}")
    if x <= 0:
        raise ValueError(f"{path}: {what} must be a positive integer, got {x}")
    return x


def _validate_architecture(arch: object, path: str) -> tuple[int, list[int], str, str]:
    if not isinstance(arch, dict):
        raise ValueError(f"{path}: 'architecture' must be an object, got {type(arch).__name__}")
    _keys(arch, _ARCH_KEYS, "'architecture'", path)
    nin = _int(arch["nin"], "architecture.nin", path)
    nouts_raw = arch["nouts"]
    if not isinstance(nouts_raw, list) or not nouts_raw:
        raise ValueError(
            f"{path}: architecture.nouts must be a non-empty list of layer sizes, got {nouts_raw!r}"
        )
    nouts = []
    total = 0
    fan_in = nin
    for i, n in enumerate(nouts_raw):
        n = _int(n, f"architecture.nouts[{i}]", path)
        total += (fan_in + 1) * n  # weights and biases of layer i
        if total > MAX_PARAMETERS:
            raise ValueError(
                f"{path}: the architecture nin={nin}, nouts={_short(nouts_raw)} has more than "
                f"{MAX_PARAMETERS} parameters; refusing to build it"
            )
        nouts.append(n)
        fan_in = n
    activation = arch["activation"]
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"{path}: architecture.activation {activation!r} is not one of {', '.join(ACTIVATIONS)}"
        )
    output = arch["output_activation"]
    if output not in OUTPUT_ACTIVATIONS:
        raise ValueError(
            f"{path}: architecture.output_activation {output!r} is not one of "
            f"{', '.join(OUTPUT_ACTIVATIONS)}"
        )
    if output == "softmax" and nouts[-1] < 2:
        raise ValueError(f"{path}: a softmax output needs at least 2 outputs, got {nouts[-1]}")
    return nin, nouts, activation, output


def _short(xs: list[Any], limit: int = 8) -> str:
    return repr(xs) if len(xs) <= limit else f"[{', '.join(map(repr, xs[:limit]))}, ...]"


def _validate_parameters(params: object, nin: int, nouts: list[int], path: str) -> dict[str, float]:
    if not isinstance(params, dict):
        raise ValueError(f"{path}: 'parameters' must be an object, got {type(params).__name__}")
    fans = [nin, *nouts]
    total = sum((fans[i] + 1) * n for i, n in enumerate(nouts))
    if len(params) < total:  # some are missing: name the first few, without listing all
        missing = list(islice((n for n in _parameter_names(nin, nouts) if n not in params), 6))
        more = " and more" if len(missing) > 5 else ""
        raise ValueError(
            f"{path}: parameters missing: {', '.join(missing[:5])}{more} "
            f"(the architecture needs {total} parameters, the file has {len(params)})"
        )
    names = list(_parameter_names(nin, nouts))  # at most len(params): bounded by the file
    missing = [n for n in names if n not in params]
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise ValueError(
            f"{path}: parameters missing: {', '.join(missing[:5])}{more} "
            f"(the architecture needs {len(names)} parameters)"
        )
    if len(params) != len(names):
        expected = set(names)
        extra = [k for k in params if k not in expected]
        more = f" and {len(extra) - 5} more" if len(extra) > 5 else ""
        raise ValueError(f"{path}: unexpected parameters: {', '.join(extra[:5])}{more}")
    values: dict[str, float] = {}
    for name in names:
        x = params[name]
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            raise ValueError(f"{path}: parameter {name} must be a number, got {x!r}")
        try:
            f = float(x)
        except OverflowError:
            f = math.inf
        if not math.isfinite(f):
            raise ValueError(f"{path}: parameter {name} must be a finite number, got {x!r}")
        values[name] = f
    return values


def load(path: PathLike) -> MLP:
    """Read an MLP written by :func:`save`, checking the whole file first.

    Raises ValueError naming the problem for a file that is not valid JSON (e.g.
    truncated), has the wrong format or version, an invalid or absurdly large
    architecture (more than :data:`MAX_PARAMETERS` parameters), or parameters that are
    missing, extra, or not finite numbers. OSErrors from opening the file (such as
    FileNotFoundError, which names the path) pass through unchanged.
    """
    source = _check_path(path)
    doc = _read_json(source)
    if not isinstance(doc, dict):
        raise ValueError(
            f"{source}: not a micrograd_like model file (top level is a {type(doc).__name__}, "
            "not an object)"
        )
    if doc.get("format") != FORMAT:
        raise ValueError(
            f"{source}: not a micrograd_like model file (format is {doc.get('format')!r}, "
            f"expected {FORMAT!r})"
        )
    version = doc.get("version")
    if type(version) is not int or version != VERSION:
        newer = (
            " (written by a newer micrograd_like?)"
            if type(version) is int and version > VERSION
            else ""
        )
        raise ValueError(
            f"{source}: unsupported version {version!r}{newer}; this micrograd_like reads "
            f"version {VERSION}"
        )
    _keys(doc, _TOP_KEYS, "the file", source)
    nin, nouts, activation, output = _validate_architecture(doc["architecture"], source)
    values = _validate_parameters(doc["parameters"], nin, nouts, source)
    # everything is checked: now build (the initial weights are overwritten at once)
    model = MLP(nin, nouts, activation=activation, output_activation=output, seed=0)
    result: LoadResult = model.load_state_dict(values)
    assert not result.missing_keys and not result.unexpected_keys
    return model
