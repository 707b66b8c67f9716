"""A teacher's autograder: :func:`check_value_class` on learners' files, each in a process
of its own, never in the teacher's.

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "empty.py").write_text("x = 1")
>>> grade([folder / "empty.py"]).files[0].problem
'empty.py defines no class named Value and no class with a backward(): name one as empty.py:NAME'

Each file (``.py``, or ``.ipynb`` whose code cells run in order) is loaded in a fresh
Python process with a time limit and a memory limit; its own output is captured, and
an error in it is noted while the rest of the file still loads. The class checked is
``NAME`` from ``FILE:NAME``, else the class named ``Value``, else the only class with a
``backward`` (subclasses of it aside). :class:`GradeReport` prints a table, writes JUnit
XML for GitHub Classroom, Gradescope or CI, and shows as an HTML table in a notebook.
"""

from __future__ import annotations

import builtins
import json
import linecache
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from micrograd_like.exercises.probe import OPS
from micrograd_like.exercises.report import FAILED, PASSED, WARNING, ValueClassReport, html_table
from micrograd_like.exercises.sandbox import TIMEOUT, CappedText, describe_error
from micrograd_like.exercises.value_class import check_value_class

__all__ = ["MEMORY_MB", "TIME_LIMIT", "FileResult", "GradeReport", "grade", "worker_main"]

TIME_LIMIT = 60.0
"""Seconds one file may take, loading and checking together, by default."""

MEMORY_MB = 2048
"""Megabytes of address space one file's process may use, by default."""

SUFFIXES = (".py", ".ipynb")
_RUN_NAME = "__learner__"  # the __name__ a learner's file runs under: its classes' __module__


# --------------------------------------------------------------------------------------
# In the worker: load the file, find the class, check it
# --------------------------------------------------------------------------------------


def _cells(path: Path) -> list[tuple[str, str]]:
    """A notebook's code cells as (name, source), IPython magics and shell lines left out."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = []
    for k, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if source.lstrip().startswith("%%"):
            continue
        lines = [
            "" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n")
        ]
        cells.append((f"{path.name}, cell {k}", "\n".join(lines)))
    return cells


def load(path: Path) -> tuple[dict[str, Any], list[str]]:
    """Run a learner's file; its namespace, and a sentence for each error it raised."""
    namespace: dict[str, Any] = {
        "__name__": _RUN_NAME,
        "__file__": str(path),
        "__builtins__": builtins,
    }
    if path.suffix == ".ipynb":
        parts = _cells(path)
    else:
        parts = [(str(path), path.read_text(encoding="utf-8"))]
    notes = []
    for name, source in parts:
        linecache.cache[name] = (len(source), None, source.splitlines(True), name)
        try:
            exec(compile(source, name, "exec"), namespace)
        except (KeyboardInterrupt, MemoryError):
            raise
        except BaseException as error:  # the learner's file: note it, keep what it defined
            info = describe_error(error)
            where = f" ({info['where']})" if info["where"] else ""
            label = name if path.suffix == ".ipynb" else path.name
            notes.append(f"{label} raised {info['type']}: {info['message']}{where}")
    return namespace, notes


def _own(cls: type, folder: Path) -> bool:
    if cls.__module__ == _RUN_NAME:
        return True
    file = getattr(sys.modules.get(cls.__module__), "__file__", None)
    return file is not None and Path(file).resolve().is_relative_to(folder.resolve())


