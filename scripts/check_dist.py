"""Check the built sdist and wheel as a user would meet them (``make dist`` runs this).

    python scripts/check_dist.py dist

1. The wheel's contents: printed, then checked. It must hold ``micrograd_like/py.typed``,
   the Playground's page (``widgets/playground.js`` and ``.css``) and the license, and no
   tests, benchmarks or notebooks.
2. A throwaway venv gets the wheel with no extras. Every public module must import, or
   fail only for a package that one of the wheel's extras provides.
3. The same venv gets the user extras (plot, progress, testing). Then, in an empty
   folder, ``micrograd-like --version``, ``micrograd-like demo`` and
   ``python -m micrograd_like graph "a*b" a=2 b=3 -o g.svg`` must work, and every
   public module must import from the venv, not from this checkout.

Exits 1 with the reasons if anything is wrong.
"""

from __future__ import annotations

import email.parser
import json
import re
import subprocess
import sys
import tempfile
import venv
import zipfile
from pathlib import Path

PACKAGE = "micrograd_like"
USER_EXTRAS = ("plot", "progress", "testing")
FORBIDDEN = re.compile(r"(^|/)(tests?|benchmarks|notebooks)/|\.ipynb$")
REQUIRED = (
    f"{PACKAGE}/__init__.py",
    f"{PACKAGE}/py.typed",
    f"{PACKAGE}/widgets/playground.js",  # the Playground's page
    f"{PACKAGE}/widgets/playground.css",
)
DEMO_PICTURES = ("decision_boundary.png", "loss.png", "network.png", "neuron_graph.png")

# Run inside the throwaway venv: import each public module and report, as JSON, where
# the package came from and which imports failed for want of which package.
IMPORT_ALL = """
import importlib, json, pkgutil, sys
import micrograd_like
names = sorted(m.name for m in pkgutil.iter_modules(micrograd_like.__path__)
               if not m.name.startswith("_"))
failed = {}
for name in names:
    try:
        importlib.import_module("micrograd_like." + name)
    except ImportError as error:  # a module may re-raise it with its own message
        failed[name] = error.name or getattr(error.__context__, "name", None) or str(error)
print(json.dumps({"file": micrograd_like.__file__, "modules": names, "failed": failed}))
"""


def check_wheel_contents(wheel: Path) -> list[str]:
    """Print the wheel's file list; return what is wrong with it."""
    with zipfile.ZipFile(wheel) as archive:
        names = sorted(archive.namelist())
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = email.parser.Parser().parsestr(archive.read(metadata_name).decode())
    print(f"{wheel.name}: {len(names)} files")
    for name in names:
        print(f"  {name}")
    problems = [f"the wheel holds {n}" for n in names if FORBIDDEN.search(n)]
    problems += [f"the wheel lacks {n}" for n in REQUIRED if n not in names]
    if not any(re.search(r"\.dist-info/licenses/LICENSE$", n) for n in names):
        problems.append("the wheel lacks its LICENSE file (license-files)")
    if metadata.get("License-Expression") != "MIT":
        problems.append(f"License-Expression is {metadata.get('License-Expression')!r}")
    return problems


def extras_packages(wheel: Path) -> set[str]:
    """The import names of the packages that the wheel's extras provide."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = email.parser.Parser().parsestr(archive.read(name).decode())
    provided = set()
    for requirement in metadata.get_all("Requires-Dist") or []:
        if "extra ==" in requirement:
            project = re.match(r"[A-Za-z0-9_.-]+", requirement)
            if project:
                provided.add(project.group().lower().replace("-", "_"))
    # import names that differ from the project's name
    aliases = {"scikit_learn": "sklearn"}
    return {aliases.get(p, p) for p in provided}


def run(
    command: list[str], cwd: Path, shown: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command, echo it (or ``shown``) and its output; raise if it fails."""
    print("$", shown or " ".join(command), flush=True)
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    output = (done.stdout + done.stderr).strip()
    if output:
        print("  " + output.replace("\n", "\n  "), flush=True)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} {command[1]} failed with exit code {done.returncode}")
    return done


def import_all(python: Path, cwd: Path) -> dict[str, object]:
    done = run([str(python), "-c", IMPORT_ALL], cwd, "python -c <import every public module>")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def check_in_venv(wheel: Path) -> list[str]:
    """Install the wheel into a throwaway venv and use it; return what went wrong."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="micrograd-like-wheel-") as tmp:
        root = Path(tmp)
        venv.create(root / "venv", with_pip=True)
        python = root / "venv" / "bin" / "python"
        work = root / "work"
        work.mkdir()
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]

        run([*pip, str(wheel)], work)
        bare = import_all(python, work)
        allowed = extras_packages(wheel)
        failed = bare["failed"]
        assert isinstance(failed, dict)
        for module, missing in failed.items():
            if missing not in allowed:
                problems.append(
                    f"with no extras, import micrograd_like.{module} needs {missing}, "
                    "which no extra provides"
                )

        run([*pip, f"{wheel}[{','.join(USER_EXTRAS)}]"], work)
        full = import_all(python, work)
        if not str(full["file"]).startswith(str(root / "venv")):
            problems.append(f"micrograd_like was imported from {full['file']}, not the venv")
        if full["failed"]:
            problems.append(f"with the extras, these imports failed: {full['failed']}")
        print(f"imported {len(full['modules'])} public modules")  # type: ignore[arg-type]

        script = root / "venv" / "bin" / "micrograd-like"
        version = run([str(script), "--version"], work).stdout.strip()
        if not re.fullmatch(r"micrograd-like \d+\.\d+\.\d+\S*", version):
            problems.append(f"--version printed {version!r}")
        run([str(script), "demo"], work)
        for picture in DEMO_PICTURES:
            path = work / "demo-output" / picture
            if not path.is_file() or path.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
                problems.append(f"the demo did not write the picture {picture}")
        run([str(python), "-m", PACKAGE, "graph", "a*b", "a=2", "b=3", "-o", "g.svg"], work)
        svg = work / "g.svg"
        if not svg.is_file() or "<svg" not in svg.read_text():
            problems.append("the graph command did not write g.svg")
    return problems


def main(argv: list[str]) -> int:
    folder = Path(argv[1] if len(argv) > 1 else "dist").resolve()
    wheels = sorted(folder.glob("*.whl"))
    sdists = sorted(folder.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        print(f"expected one wheel and one sdist in {folder}, found {wheels + sdists}")
        return 1
    problems = check_wheel_contents(wheels[0])
    try:
        problems += check_in_venv(wheels[0])
    except RuntimeError as error:
        problems.append(str(error))
    if problems:
        print("\nmake dist: the package is not right:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print(f"\nmake dist: {wheels[0].name} and {sdists[0].name} are fine")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
