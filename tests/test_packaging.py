"""The package's metadata agrees with itself: version, license, Pythons, changelog.

``make dist`` checks the built wheel; these check the sources it is built from.
"""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import pytest

import micrograd_like

ROOT = Path(__file__).resolve().parent.parent

if sys.version_info >= (3, 11):
    import tomllib
else:
    tomllib = pytest.importorskip("tomli", reason="tomli reads TOML before Python 3.11")


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_version_flag_prints_the_installed_version():
    done = subprocess.run(
        [sys.executable, "-m", "micrograd_like", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"micrograd-like {micrograd_like.__version__}\n"
    assert importlib.metadata.version("micrograd-like") == micrograd_like.__version__


def test_the_version_has_one_source():
    project = pyproject()
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    dynamic = project["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "micrograd_like.__version__"}


def test_the_license_is_an_spdx_expression_with_its_file():
    project = pyproject()
    assert project["project"]["license"] == "MIT"
    assert project["project"]["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    # setuptools understands license-files and SPDX expressions from 77 on
    assert project["build-system"]["requires"] == ["setuptools>=77"]
    assert not [c for c in project["project"]["classifiers"] if c.startswith("License ::")]


def test_the_readme_lists_every_extra_and_dev_includes_them_all():
    extras = pyproject()["project"]["optional-dependencies"]
    readme = (ROOT / "README.md").read_text()
    table = readme.split("| extra | adds | for |\n", 1)[1].split("\n\n", 1)[0]
    assert sorted(re.findall(r"^\| `([a-z]+)` \|", table, flags=re.M)) == sorted(extras)
    (bundle,) = [d for d in extras["dev"] if d.startswith("micrograd-like[")]
    assert set(bundle[len("micrograd-like[") : -1].split(",")) == set(extras) - {"dev"}
    # playwright drives the system's Chromium for the browser tests, nothing else
    [playwright] = [(name, d) for name, ds in extras.items() for d in ds if "playwright" in d]
    assert playwright[0] == "browser"


def test_the_claimed_pythons_are_the_ones_nox_tests():
    project = pyproject()["project"]
    assert project["requires-python"] == ">=3.10"
    claimed = [
        c.rsplit(" ", 1)[1]
        for c in project["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    ]
    noxfile = (ROOT / "noxfile.py").read_text()
    tested = re.search(r"^PYTHONS = (\[.*\])$", noxfile, flags=re.M)
    assert tested is not None
    assert claimed == ["3.10", "3.11", "3.12", "3.13"]
    assert tested.group(1) == str(claimed).replace("'", '"')


def test_py_typed_and_the_playgrounds_page_ship_with_the_package():
    assert (ROOT / "micrograd_like" / "py.typed").is_file()
    data = pyproject()["tool"]["setuptools"]["package-data"]["micrograd_like"]
    assert data == ["py.typed", "widgets/*.js", "widgets/*.css"]
    for name in ("playground.js", "playground.css"):  # the files those patterns match
        assert (ROOT / "micrograd_like" / "widgets" / name).is_file()


def test_the_changelog_keeps_a_changelog_with_this_version():
    text = (ROOT / "CHANGELOG.md").read_text()
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings[0] == "[Unreleased]"
    released = [re.fullmatch(r"\[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}", h) for h in headings[1:]]
    assert all(released), headings
    versions = [m.group(1) for m in released if m]
    assert micrograd_like.__version__ in versions
    as_tuples = [tuple(int(x) for x in v.split(".")) for v in versions]
    assert as_tuples == sorted(as_tuples, reverse=True)  # newest first
    for kind in re.findall(r"^### (.+)$", text, flags=re.M):
        assert kind in {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def make_wheel(path: Path, names: list[str], license_expression: str = "MIT") -> Path:
    """A wheel-shaped zip holding ``names``, with METADATA."""
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            archive.writestr(name, "")
        archive.writestr(
            "micrograd_like-0.1.0.dist-info/METADATA",
            f"Metadata-Version: 2.4\nName: micrograd-like\nVersion: 0.1.0\n"
            f"License-Expression: {license_expression}\n"
            "Requires-Dist: graphviz>=0.20\n"
            'Requires-Dist: matplotlib>=3.7; extra == "plot"\n'
            'Requires-Dist: scikit-learn>=1.2; extra == "notebooks"\n',
        )
    return path


def load_check_dist():
    import importlib.util

    spec = importlib.util.spec_from_file_location("check_dist", ROOT / "scripts" / "check_dist.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_dist_check_accepts_a_clean_wheel_and_reads_its_extras(tmp_path: Path):
    check_dist = load_check_dist()
    wheel = make_wheel(
        tmp_path / "ok.whl",
        [
            "micrograd_like/__init__.py",
            "micrograd_like/py.typed",
            "micrograd_like/widgets/playground.js",
            "micrograd_like/widgets/playground.css",
            "micrograd_like-0.1.0.dist-info/licenses/LICENSE",
        ],
    )
    assert check_dist.check_wheel_contents(wheel) == []
    assert check_dist.extras_packages(wheel) == {"matplotlib", "sklearn"}


def test_the_dist_check_refuses_tests_notebooks_and_missing_files(tmp_path: Path):
    check_dist = load_check_dist()
    wheel = make_wheel(
        tmp_path / "bad.whl",
        [
            "micrograd_like/__init__.py",
            "tests/test_engine.py",
            "benchmarks/bench_moons.py",
            "micrograd_like/notebooks/01.ipynb",
        ],
        license_expression="GPL-3.0",
    )
    assert check_dist.check_wheel_contents(wheel) == [
        "the wheel holds benchmarks/bench_moons.py",
        "the wheel holds micrograd_like/notebooks/01.ipynb",
        "the wheel holds tests/test_engine.py",
        "the wheel lacks micrograd_like/py.typed",
        "the wheel lacks micrograd_like/widgets/playground.js",
        "the wheel lacks micrograd_like/widgets/playground.css",
        "the wheel lacks its LICENSE file (license-files)",
        "License-Expression is 'GPL-3.0'",
    ]
