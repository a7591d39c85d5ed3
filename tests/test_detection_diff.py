"""benchmarks/detection_diff.py: the per-scenario comparison of two `glofwatch evaluate` runs that BENCHMARKS' development
tables are made of."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLANK = {"hazard": None, "detected": None, "detected_warning": None, "warning_min": None, "warning_fraction": None,
         "miss_reason": None, "false_evacuations": 0, "wrong_zone": 0, "false_warnings": 0}


def run(tmp: Path, name: str, rows: list[dict]) -> Path:
    d = tmp / name / "s1"
    d.mkdir(parents=True)
    (d / "fusion.scores.jsonl").write_text("".join(json.dumps({**BLANK, **r}) + "\n" for r in rows))
    return tmp / name


def event(sid: str, found: bool, minutes: float | None = None, reason: str | None = None) -> dict:
    return {"id": sid, "hazard": "glof", "detected": found, "detected_warning": found, "warning_min": minutes,
            "warning_fraction": 0.5 if found else None, "miss_reason": reason}


def test_found_lost_sooner_and_false_evacuations_are_counted(tmp_path: Path) -> None:
    before = run(tmp_path, "before", [event("a", False, reason="no_decision"), event("b", True, 10.0),
                                      event("c", True, 20.0), {"id": "q", "false_evacuations": 1}])
    after = run(tmp_path, "after", [event("a", True, 30.0), event("b", False), event("c", True, 25.0),
                                    {"id": "q", "false_evacuations": 0}])
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "detection_diff.py"), str(before), str(after)],
                         capture_output=True, text=True, check=True).stdout
    assert "FOUND  s1 a 30.0 min before the first zone (was no_decision)" in out
    assert "LOST   s1 b" in out and "sooner s1 c +5.0 min" in out
    assert "1 sets, 3 events: found 2 -> 2, 1 sooner, 0 later" in out
    assert "false evacuations 1 -> 0" in out


def test_a_missing_run_says_what_to_do(tmp_path: Path) -> None:
    before = run(tmp_path, "before", [event("a", True, 5.0)])
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "detection_diff.py"), str(before),
                        str(tmp_path / "nowhere"), "s1"], capture_output=True, text=True)
    assert r.returncode != 0 and "run `glofwatch evaluate --scenarios DIR --out" in r.stderr


def test_against_compares_two_detectors_of_one_run(tmp_path: Path) -> None:
    """One `evaluate` run scored both detectors: --against thresholds lists what the baseline found that the fusion
    missed, and where it evacuated sooner."""
    one = run(tmp_path, "one", [event("a", False, reason="no_decision"), event("b", True, 10.0)])
    (one / "s1" / "thresholds.scores.jsonl").write_text(
        "".join(json.dumps({**BLANK, **r}) + "\n" for r in [event("a", True, 4.0), event("b", True, 40.0)]))
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "detection_diff.py"), str(one), str(one),
                          "--against", "thresholds"], capture_output=True, text=True, check=True).stdout
    assert "FOUND  s1 a 4.0 min before the first zone (was no_decision)" in out
    assert "sooner s1 b +30.0 min" in out and "found 1 -> 2, 1 sooner" in out
