"""Saving and loading an MLP as a small, human-readable JSON file.

The file holds the architecture and every parameter by its dotted name::

    {"format": "micrograd_like.mlp", "version": 1,
     "architecture": {"nin": 2, "nouts": [16, 16, 1],
                      "activation": "relu", "output_activation": "linear"},
     "parameters": {"layers.0.neurons.0.w.0": 0.6888437030500962, ...}}

Floats are written with ``repr``, which reads back to exactly the same float, so a
save/load round trip is bit-exact.

What :func:`save` promises (it writes with
:func:`micrograd_like.safe_files.write_atomically`, which keeps these promises):

* It is atomic: it writes a temporary file next to the target, flushes it to disk and
  renames it over the target, so a crash or an error midway leaves the previous file
  intact.
* It never writes through a symbolic link: a destination that is a symlink (even a
  dangling one) is refused, and the rename replaces a directory entry, never a link's
  target. A destination that exists but is not a regular file is refused too.
* Replacing a file keeps its permission bits (and its owner and group where the
  process may set them); a new file gets the usual mode, 0o666 narrowed by the umask.
* Replacing a file gives the path a new file: other hard links to the old one keep the
  old content (writing in place would keep them, but could not be atomic).
* The temporary file is named ``.NAME.PID-RANDOM.tmp``, cut to fit the file system's
  limit on name length, so every legal name can be saved. A save killed hard (``kill
  -9``, a power cut) can leave one behind; the next save to the same path removes such
  leftovers, once their process is gone and no one holds their lock.

What :func:`load` promises: it checks the whole file before building anything and
refuses, with a ValueError naming the problem, anything that is not exactly a file
:func:`save` could have written. It opens nothing but regular files (a FIFO, a device
or a folder is refused, without blocking), and it bounds its work before parsing: the
file size, the number of keys and the nesting are counted as the bytes are read, and a
file that has more of them than a model file of :data:`MAX_PARAMETERS` parameters could
have is refused at once. There is no pickle and no eval: loading a file cannot run code.

The format is made for models up to about a million parameters (a file of about 50 MB,
which loads in a few seconds); :func:`load` refuses more than :data:`MAX_PARAMETERS`.

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

import json
import math
import os
from collections.abc import Iterator
from itertools import islice
from typing import Any, TextIO, Union

from micrograd_like.nn import ACTIVATIONS, MAX_PARAMETERS, MLP, OUTPUT_ACTIVATIONS
from micrograd_like.safe_files import CHUNK_BYTES, read_bounded, write_atomically

__all__ = ["FORMAT", "MAX_FILE_BYTES", "MAX_PARAMETERS", "VERSION", "load", "save"]

FORMAT = "micrograd_like.mlp"
"""The ``format`` field of a saved model."""

VERSION = 1
"""The file format version this module writes and reads."""

_BYTES_PER_ENTRY = 100
"""A saved file spends at most about 70 bytes on each parameter (or layer size)."""

MAX_FILE_BYTES = _BYTES_PER_ENTRY * MAX_PARAMETERS
"""Largest file :func:`load` will read (1 GB: room for :data:`MAX_PARAMETERS` parameters)."""

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


def _names_for_architecture(nin: int, nouts: list[int]) -> Iterator[str]:
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

    Raises ValueError (and writes nothing) if a parameter is nan or inf, if the model's
    layers no longer match the architecture it was built with, or if ``path`` is a
    symbolic link or exists as something other than a regular file. Replacing a file
    keeps its mode (and owner, where allowed) but not its other hard links: they keep
    the previous content. Stale temporary files of earlier, killed saves to ``path``
    are removed (see the module's docstring).
    """
    if not isinstance(model, MLP):
        raise TypeError(f"save expects an MLP, got {type(model).__name__}")
    target = _check_path(path)
    model.check_architecture()
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

    def write(f: TextIO) -> None:
        json.dump(document, f, allow_nan=False, indent=1)
        f.write("\n")

    write_atomically(target, write)


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


_MAX_CONTAINERS = 16
"""A model file has 4 objects and lists: itself, architecture, nouts, parameters."""

_MAX_OTHER_KEYS = 16
"""A model file has 8 keys that are not parameter names (format, version, nin, ...)."""


def _read_model_bytes(path: str) -> bytearray:
    """The bytes of the regular file ``path``, refused as soon as they cannot be a model.

    The file is read safely (:func:`~micrograd_like.safe_files.read_bounded`: a regular
    file only, opened without blocking, at most :data:`MAX_FILE_BYTES`). While reading,
    it counts what a parser would build - objects and lists, keys, entries - and stops
    at the first chunk that has more than any model file of :data:`MAX_PARAMETERS`
    parameters could.
    """
    colons = commas = containers = names = 0

    def count(buf: bytearray, start: int) -> None:
        nonlocal colons, commas, containers, names
        colons += buf.count(b":", start)
        commas += buf.count(b",", start)
        containers += buf.count(b"{", start) + buf.count(b"[", start)
        # a name split across two chunks is counted once: start 7 bytes back
        names += buf.count(b'"layers.', max(0, start - 7))
        _check_counts(path, len(buf), colons, commas, containers, names)

    return read_bounded(path, max_bytes=MAX_FILE_BYTES, what="a model file", check=count)