def choose_class(namespace: dict[str, Any], name: str | None, path: Path) -> type:
    """The class to check: ``name``, else ``Value``, else the only class with backward()."""
    label = path.name
    if name:
        found = namespace.get(name)
        if found is None:
            raise LookupError(f"{label} defines no {name}")
        if not isinstance(found, type):
            raise LookupError(f"{name} in {label} is a {type(found).__name__}, not a class")
        return found
    classes = {k: v for k, v in namespace.items() if isinstance(v, type) and _own(v, path.parent)}
    if "Value" in classes:
        return classes["Value"]
    candidates = [c for c in classes.values() if callable(getattr(c, "backward", None))]
    roots = [c for c in candidates if not any(c is not o and issubclass(c, o) for o in candidates)]
    if len(roots) == 1:
        return roots[0]
    if not roots:
        raise LookupError(
            f"{label} defines no class named Value and no class with a backward(): "
            f"name one as {label}:NAME"
        )
    names = ", ".join(sorted(c.__name__ for c in roots))
    raise LookupError(
        f"{label} has several classes with a backward() ({names}): choose one as {label}:NAME"
    )


def _limit_memory(megabytes: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: no limit can be set this way
        return
    limit = megabytes << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def worker_main(argv: Sequence[str] | None = None) -> None:
    """The process that grades one file: ``PATH NAME RESULT_JSON TIMEOUT MEMORY_MB``."""
    path_text, name, result_file, timeout, memory = argv if argv is not None else sys.argv[1:]
    path = Path(path_text)
    result: dict[str, Any] = {"class_name": None, "problem": None, "notes": [], "report": None}
    out = CappedText()
    sys.stdout = sys.stderr = out
    sys.stdin = open(os.devnull)
    sys.path.insert(0, str(path.parent))
    try:
        _limit_memory(int(memory))
        namespace, result["notes"] = load(path)
        cls = choose_class(namespace, name or None, path)
        result["class_name"] = cls.__name__
        result["report"] = check_value_class(cls, timeout=float(timeout)).to_dict()
    except MemoryError:
        result["problem"] = f"ran out of memory (the limit is {memory} MB)"
    except LookupError as error:
        result["problem"] = str(error)
    except BaseException as error:
        info = describe_error(error)
        result["problem"] = f"could not be checked: {info['type']}: {info['message']}"
    result["output"], result["output_total"] = out.text(), out.total
    Path(result_file).write_text(json.dumps(result), encoding="utf-8")


# --------------------------------------------------------------------------------------
# In the teacher's process: one worker per file, and the report
# --------------------------------------------------------------------------------------


@dataclass
class FileResult:
    """One learner's file: the class checked and its report, or why there is none."""

    target: str
    class_name: str | None = None
    report: ValueClassReport | None = None
    problem: str | None = None  # no report: the time limit, no class, a crash
    notes: list[str] = field(default_factory=list)  # errors the file raised while loading
    output: str = ""  # what the file printed while loading, cut
    seconds: float = 0.0
    required: tuple[str, ...] = ()

    def lacking(self) -> list[str]:
        """Required ops that are missing."""
        if self.report is None:
            return []
        return [op for op in self.required if op in {o.op for o in self.report.missing}]

    @property
    def ok(self) -> bool:
        return self.report is not None and bool(self.report) and not self.lacking()

    def counts(self) -> tuple[int, int, int]:
        if self.report is None:
            return 0, 0, 0
        r = self.report
        return len(r.passed) + len(r.warnings), len(r.failed), len(r.missing)

    @property
    def label(self) -> str:
        return (
            f"{self.target}:{self.class_name}"
            if self.class_name and ":" not in self.target
            else self.target
        )

    def first_mistake(self) -> str:
        if self.problem:
            return self.problem
        assert self.report is not None
        mistake = self.report.first_mistake
        if mistake is not None:
            return f"{mistake.op}: {(mistake.note or mistake.detail()).removeprefix('Hint: ')}"
        if not self.report:
            return "backward() was not judged: " + (
                next((o.note for o in self.report.outcomes if o.op == "backward"), "")
                or "the class has no backward()"
            )
        if self.lacking():
            return "required but missing: " + ", ".join(self.lacking())
        return ""


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    return _XML_BAD.sub("?", text)


@dataclass
class GradeReport:
    """The autograder's report: truthy only if every file passed."""

    files: list[FileResult]

    def __bool__(self) -> bool:
        return bool(self.files) and all(f.ok for f in self.files)

    def rows(self, width: int = 80) -> list[list[str]]:
        rows = []
        for f in self.files:
            passed, failed, missing = self.counts(f)
            rows.append([f.label, passed, failed, missing, _short(f.first_mistake(), width) or "-"])
        return rows

    @staticmethod
    def counts(f: FileResult) -> tuple[str, str, str]:
        if f.report is None:
            return "-", "-", "-"
        return tuple(str(n) for n in f.counts())  # type: ignore[return-value]

    def summary(self) -> str:
        good = sum(f.ok for f in self.files)
        return f"{len(self.files)} file(s): {good} passed, {len(self.files) - good} failed"

    def table(self, width: int = 80) -> str:
        """The plain-text table: file, passed, failed, missing, first mistake."""
        headers = ["file", "passed", "failed", "missing", "first mistake"]
        rows = [headers, *self.rows(width)]
        widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
        lines = []
        for r in rows:
            cells = [str(r[0]).ljust(widths[0])] + [
                str(c).rjust(w) for c, w in zip(r[1:4], widths[1:])
            ]
            lines.append("  ".join([*cells, str(r[4])]).rstrip())
        return "\n".join([*lines, self.summary()])

    __str__ = table

    def __repr__(self) -> str:
        return self.table()

    def _repr_html_(self) -> str:
        statuses = [PASSED if f.ok else FAILED for f in self.files]
        headers = ["file", "passed", "failed", "missing", "first mistake"]
        return html_table(headers, self.rows(400), statuses, self.summary())

    def junit(self) -> str:
        """JUnit XML: a test suite per file, a test case per worked example."""
        root = ET.Element("testsuites", name="micrograd-like check")
        total = failures = skipped = 0
        for f in self.files:
            suite = ET.SubElement(root, "testsuite", name=f.label, time=f"{f.seconds:.3f}")
            cases = 0
            if f.report is None:
                case = ET.SubElement(suite, "testcase", classname=f.label, name="check_value_class")
                ET.SubElement(case, "error", message=_xml(f.problem or "")).text = _xml(
                    f.problem or ""
                )
                cases, fails, skips = 1, 1, 0
            else:
                fails = skips = 0
                for o in f.report.outcomes:
                    case = ET.SubElement(
                        suite, "testcase", classname=f"{f.label}.{o.op}", name=_xml(o.example)
                    )
                    cases += 1
                    if o.status == FAILED:
                        fails += 1
                        ET.SubElement(
                            case, "failure", message=_xml(_short(o.detail(), 300))
                        ).text = _xml(o.detail())
                    elif o.status not in (PASSED, WARNING):
                        skips += 1
                        ET.SubElement(case, "skipped", message=_xml(f"{o.status}: {o.note}"))
                if not f.ok and not f.report.failed:
                    case = ET.SubElement(suite, "testcase", classname=f.label, name="verdict")
                    ET.SubElement(case, "failure", message=_xml(f.first_mistake()))
                    cases, fails = cases + 1, fails + 1
            text = "\n".join(
                [*f.notes, f.output, f.report.output_note() if f.report else ""]
            ).strip()
            if text:
                ET.SubElement(suite, "system-out").text = _xml(text)
            suite.set("tests", str(cases))
            suite.set("failures", str(fails))
            suite.set("skipped", str(skips))
            total, failures, skipped = total + cases, failures + fails, skipped + skips
        root.set("tests", str(total))
        root.set("failures", str(failures))
        root.set("skipped", str(skipped))
        ET.indent(root)
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            + ET.tostring(root, encoding="unicode")
            + "\n"
        )


