"""The instruction-count gate (``benchmarks/instructions.py``): how it judges counts.

The counting itself runs under valgrind in CI (``make bench-gate``); these tests check
the judging, the baseline kept in the repo, and that every workload runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

import instructions  # noqa: E402

BASELINE = {
    "python": instructions.python_id(),
    "workloads": {
        "chain": {"steps": 3, "instructions per step": 1_000_000},
        "demo step": {"steps": 4, "instructions per step": 2_000_000},
    },
}


def measured(chain: int, demo: int) -> dict[str, dict[str, int]]:
    return {
        "chain": {"steps": 3, "instructions per step": chain},
        "demo step": {"steps": 4, "instructions per step": demo},
    }


def test_a_rise_of_more_than_3_percent_fails_and_names_the_workload() -> None:
    # chain: 1,035,000 / 1,000,000 - 1 = +3.5% > 3%; demo: 2,058,000 / 2,000,000 = +2.9%
    rows, failures = instructions.compare(BASELINE, measured(1_035_000, 2_058_000))
    assert failures == [
        "chain: 1,000,000 -> 1,035,000 instructions per step, +3.50% (more than +3%)"
    ]
    assert rows[0][-1].startswith("FAIL") and rows[1][-1] == "ok"


def test_a_fall_passes_and_asks_for_a_new_baseline() -> None:
    rows, failures = instructions.compare(BASELINE, measured(800_000, 2_000_000))
    assert failures == []
    assert rows[0][3] == "-20.00%" and "refresh the baseline" in rows[0][4]


def test_a_workload_missing_from_the_baseline_fails() -> None:
    new = {
        **measured(1_000_000, 2_000_000),
        "digits chunk": {"steps": 2, "instructions per step": 5},
    }
    _, failures = instructions.compare(BASELINE, new)
    assert failures == ["digits chunk: not in the baseline (make bench-baseline adds it)"]


def test_the_total_is_read_from_callgrinds_output() -> None:
    text = "version: 1\ncreator: callgrind-3.19.0\nevents: Ir\nfn=main\n3 5\ntotals: 123456\n"
    assert instructions.parse_total(text) == 123456
    with pytest.raises(ValueError, match="no 'totals:' line"):
        instructions.parse_total("events: Ir\n")


def test_the_gate_is_skipped_with_a_reason_on_another_python_or_without_valgrind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(instructions.shutil, "which", lambda name: "/usr/bin/" + name)
    assert instructions.skip_reason(BASELINE) is None
    other = {**BASELINE, "python": "CPython 3.99.0"}
    reason = instructions.skip_reason(other)
    assert reason is not None and "CPython 3.99.0" in reason and instructions.python_id() in reason
    monkeypatch.setattr(instructions.shutil, "which", lambda name: None)
    reason = instructions.skip_reason(BASELINE)
    assert reason is not None and reason.startswith("valgrind is not installed")


def test_the_baseline_in_the_repo_counts_every_workload_with_its_steps() -> None:
    baseline = json.loads(instructions.BASELINE.read_text(encoding="utf-8"))
    assert baseline["python"].startswith("CPython 3.")
    assert set(baseline["workloads"]) == set(instructions.WORKLOADS)
    for name, entry in baseline["workloads"].items():
        assert entry["steps"] == instructions.STEPS[name]
        assert entry["instructions per step"] > 0


@pytest.mark.parametrize("workload", sorted(instructions.WORKLOADS))
def test_every_workload_runs_outside_valgrind(workload: str, tmp_path: Path) -> None:
    data = tmp_path / "data.json"
    data.write_text(json.dumps(instructions.workload_data()), encoding="utf-8")
    cmd = [sys.executable, str(BENCH / "instructions.py"), "--worker", workload, "--steps", "1"]
    proc = subprocess.run([*cmd, "--data", str(data)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
