"""glofwatch evaluate end to end: simulated folders, saved alerts, the real replay when it exists."""

from __future__ import annotations

import importlib.util
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from glofwatch.cli import app
from glofwatch.errors import GlofwatchError
from glofwatch.evaluation.run import alerts_replay, detection_replay, evaluate, folder_cases, paired, simulated_cases
from glofwatch.evaluation.scoring import ScenarioScore
from glofwatch.sim.scenarios import generate, write_all
from glofwatch.site.model import Site

HAS_REPLAY = importlib.util.find_spec("glofwatch.detection.replay") is not None


def _at(iso: str, minutes: float) -> str:
    return (datetime.fromisoformat(iso.replace("Z", "+00:00")) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_alerts(folder: Path, truths: list[dict[str, Any]], *, delay_min: float, false_in: str | None = None) -> None:
    """Alert files as `glofwatch replay` writes them: an evacuation ``delay_min`` after each onset."""
    folder.mkdir(parents=True, exist_ok=True)
    for t in truths:
        lines = []
        if t["hazard"]:
            lines.append({"time": _at(t["onset"], delay_min), "level": "evacuate", "hazard": t["hazard"], "zones": t["zones"],
                          "lake": t["lake"]})
        if t["id"] == false_in:
            lines.append({"time": _at(t["start"], 30), "level": "evacuate", "hazard": "glof", "zones": ["cha-town"], "lake": None})
        if lines:
            (folder / f"{t['id']}.jsonl").write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in lines))


def test_folder_with_saved_alerts(site: Site, tmp_path: Path) -> None:
    scs = generate(site, seed=1_000_000, n=10)
    write_all(scs, tmp_path / "sc")
    truths = [s.truth for s in scs]
    quiet = next(t["id"] for t in truths if t["kind"] == "quiet")
    write_alerts(tmp_path / "al", truths, delay_min=3, false_in=quiet)
    cases = list(folder_cases(tmp_path / "sc"))
    assert [len(c.telemetry) for c in cases] == [len(s.telemetry) for s in scs]
    assert cases[0].telemetry.value.isna().sum() == scs[0].telemetry.value.isna().sum()
    ev = evaluate(site, cases, saved=alerts_replay(tmp_path / "al"))
    s = ev.summaries["saved"]
    assert s["recall"]["glof"]["evacuate"] == 1.0 and s["recall"]["debris_flow"]["evacuate"] == 1.0
    assert s["false_evacuations"]["count"] == 1 and s["false_evacuations"]["scenarios"] == [quiet]
    assert s["warning_time_min"]["median"] == pytest.approx(s["available_min"]["median"] - 3, abs=3)
    assert ev.rows == sum(len(x.telemetry) for x in scs)


def test_evaluate_command_on_a_folder(site: Site, tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["simulate", "--out", str(tmp_path / "sc"), "--n", "10", "--seed", "1000020"])
    assert r.exit_code == 0, r.output
    truths = [orjson.loads(x) for x in (tmp_path / "sc" / "truth.jsonl").read_bytes().splitlines()]
    write_alerts(tmp_path / "al", truths, delay_min=1)
    r = CliRunner().invoke(app, ["evaluate", "--scenarios", str(tmp_path / "sc"), "--alerts", str(tmp_path / "al"),
                                 "--out", str(tmp_path / "res")])
    assert r.exit_code == 0, r.output
    assert "recall glof" in r.output and "false evacuations" in r.output
    summary = orjson.loads((tmp_path / "res" / "summary.json").read_bytes())
    assert summary["summaries"]["saved"]["goal"]["every_event_detected"] is True
    assert len((tmp_path / "res" / "saved.scores.jsonl").read_bytes().splitlines()) == 10


def test_missing_scenario_folder_is_named(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["evaluate", "--scenarios", str(tmp_path / "nowhere"), "--alerts", str(tmp_path)])
    assert r.exit_code == 2 and "truth.jsonl" in r.output


def test_simulated_cases_use_evaluation_seeds(site: Site) -> None:
    cases = list(simulated_cases(site, n=3))
    assert [c.truth["seed"] for c in cases] == [1_000_000, 1_000_001, 1_000_002]


@pytest.mark.skipif(not HAS_REPLAY, reason="glofwatch.detection.replay not built yet")
def test_unknown_detector_is_a_clear_error() -> None:
    r = CliRunner().invoke(app, ["evaluate", "--n", "1", "--detector", "nonesuch"])
    assert r.exit_code == 2 and "nonesuch" in r.output


def test_without_replay_the_error_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "glofwatch.detection.replay", None)  # an installation without detection
    with pytest.raises(GlofwatchError, match="--alerts"):
        detection_replay("fusion")


@pytest.mark.slow
@pytest.mark.skipif(not HAS_REPLAY, reason="glofwatch.detection.replay not built yet")
def test_real_replay_fusion_and_thresholds(site: Site) -> None:
    from glofwatch.detection.fusion import MODEL_PATH

    ev = evaluate(site, simulated_cases(site, n=10))
    assert "thresholds" in ev.summaries
    if MODEL_PATH.exists():
        assert set(ev.summaries) == {"fusion", "thresholds"} and not ev.skipped
    else:
        assert "fusion" in ev.skipped and "train" in ev.skipped["fusion"]
    for s in ev.summaries.values():
        assert s["scenarios"] == 10 and set(s["recall"]) == {"glof", "debris_flow"}
    if len(ev.summaries) == 2:
        pairs = [s["paired"] for s in ev.summaries.values()]
        assert pairs[0]["n"] == pairs[1]["n"] and pairs[0]["detectors"] == ["fusion", "thresholds"]


def test_paired_fractions_compare_the_events_every_detector_found() -> None:
    def ev(sid: str, frac: float | None, hazard: str | None = "glof") -> ScenarioScore:
        return ScenarioScore(id=sid, kind=hazard or "quiet", hazard=hazard, available_min=100.0, detected=frac is not None,
                             warning_min=None if frac is None else 100 * frac, warning_fraction=frac)

    # the first finds a hard event late (0.2) that the second misses: its own median (0.55) is under the second's (0.8)
    scores = {"fusion": [ev("a", 0.9), ev("b", 0.2), ev("c", None), ev("q", None, None)],
              "thresholds": [ev("a", 0.8), ev("b", None), ev("c", None), ev("q", None, None)]}
    out = paired(scores)
    assert out["fusion"]["n"] == out["thresholds"]["n"] == 1 and out["fusion"]["detectors"] == ["fusion", "thresholds"]
    assert out["fusion"]["warning_fraction"]["median"] == 0.9 and out["thresholds"]["warning_fraction"]["median"] == 0.8
    assert out["fusion"]["warning_time_min"]["median"] == 90.0
    # nothing found by both: no figure, not a zero
    assert paired({"x": [ev("a", 0.5)], "y": [ev("a", None)]})["x"] == {"detectors": ["x", "y"], "n": 0,
                                                                       "warning_fraction": {"n": 0},
                                                                       "warning_time_min": {"n": 0}}