def _kill(process: subprocess.Popen[bytes]) -> None:
    if hasattr(os, "killpg"):
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the worker and its own workers
        except ProcessLookupError:
            pass
    else:
        process.kill()
    process.wait()


def grade_file(
    path: Path,
    name: str | None = None,
    time_limit: float = TIME_LIMIT,
    memory_mb: int = MEMORY_MB,
    timeout: float = TIMEOUT,
    required: Sequence[str] = (),
) -> FileResult:
    """Check one file's class in a process of its own."""
    target = f"{path.name}:{name}" if name else path.name
    result = FileResult(target, required=tuple(required))
    with tempfile.TemporaryDirectory() as folder:
        answer = Path(folder) / "result.json"
        command = [
            sys.executable, "-c",
            "import sys; from micrograd_like.exercises.autograder import worker_main; worker_main()",
            str(path.resolve()), name or "", str(answer), repr(timeout), str(memory_mb),
        ]  # fmt: skip
        # no plot windows, and one thread per numeric library: a thread pool's reserved
        # memory counts against the memory limit
        env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1"}
        env |= {
            name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
        }
        start = time.monotonic()
        process = subprocess.Popen(
            command, cwd=path.resolve().parent, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        try:
            process.wait(time_limit)
        except subprocess.TimeoutExpired:
            _kill(process)
            result.problem = f"did not finish within {time_limit:g} s (the time limit)"
        except BaseException:
            _kill(process)
            raise
        result.seconds = time.monotonic() - start
        if result.problem is None:
            if not answer.exists():
                code = process.returncode
                how = f"signal {-code}" if code < 0 else f"exit status {code}"
                result.problem = f"its process ended ({how}) without a report: out of memory?"
            else:
                data = json.loads(answer.read_text(encoding="utf-8"))
                result.class_name, result.problem = data["class_name"], data["problem"]
                result.notes, result.output = data["notes"], data["output"]
                if data["report"] is not None:
                    result.report = ValueClassReport.from_dict(data["report"])
    return result


def parse_target(text: str) -> tuple[Path, str | None]:
    """``FILE`` or ``FILE:NAME`` (NAME a Python identifier) as a path and a name.

    >>> parse_target("alice.py:MyValue")
    (PosixPath('alice.py'), 'MyValue')
    """
    head, sep, tail = text.rpartition(":")
    if sep and tail.isidentifier() and head.endswith(SUFFIXES):
        return Path(head), tail
    return Path(text), None


def files_of(targets: Iterable[str | Path]) -> list[tuple[Path, str | None]]:
    """Each target as (file, NAME); a folder stands for its .py and .ipynb files, sorted.

    Raises ValueError naming a target that is not such a file or folder.
    """
    found: list[tuple[Path, str | None]] = []
    for target in targets:
        path, name = parse_target(str(target))
        if path.is_dir():
            inside = sorted(
                p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file()
                and not any(part.startswith(".") or part == "__pycache__" for part in p.relative_to(path).parts)
            )  # fmt: skip
            if not inside:
                raise ValueError(f"{path}: the folder has no .py or .ipynb file")
            found.extend((p, None) for p in inside)
        elif not path.exists():
            raise ValueError(f"{path}: no such file")
        elif path.suffix not in SUFFIXES:
            raise ValueError(f"{path}: expected a .py or .ipynb file")
        else:
            found.append((path, name))
    if not found:
        raise ValueError("no file to check")
    return found


def grade(
    targets: Iterable[str | Path],
    time_limit: float = TIME_LIMIT,
    memory_mb: int = MEMORY_MB,
    timeout: float = TIMEOUT,
    required: Sequence[str] = (),
) -> GradeReport:
    """Check the Value class of each file (``FILE``, ``FILE:NAME`` or a folder).

    ``required`` lists ops that must not be missing ("all": every op and backward).
    """
    ops = list(OPS) + ["backward"] if list(required) == ["all"] else list(required)
    unknown = [op for op in ops if op not in (*OPS, "backward", "log", "sigmoid")]
    if unknown:
        raise ValueError(f"unknown op(s) to require: {', '.join(unknown)}")
    return GradeReport(
        [grade_file(p, n, time_limit, memory_mb, timeout, ops) for p, n in files_of(targets)]
    )
