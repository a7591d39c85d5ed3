"""Score detection decisions against a scenario's truth. Pure functions over plain data.

Rules (docs/scenarios.md, "Scoring"):

- A scenario with a hazard (``glof`` or ``debris_flow``) is **detected** at a level (``evacuate``, or
  ``warning`` = warning or evacuate) when a decision of at least that level, for the right hazard, names
  the first zone the wave reaches, before the wave's front arrives there (``first_arrival``).
  Evacuations count from the onset on; warnings from the scenario start (a rain-threshold warning
  before a debris flow is a right anticipation). The source lake need not match (reported apart).
- **Warning time** = first_arrival - time of that first decision (minutes); **available time** =
  first_arrival - onset; their ratio is the **warning fraction** (1 = an alert at the very onset).
- A **false evacuation** is an evacuation episode in a ``rain``, ``quiet`` or ``fault`` scenario, or in a
  hazard scenario before its onset. An episode is an ``evacuate`` decision that does not update
  (``previous``) another ``evacuate`` decision: escalation once, updates are not new alarms.
- A **false warning** is a warning-or-evacuate episode in a ``rain``, ``quiet`` or ``fault`` scenario (a warning that
  does not update another warning or evacuation): crying wolf at the level that calls the duty officer.
- **Alerted late**: a hazard not warned of in time whose first right-hazard warning-or-evacuate naming the first zone
  came after the front (``late_min`` after it): a slow drainage's front is a trickle hours before its peak, so a
  warning then still counts for the people below, though never as recall.
- A **wrong-zone alert** is an ``evacuate`` decision in a hazard scenario naming a zone the wave does
  not reach. Of them, a **wrong-valley alert** names no zone the wave reaches (another valley, the goal's "no
  evacuation of a valley the wave does not reach"); the others name zones beyond the reach of a wave that stops short
  (a debris flow's runout, the crosscheck generator's) along with those it reaches.
- Station-years: number of stations x hours of the scenarios with no hazard / 8766.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from glofwatch.clock import parse_iso
from glofwatch.detection.decision import Decision, level_rank

HAZARDS = ("glof", "debris_flow")
NEGATIVE_KINDS = ("rain", "quiet", "fault")
HOURS_PER_YEAR = 8766.0


def _t(s: str | None) -> float | None:
    """ISO 8601 -> epoch seconds (None stays None)."""
    if s is None:
        return None
    return parse_iso(s).timestamp()


def as_dict(d: Decision | Mapping[str, Any]) -> dict[str, Any]:
    """A decision as a plain dict (a :class:`Decision` or one JSON alert line of ``glofwatch replay``)."""
    return d.to_dict() if isinstance(d, Decision) else dict(d)


@dataclass(frozen=True)
class ScenarioScore:
    """How detection did on one scenario. Times in minutes; None where not applicable."""

    id: str
    kind: str
    hazard: str | None
    first_zone: str | None = None
    available_min: float | None = None
    detected: bool | None = None  # evacuate, right hazard, first zone, before first arrival
    detected_warning: bool | None = None  # warning or evacuate, same conditions
    zone_evacuated: bool | None = None  # an evacuate of the first zone before the first arrival, whatever its hazard
    warning_min: float | None = None  # of the first detecting evacuate
    warning_fraction: float | None = None
    warning_min_warning: float | None = None  # of the first detecting warning-or-evacuate
    warning_fraction_warning: float | None = None
    lake_correct: bool | None = None  # the detecting decision named the true lake (glof)
    miss_reason: str | None = None  # why not detected: no_decision, late, wrong_zone, wrong_hazard
    false_evacuations: int = 0
    false_warnings: int = 0  # warning-or-evacuate episodes in a scenario with no hazard
    late_min: float | None = None  # not warned in time: minutes after the front of the first right warning+
    # minutes before the first arrival of the first alert of any level (advisory, watch included: the duty officer heard
    # of it) for this hazard naming the first zone, raised at or after the onset; None where none came before arrival
    alerted_min: float | None = None
    wrong_zone: int = 0
    wrong_zones: list[str] = field(default_factory=list)
    wrong_valley: int = 0
    decisions: int = 0
    peak_first_zone_m3s: float | None = None  # from the truth, when given: how big the flood is where people are
    detectable: bool | None = None  # some working sensor showed it above noise before first_arrival (detectable.py)
    undetectable_reason: str | None = None  # no_sensor_reached, no_readings, faulted, below_noise
    signal_min: float | None = None  # first_arrival - the first reading above noise on the path (detectable.py)
    # not detected, but an evacuation of the first zone for this hazard issued before the onset (a false evacuation
    # here) was still in force when the wave reached it: the people were out (the engine sends no second evacuate)
    early_in_force: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def episodes(decisions: Sequence[Mapping[str, Any]], min_level: str) -> list[dict[str, Any]]:
    """The decisions at ``min_level`` or above that start an episode (do not update another such decision)."""
    up = [d for d in decisions if level_rank(d.get("level", "none")) >= level_rank(min_level)]
    ids = {d.get("id") for d in up if d.get("id")}
    return [dict(d) for d in up if not (d.get("previous") and d["previous"] in ids)]


def evacuation_episodes(decisions: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The ``evacuate`` decisions that start an episode (do not update another ``evacuate``)."""
    return episodes(decisions, "evacuate")


