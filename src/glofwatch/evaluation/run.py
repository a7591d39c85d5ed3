"""Replay scenarios through detection and score them (the engine of ``glofwatch evaluate``).

Scenarios come from the simulator with evaluation seeds (>= ``EVALUATION_SEED_START``, never used in
training) or from a folder in the ``glofwatch simulate`` layout (``truth.jsonl`` + one CSV a scenario),
which may have been made by anyone. Decisions come from
``glofwatch.detection.replay.replay_frame(site, telemetry, detector=...)`` or, for alerts replayed
elsewhere, from ``ALERTS/<scenario_id>.jsonl`` files (one JSON alert a line, DESIGN.md §3).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson
import pandas as pd

from glofwatch.errors import GlofwatchError
from glofwatch.evaluation.detectable import detectability
from glofwatch.evaluation.scoring import ScenarioScore, distribution, score_scenario, summarize
from glofwatch.sim.scenarios import EVALUATION_SEED_START, read_truth, scenario
from glofwatch.site.model import Site

DETECTORS = ("fusion", "thresholds")
Replay = Callable[..., Sequence[Any]]  # (site, telemetry[, maintenance=windows]) -> decisions


@dataclass(frozen=True)
class Case:
    """One scenario to score: its truth and its telemetry (time, station, sensor, value)."""

    truth: dict[str, Any]
    telemetry: pd.DataFrame


def simulated_cases(site: Site, *, seed_start: int = EVALUATION_SEED_START, n: int = 100,
                    variant: str = "default") -> Iterator[Case]:
    """Scenarios of seeds ``seed_start .. seed_start+n-1`` under the physics ``variant``, made one at a time."""
    for s in range(seed_start, seed_start + n):
        sc = scenario(site, s, variant=variant)
        yield Case(sc.truth, sc.telemetry)


def read_telemetry(path: Path) -> pd.DataFrame:
    """A long-form telemetry CSV as a frame (time as text, value as float; ``NAN`` and empty are missing)."""
    if not path.exists():
        raise GlofwatchError(f"{path} not found: truth.jsonl names it as a scenario's telemetry file")
    return pd.read_csv(path, dtype={"time": str, "station": str, "sensor": str}, na_values=["NAN"],
                       keep_default_na=True)


def folder_cases(folder: Path) -> Iterator[Case]:
    """The scenarios of a ``glofwatch simulate``-style folder, in truth.jsonl order."""
    for truth in read_truth(folder):
        yield Case(truth, read_telemetry(Path(folder) / truth.get("file", f"{truth['id']}.csv")))


def detection_replay(detector: str) -> Replay:
    """``replay_frame`` of the detection package for ``detector`` ('fusion', 'thresholds', ...)."""
    try:
        from glofwatch.detection.replay import replay_frame
    except ImportError as e:
        raise GlofwatchError(
            "glofwatch.detection.replay.replay_frame is not available in this installation; score alerts "
            "replayed elsewhere with `glofwatch evaluate --scenarios DIR --alerts ALERTS_DIR`") from e

    def run(site: Site, telemetry: pd.DataFrame, maintenance: list[Any] | None = None) -> Sequence[Any]:
        return replay_frame(site, telemetry, detector=detector, maintenance=maintenance)

    return run


def truth_windows(truth: dict[str, Any]) -> list[Any]:
    """The maintenance windows a scenario's truth says the duty officer opened (``maintenance`` scenarios)."""
    from glofwatch.clock import ms, parse_iso
    from glofwatch.telemetry.maintenance import Window

    return [Window(w["station"], w.get("sensor"), ms(parse_iso(w["start"])), ms(parse_iso(w["end"])), w.get("reason", ""))
            for w in truth.get("maintenance") or []]


def alerts_replay(folder: Path) -> Callable[[dict[str, Any]], list[dict[str, Any]]]:
    """Decisions saved as ``folder/<scenario_id>.jsonl``; a missing file means no alert at all."""

    def load(truth: dict[str, Any]) -> list[dict[str, Any]]:
        p = Path(folder) / f"{truth['id']}.jsonl"
        if not p.exists():
            return []
        return [orjson.loads(x) for x in p.read_bytes().splitlines() if x.strip()]

    return load


@dataclass
class Evaluation:
    """Scores and summaries per detector, plus what was run (written beside results for reproducibility)."""

    config: dict[str, Any]
    scores: dict[str, list[ScenarioScore]] = field(default_factory=dict)
    summaries: dict[str, dict[str, Any]] = field(default_factory=dict)
    rows: int = 0
    replay_s: dict[str, float] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # detector -> why it could not run

    def to_dict(self) -> dict[str, Any]:
        return {"config": self.config, "rows": self.rows, "replay_s": self.replay_s, "skipped": self.skipped,
                "summaries": self.summaries}