def _check_counts(
    path: str, size: int, colons: int, commas: int, containers: int, names: int
) -> None:
    """Refuse a file (or its first ``size`` bytes) that no model file could be.

    The counts are of characters, so they also see those inside strings; a model file
    has none there, and a file that does is not one.
    """
    refuse = f"{path}: not a micrograd_like model file"
    if containers > _MAX_CONTAINERS:
        raise ValueError(
            f"{refuse} (more than {_MAX_CONTAINERS} '{{' and '[', where a model file has 4: "
            "refused before parsing)"
        )
    if colons - names > _MAX_OTHER_KEYS:
        raise ValueError(
            f"{refuse} (more than {_MAX_OTHER_KEYS} keys that are not parameter names, where "
            "a model file has 8: refused before parsing)"
        )
    if commas - colons > MAX_PARAMETERS // 2 + _MAX_OTHER_KEYS:  # list items: layer sizes
        raise ValueError(
            f"{refuse} (more than {MAX_PARAMETERS // 2 + _MAX_OTHER_KEYS} values in lists, "
            f"where a model of {MAX_PARAMETERS} parameters has at most "
            f"{MAX_PARAMETERS // 2} layers: refused before parsing)"
        )
    if names > MAX_PARAMETERS:
        raise ValueError(
            f"{path}: more than {MAX_PARAMETERS} parameter names; refusing before parsing"
        )
    if size > _BYTES_PER_ENTRY * (colons + commas + _MAX_OTHER_KEYS) + CHUNK_BYTES:
        raise ValueError(
            f"{refuse} ({size} bytes hold only {colons + commas} entries, where a model file "
            f"spends at most {_BYTES_PER_ENTRY} bytes on each: refused before parsing)"
        )


def _read_json(path: str) -> Any:
    """The JSON document in ``path``; OSError passes through, bad content is ValueError."""
    raw = _read_model_bytes(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"{path}: not a micrograd_like model file (not UTF-8 text: {e})") from None
    del raw
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


_MISSING = object()


def _validate_parameters(params: object, nin: int, nouts: list[int], path: str) -> list[float]:
    """Every parameter's value, in the order of ``MLP.parameters()``, each checked."""
    if not isinstance(params, dict):
        raise ValueError(f"{path}: 'parameters' must be an object, got {type(params).__name__}")
    fans = [nin, *nouts]
    total = sum((fans[i] + 1) * n for i, n in enumerate(nouts))
    if len(params) < total:  # some are missing: name the first few, without listing all
        missing = list(
            islice((n for n in _names_for_architecture(nin, nouts) if n not in params), 6)
        )
        more = " and more" if len(missing) > 5 else ""
        raise ValueError(
            f"{path}: parameters missing: {', '.join(missing[:5])}{more} "
            f"(the architecture needs {total} parameters, the file has {len(params)})"
        )
    values: list[float] = []
    get = params.get
    for name in _names_for_architecture(nin, nouts):  # at most len(params) names
        x = get(name, _MISSING)
        if type(x) is float and x - x == 0.0:  # the common case: a finite float
            values.append(x)
            continue
        if x is _MISSING:
            missing = [n for n in _names_for_architecture(nin, nouts) if n not in params]
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            raise ValueError(
                f"{path}: parameters missing: {', '.join(missing[:5])}{more} "
                f"(the architecture needs {total} parameters)"
            )
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            raise ValueError(f"{path}: parameter {name} must be a number, got {x!r}")
        try:
            f = float(x)
        except OverflowError:
            f = math.inf
        if not math.isfinite(f):
            raise ValueError(f"{path}: parameter {name} must be a finite number, got {x!r}")
        values.append(f)
    if len(params) != total:
        expected = set(_names_for_architecture(nin, nouts))
        extra = [k for k in params if k not in expected]
        more = f" and {len(extra) - 5} more" if len(extra) > 5 else ""
        raise ValueError(f"{path}: unexpected parameters: {', '.join(extra[:5])}{more}")
    return values


def load(path: PathLike) -> MLP:
    """Read an MLP written by :func:`save`, checking the whole file first.

    Raises ValueError naming the problem for a file that is not a regular file (a FIFO,
    a device, a folder), is not valid JSON (e.g. truncated), has the wrong format or
    version, an invalid or absurdly large architecture (more than
    :data:`MAX_PARAMETERS` parameters), or parameters that are missing, extra, or not
    finite numbers. OSErrors from opening the file (such as FileNotFoundError, which
    names the path) pass through unchanged.
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
    values = _validate_parameters(doc.pop("parameters"), nin, nouts, source)
    del doc  # the parsed names go now: the model's own take their place
    # everything is checked: now build (the initial weights are overwritten at once, in
    # the order of parameters(), which is the order of _names_for_architecture)
    model = MLP(nin, nouts, activation=activation, output_activation=output, seed=0)
    for p, value in zip(model.parameters(), values):
        p.data = value
    return model