def warning_episodes(decisions: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The warning-or-evacuate decisions that start an episode (do not update another such decision)."""
    return episodes(decisions, "warning")


def score_scenario(truth: Mapping[str, Any], decisions: Iterable[Decision | Mapping[str, Any]]) -> ScenarioScore:
    """Score ``decisions`` (in any order) against one scenario's ``truth`` (the truth.jsonl object)."""
    ds = sorted((as_dict(d) for d in decisions), key=lambda d: _t(d["time"]) or 0.0)
    hazard = truth.get("hazard")
    base = {"id": truth["id"], "kind": truth["kind"], "hazard": hazard, "decisions": len(ds),
            "peak_first_zone_m3s": truth.get("peak_first_zone_m3s")}
    if hazard is None:
        return ScenarioScore(**base, false_evacuations=len(evacuation_episodes(ds)), false_warnings=len(warning_episodes(ds)))

    onset, first = _t(truth["onset"]), _t(truth["first_arrival"])
    arrivals = truth.get("arrivals") or {}
    first_zone = min(arrivals, key=lambda z: _t(arrivals[z]) or 0.0) if arrivals else None
    reached = set(truth.get("zones") or [])
    available = (first - onset) / 60.0 if first is not None and onset is not None else None

    def first_hit(min_level: str, since: float, any_hazard: bool = False) -> dict[str, Any] | None:
        for d in ds:
            t = _t(d["time"]) or 0.0
            right = (any_hazard or d.get("hazard") == hazard) and first_zone in (d.get("zones") or [])
            if right and level_rank(d["level"]) >= level_rank(min_level) and since <= t < (first or np.inf):
                return d
        return None

    # signs of the outburst before its onset (a truth's ``precursor.start``: seepage, a lake rising over its spillway, an
    # avalanche's wave in the lake, the crosscheck generator's): an evacuation after them is early, not false; its lead
    # counts from the onset's available time, at most all of it
    signs = min(onset or -np.inf, _t((truth.get("precursor") or {}).get("start")) or np.inf)
    evac = first_hit("evacuate", signs)
    # the people of the first zone were told to leave in time, whatever the alert called the hazard (an outburst whose
    # lake station died at the breach, evacuated as a debris flow): for them the same; for recall per hazard a miss
    zone_evac = first_hit("evacuate", signs, any_hazard=True)
    warn = first_hit("warning", _t(truth["start"]) or -np.inf)
    heard = first_hit("advisory", signs)
    premature = [d for d in evacuation_episodes(ds) if (_t(d["time"]) or 0.0) < signs]
    wrong = [d for d in ds if d.get("level") == "evacuate" and set(d.get("zones") or []) - reached]
    wrong_zones = sorted({z for d in wrong for z in (d.get("zones") or []) if z not in reached})
    elsewhere = [d for d in wrong if not set(d.get("zones") or []) & reached]

    def lead(d: dict[str, Any] | None) -> tuple[float | None, float | None]:
        if d is None or first is None:
            return None, None
        m = (first - (_t(d["time"]) or 0.0)) / 60.0
        return round(m, 2), (round(m / available, 4) if available else None)

    w_min, w_frac = lead(evac)
    w_frac = None if w_frac is None else min(w_frac, 1.0)  # an evacuation on a precursor: all of the available time
    ww_min, ww_frac = lead(warn)
    late_min = None
    if warn is None and first is not None:
        after = [d for d in ds if d.get("hazard") == hazard and first_zone in (d.get("zones") or [])
                 and level_rank(d["level"]) >= level_rank("warning") and (_t(d["time"]) or 0.0) >= first]
        late_min = round(((_t(after[0]["time"]) or 0.0) - first) / 60.0, 2) if after else None
    # the level in force for the first zone and this hazard when the wave reached it: the last such decision before then
    in_force = [d for d in ds if d.get("hazard") == hazard and first_zone in (d.get("zones") or [])
                and (_t(d["time"]) or 0.0) < (first or np.inf)]
    early_in_force = bool(evac is None and premature and in_force and in_force[-1].get("level") == "evacuate")
    reason = None
    if evac is None:
        evacs = [d for d in ds if d.get("level") == "evacuate" and (_t(d["time"]) or 0.0) >= signs]
        if not evacs:
            reason = "no_decision"
        elif all(d.get("hazard") != hazard for d in evacs):
            reason = "wrong_hazard"
        elif all(first_zone not in (d.get("zones") or []) for d in evacs if d.get("hazard") == hazard):
            reason = "wrong_zone"
        else:
            reason = "late"
    return ScenarioScore(
        **base, first_zone=first_zone, available_min=round(available, 2) if available is not None else None,
        detected=evac is not None, detected_warning=warn is not None, zone_evacuated=zone_evac is not None,
        warning_min=w_min, warning_fraction=w_frac, warning_min_warning=ww_min, warning_fraction_warning=ww_frac,
        lake_correct=(evac.get("lake") == truth.get("lake")) if evac is not None and hazard == "glof" else None,
        miss_reason=reason, false_evacuations=len(premature), late_min=late_min, wrong_zone=len(wrong), wrong_zones=wrong_zones,
        wrong_valley=len(elsewhere),
        early_in_force=early_in_force, alerted_min=lead(heard)[0],
    )


#: A flood whose peak at the first zone is below this (m3/s) is "minor": a small, slow drainage (typically of an
#: ice-dammed lake through a tunnel). It is still an outburst and scored as one, but also reported apart.
MINOR_PEAK_M3S = 20.0
PEAK_BINS = ((0.0, 20.0), (20.0, 100.0), (100.0, 500.0), (500.0, float("inf")))


def recall_by_peak(scores: Sequence[ScenarioScore]) -> dict[str, dict[str, float | int]]:
    """Evacuation recall per class of peak discharge at the first zone (m3/s): small floods are the hard ones."""
    out: dict[str, dict[str, float | int]] = {}
    for lo, hi in PEAK_BINS:
        hs = [s for s in scores if s.hazard and s.peak_first_zone_m3s is not None and lo <= s.peak_first_zone_m3s < hi]
        if hs:
            label = f"{lo:g}-{hi:g}" if np.isfinite(hi) else f">={lo:g}"
            out[label] = {"n": len(hs), "evacuate": round(sum(bool(s.detected) for s in hs) / len(hs), 4)}
    return out


def distribution(values: list[float]) -> dict[str, Any]:
    """n, min, p10, p25, median, p75, p90 and max of ``values`` (rounded to 3 places); ``{"n": 0}`` when empty."""
    if not values:
        return {"n": 0}
    a = np.asarray(values, dtype=float)
    q = np.quantile(a, [0.1, 0.25, 0.5, 0.75, 0.9])
    return {"n": len(a), "min": round(float(a.min()), 3), "p10": round(float(q[0]), 3), "p25": round(float(q[1]), 3),
            "median": round(float(q[2]), 3), "p75": round(float(q[3]), 3), "p90": round(float(q[4]), 3),
            "max": round(float(a.max()), 3)}


FRACTION_BINS = (0.0, 0.5, 0.7, 0.85, 0.95, 1.0001)


def fraction_histogram(fractions: list[float]) -> dict[str, int]:
    """Counts of warning fractions per bin (<0.5, 0.5-0.7, 0.7-0.85, 0.85-0.95, >=0.95)."""
    labels = ["<0.5", "0.5-0.7", "0.7-0.85", "0.85-0.95", ">=0.95"]
    idx = np.digitize(np.asarray(fractions, dtype=float), FRACTION_BINS[1:-1])
    return {lab: int((idx == i).sum()) for i, lab in enumerate(labels)}


def summarize(scores: Sequence[ScenarioScore], *, stations: int, negative_hours: float) -> dict[str, Any]:
    """The figures of ``glofwatch evaluate`` for one detector (see the module docstring for the rules).

    ``negative_hours``: total duration of the scenarios with no hazard (for false evacuations per station-year).
    """
    out: dict[str, Any] = {"scenarios": len(scores), "by_kind": {}}
    for s in scores:
        out["by_kind"][s.kind] = out["by_kind"].get(s.kind, 0) + 1
    recall: dict[str, Any] = {}
    for hz in HAZARDS:
        hs = [s for s in scores if s.hazard == hz]
        if hs:
            big = [s for s in hs if s.peak_first_zone_m3s is None or s.peak_first_zone_m3s >= MINOR_PEAK_M3S]
            recall[hz] = {
                "n": len(hs), "evacuate": round(sum(bool(s.detected) for s in hs) / len(hs), 4),
                "n_damaging": len(big),
                "evacuate_damaging": round(sum(bool(s.detected) for s in big) / len(big), 4) if big else None,
                "warning": round(sum(bool(s.detected_warning) for s in hs) / len(hs), 4),
                "zone_evacuated": round(sum(bool(s.zone_evacuated) for s in hs) / len(hs), 4),
                # warned of in time, or at least after the front (a slow drainage's peak comes hours after it)
                "warning_any": round(sum(bool(s.detected_warning) or s.late_min is not None for s in hs) / len(hs), 4),
                "late_min": distribution([s.late_min for s in hs if s.late_min is not None]),
                # any alert after the onset and before the first zone, a watch or an advisory too (what the duty officer
                # heard of it, and how early)
                "alerted": round(sum(s.alerted_min is not None for s in hs) / len(hs), 4),
                "alerted_min": distribution([s.alerted_min for s in hs if s.alerted_min is not None]),
                "missed": [{"id": s.id, "reason": s.miss_reason} for s in hs if not s.detected],
            }
            judged = [s for s in hs if s.detectable is not None]
            if judged:  # the physics' misses apart from detection's (never dropped from the figures above)
                det = [s for s in judged if s.detectable]
                recall[hz].update({
                    "n_detectable": len(det),
                    "evacuate_detectable": round(sum(bool(s.detected) for s in det) / len(det), 4) if det else None,
                    "undetectable": [{"id": s.id, "reason": s.undetectable_reason, "detected": bool(s.detected)}
                                     for s in judged if not s.detectable],
                })
    out["recall"] = recall
    out["recall_by_peak"] = recall_by_peak(scores)
    hz_scores = [s for s in scores if s.hazard]
    fe = sum(s.false_evacuations for s in scores)
    station_years = stations * negative_hours / HOURS_PER_YEAR
    out["false_evacuations"] = {
        "count": fe, "in_negative_scenarios": sum(s.false_evacuations for s in scores if s.hazard is None),
        "before_onset": sum(s.false_evacuations for s in hz_scores),
        # events missed only because their first zone's evacuation came before the onset and was still in force
        "before_onset_in_force": sum(bool(s.early_in_force) for s in hz_scores),
        "station_years": round(station_years, 4),
        "per_station_year": round(fe / station_years, 3) if station_years > 0 else None,
        "scenarios": [s.id for s in scores if s.false_evacuations],
        "by_kind": {k: sum(s.false_evacuations for s in scores if s.kind == k) for k in sorted({s.kind for s in scores})},
    }
    neg = [s for s in scores if s.hazard is None]
    out["false_warnings"] = {"count": sum(s.false_warnings for s in neg), "scenarios": len(neg),
                             "with_warning": [s.id for s in neg if s.false_warnings]}
    out["wrong_zone"] = {"count": sum(s.wrong_zone for s in scores), "scenarios": [s.id for s in scores if s.wrong_zone],
                         "wrong_valley": sum(s.wrong_valley for s in scores)}
    det = [s for s in hz_scores if s.detected]
    detw = [s for s in hz_scores if s.detected_warning]
    out["warning_time_min"] = distribution([s.warning_min for s in det if s.warning_min is not None])
    out["warning_fraction"] = distribution([s.warning_fraction for s in det if s.warning_fraction is not None])
    out["warning_fraction_histogram"] = fraction_histogram([s.warning_fraction for s in det if s.warning_fraction is not None])
    out["warning_level"] = {
        "warning_time_min": distribution([s.warning_min_warning for s in detw if s.warning_min_warning is not None]),
        "warning_fraction": distribution([s.warning_fraction_warning for s in detw if s.warning_fraction_warning is not None]),
    }
    out["available_min"] = distribution([s.available_min for s in hz_scores if s.available_min is not None])
    # the share of the time the sensors allowed (from the first reading above noise): how much of the gap to
    # the goal is detection's and how much is the sensors' placement
    out["signal_min"] = distribution([s.signal_min for s in hz_scores if s.signal_min is not None])
    out["warning_fraction_of_signal"] = distribution([min(s.warning_min / s.signal_min, 1.0) for s in det
                                               if s.warning_min is not None and s.signal_min])
    for hz in HAZARDS:
        d = [s for s in det if s.hazard == hz]
        if d:
            out.setdefault("warning_fraction_by_hazard", {})[hz] = distribution([s.warning_fraction for s in d
                                                                         if s.warning_fraction is not None])
    glofs = [s for s in det if s.lake_correct is not None]
    out["lake_correct"] = round(sum(bool(s.lake_correct) for s in glofs) / len(glofs), 4) if glofs else None
    # fractions counting a miss as 0 (the goal is about every event, so misses must weigh)
    all_frac = [s.warning_fraction if s.detected and s.warning_fraction is not None else 0.0 for s in hz_scores]
    out["warning_fraction_misses_as_zero"] = distribution(all_frac)
    out["goal"] = goal_check(out)
    return out


def goal_check(summary: Mapping[str, Any]) -> dict[str, bool]:
    """The issue's goal, line by line: every event detected, no false or wrong-zone evacuation, median fraction >= 0.85."""
    rec = summary.get("recall", {})
    frac = summary.get("warning_fraction_misses_as_zero", {})
    return {
        "every_event_detected": bool(rec) and all(r["evacuate"] == 1.0 for r in rec.values()),
        "every_damaging_event_detected": bool(rec) and all(r["evacuate_damaging"] in (1.0, None) for r in rec.values()),
        "no_false_evacuation": summary["false_evacuations"]["count"] == 0,
        "no_wrong_zone": summary["wrong_zone"]["count"] == 0,
        "no_wrong_valley": summary["wrong_zone"].get("wrong_valley", 0) == 0,
        "median_fraction_ge_0.85": frac.get("n", 0) > 0 and frac["median"] >= 0.85,
    }
