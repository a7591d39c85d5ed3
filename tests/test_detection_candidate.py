"""benchmarks/detection_candidate.py: a candidate rule's first hits on scenario sets, from cached raw features."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from glofwatch.site import load_site
from tests.benchmark_scripts import run
from tests.detection.synthetic import rain_and_stage_day


def one_day_set(folder: Path) -> None:
    """A no-hazard day whose gauge-cak steps +1 m at 03:00 and stays (a glitch or a flood: the truth says no hazard)."""
    df = rain_and_stage_day(load_site(None), None, lambda h, v: v + np.where(h >= 3.0, 1.0, 0.0), gauge="gauge-cak",
                            hours=5.0, seed=3)
    folder.mkdir()
    df.to_csv(folder / "day.csv", index=False)
    truth = {"id": "day-fault", "file": "day.csv", "kind": "fault", "hazard": None, "zones": [], "onset": None,
             "first_arrival": None}
    (folder / "truth.jsonl").write_text(json.dumps(truth) + "\n")


def test_a_rule_that_fires_on_a_no_hazard_day_is_a_false_evacuation_and_the_features_are_cached(tmp_path: Path) -> None:
    one_day_set(tmp_path / "set")
    out = run("detection_candidate", "r['gauge'] >= 0.5", str(tmp_path / "set"))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("set day-fault debris_flow:chong-ak-suu FE"), lines
    assert lines[-1] == "FE=1"  # Cholpon-Ata's gauge did not move
    assert (tmp_path / "set" / ".features" / "day-fault.npz").exists()
    # from the cache, a rule that never holds
    again = run("detection_candidate", "r['gauge'] >= 5.0", str(tmp_path / "set"))
    assert again.returncode == 0 and again.stdout.strip() == "no hit", again.stdout + again.stderr