def _hours(truth: dict[str, Any]) -> float:
    t0 = pd.Timestamp(truth["start"])
    t1 = pd.Timestamp(truth["end"]) if truth.get("end") else t0
    return (t1 - t0).total_seconds() / 3600.0


def evaluate(site: Site, cases: Iterator[Case] | list[Case], *, detectors: Sequence[str] = DETECTORS,
             replays: dict[str, Replay] | None = None, saved: Callable[[dict[str, Any]], list[dict[str, Any]]] | None = None,
             config: dict[str, Any] | None = None, maintenance: bool = True) -> Evaluation:
    """Replay every case through each detector (or read its ``saved`` alerts) and score it.

    ``replays`` maps detector name -> a replay function (default: :func:`detection_replay`); ``saved``,
    when given, replaces replay by saved alerts (scored as the single detector ``saved``). ``maintenance``: hand a
    scenario's maintenance windows (truth ``maintenance``) to the replay, as the duty officer would have opened them
    (False: withheld, as if nobody told the system).
    """
    names = ["saved"] if saved is not None else list(detectors)
    runs: dict[str, Replay] = {}
    ev = Evaluation(config=dict(config or {}, detectors=names, maintenance=maintenance))
    if saved is None:
        for d in names:
            try:
                runs[d] = (replays or {}).get(d) or detection_replay(d)
            except GlofwatchError as e:
                ev.skipped[d] = str(e)
    negative_hours = 0.0
    kinds = {st.id: st.kind for st in site.stations}
    for name in names:
        ev.scores[name] = []
        ev.replay_s[name] = 0.0
    for case in cases:
        ev.rows += len(case.telemetry)
        if case.truth.get("hazard") is None:
            negative_hours += _hours(case.truth)
        judged = detectability(case.truth, case.telemetry, kinds)
        for name in names:
            if name in ev.skipped:
                continue
            t = time.perf_counter()
            try:
                wins = truth_windows(case.truth) if maintenance else []
                decisions = saved(case.truth) if saved is not None else (
                    runs[name](site, case.telemetry, maintenance=wins) if wins else runs[name](site, case.telemetry))
            except GlofwatchError as e:  # e.g. the fusion model file is not built: go on with the others
                ev.skipped[name] = str(e)
                continue
            ev.replay_s[name] += time.perf_counter() - t
            sc = score_scenario(case.truth, decisions)
            if judged is not None:
                first = judged.first_signal_ms
                arrive = pd.Timestamp(case.truth["first_arrival"]).value // 1_000_000
                sc = replace(sc, detectable=judged.detectable, undetectable_reason=judged.reason,
                             signal_min=round((arrive - first) / 60_000, 2) if first is not None else None)
            ev.scores[name].append(sc)
    ran = [n for n in names if n not in ev.skipped]
    if not ran:
        raise GlofwatchError("no detector could run: " + "; ".join(f"{k}: {v}" for k, v in ev.skipped.items()))
    for name in ran:
        ev.summaries[name] = summarize(ev.scores[name], stations=len(site.stations), negative_hours=negative_hours)
    if len(ran) > 1:
        for name, pair in paired({n: ev.scores[n] for n in ran}).items():
            ev.summaries[name]["paired"] = pair
    return ev


def paired(scores: dict[str, list[ScenarioScore]]) -> dict[str, dict[str, Any]]:
    """Each detector's warning fraction on the events that every detector found in time, side by side.

    A detector that finds the hard events (a small flood seen late, a lake station destroyed early) adds low fractions
    to its own median that one which misses them never counts: its median can fall below a weaker detector's. On the
    events all of them found the two medians compare like with like (the issue's "the fusion must beat it").
    """
    by_id = {name: {s.id: s for s in ss} for name, ss in scores.items()}
    ids = set.intersection(*(set(d) for d in by_id.values()))
    common = sorted(sid for sid in ids if all(d[sid].hazard and d[sid].detected for d in by_id.values()))
    return {name: {"detectors": list(by_id), "n": len(common),
                   "warning_fraction": distribution([d[sid].warning_fraction or 0.0 for sid in common]),
                   "warning_time_min": distribution([d[sid].warning_min or 0.0 for sid in common])}
            for name, d in by_id.items()}
