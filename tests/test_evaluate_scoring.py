"""The scorer on hand-made truths and decisions: every rule of glofwatch.evaluation.scoring."""

from __future__ import annotations

from typing import Any

import pytest

from glofwatch.detection.decision import Decision
from glofwatch.evaluation.scoring import evacuation_episodes, fraction_histogram, score_scenario, summarize

GLOF = {
    "id": "s1-glof", "seed": 1, "kind": "glof", "hazard": "glof", "lake": "cha-1",
    "start": "2026-07-01T00:00:00Z", "end": "2026-07-01T06:00:00Z", "onset": "2026-07-01T01:00:00Z",
    "zones": ["cha-upper", "cha-town"], "arrivals": {"cha-upper": "2026-07-01T01:40:00Z", "cha-town": "2026-07-01T01:45:00Z"},
    "first_arrival": "2026-07-01T01:40:00Z", "volume_m3": 5e5, "peak_discharge_m3s": 400, "faults": [], "file": "s1-glof.csv",
}
QUIET = {"id": "s2-quiet", "seed": 2, "kind": "quiet", "hazard": None, "lake": None, "start": "2026-07-02T00:00:00Z",
         "end": "2026-07-02T06:00:00Z", "onset": None, "zones": [], "arrivals": {}, "first_arrival": None,
         "volume_m3": None, "peak_discharge_m3s": None, "faults": [], "file": "s2-quiet.csv"}


def dec(time: str, level: str = "evacuate", hazard: str = "glof", zones: tuple[str, ...] = ("cha-upper", "cha-town"),
        lake: str | None = "cha-1", id: str | None = None, previous: str | None = None) -> dict[str, Any]:
    return {"id": id or f"d-{time}-{level}", "time": time, "level": level, "hazard": hazard, "zones": list(zones),
            "lake": lake, "previous": previous}


def test_evacuation_before_arrival_is_detected_with_its_warning_time() -> None:
    s = score_scenario(GLOF, [dec("2026-07-01T01:04:00Z")])
    assert s.detected and s.detected_warning and s.miss_reason is None
    assert s.available_min == 40.0 and s.warning_min == 36.0 and s.warning_fraction == pytest.approx(0.9)
    assert s.lake_correct is True and s.false_evacuations == 0 and s.wrong_zone == 0


def test_decision_objects_are_accepted_too() -> None:
    d = Decision(id="x", site="issyk-kul-demo", time="2026-07-01T01:10:00Z", level="evacuate", hazard="glof",
                 lake="cha-2", zones=["cha-upper"])
    s = score_scenario(GLOF, [d])
    assert s.detected and s.warning_min == 30.0 and s.lake_correct is False


@pytest.mark.parametrize("decisions,reason", [
    ([], "no_decision"),
    ([dec("2026-07-01T01:41:00Z")], "late"),
    ([dec("2026-07-01T01:10:00Z", zones=("cha-town",))], "wrong_zone"),
    ([dec("2026-07-01T01:10:00Z", hazard="debris_flow")], "wrong_hazard"),
    ([dec("2026-07-01T01:10:00Z", level="warning")], "no_decision"),
])
def test_misses_say_why(decisions: list[dict[str, Any]], reason: str) -> None:
    s = score_scenario(GLOF, decisions)
    assert s.detected is False and s.miss_reason == reason and s.warning_min is None


def test_an_evacuation_naming_the_other_hazard_still_evacuated_the_zone_in_time() -> None:
    """A recall miss per hazard, but the first zone's people were told to leave in time; a late one, or of another zone,
    did not do that."""
    s = score_scenario(GLOF, [dec("2026-07-01T01:10:00Z", hazard="debris_flow", lake=None)])
    assert s.detected is False and s.miss_reason == "wrong_hazard" and s.zone_evacuated is True
    assert score_scenario(GLOF, [dec("2026-07-01T01:41:00Z", hazard="debris_flow")]).zone_evacuated is False
    assert score_scenario(GLOF, [dec("2026-07-01T01:10:00Z", zones=("cha-town",))]).zone_evacuated is False
    assert score_scenario(GLOF, [dec("2026-07-01T01:10:00Z")]).zone_evacuated is True


def test_warning_level_counts_separately_and_may_come_before_onset() -> None:
    s = score_scenario(GLOF, [dec("2026-07-01T00:50:00Z", level="warning"), dec("2026-07-01T01:20:00Z")])
    assert s.detected and s.warning_min == 20.0
    assert s.detected_warning and s.warning_min_warning == 50.0 and s.warning_fraction_warning == pytest.approx(1.25)


def test_wrong_zone_and_premature_evacuations() -> None:
    s = score_scenario(GLOF, [dec("2026-07-01T00:30:00Z"), dec("2026-07-01T01:05:00Z", zones=("cha-upper", "cak-grig"))])
    assert s.detected  # the first zone was named in time
    assert s.false_evacuations == 1  # the one before the onset
    assert s.wrong_zone == 1 and s.wrong_zones == ["cak-grig"]
    assert s.wrong_valley == 0  # it named cha-upper too: the wave's valley, a zone too many
    s = score_scenario(GLOF, [dec("2026-07-01T01:05:00Z"), dec("2026-07-01T01:06:00Z", lake="cak-1", zones=("cak-grig",))])
    assert s.wrong_zone == 1 and s.wrong_valley == 1  # the other valley alone
    assert summarize([s], stations=8, negative_hours=0.0)["wrong_zone"]["wrong_valley"] == 1


def test_an_evacuation_before_onset_still_in_force_at_arrival_is_told_apart() -> None:
    """Evacuated 10 min before the onset (in a storm, say), and never called off: the scorer counts a false evacuation
    and a missed event, as before, and says the first zone's people were out all the same. Called off before the
    arrival, or of another zone, it does not."""
    s = score_scenario(GLOF, [dec("2026-07-01T00:50:00Z")])
    assert s.false_evacuations == 1 and s.detected is False and s.miss_reason == "no_decision"
    assert s.early_in_force is True
    off = [dec("2026-07-01T00:50:00Z", id="a"), dec("2026-07-01T01:30:00Z", level="all_clear", id="b", previous="a")]
    assert score_scenario(GLOF, off).early_in_force is False
    assert score_scenario(GLOF, [dec("2026-07-01T00:50:00Z", zones=("cha-town",))]).early_in_force is False
    assert score_scenario(GLOF, [dec("2026-07-01T00:50:00Z"), dec("2026-07-01T01:10:00Z")]).early_in_force is False  # found
    summary = summarize([s, score_scenario(GLOF, off)], stations=8, negative_hours=0.0)
    assert summary["false_evacuations"]["before_onset_in_force"] == 1


def test_false_evacuations_count_episodes_not_updates() -> None:
    ds = [dec("2026-07-02T01:00:00Z", id="a"), dec("2026-07-02T01:05:00Z", id="b", previous="a"),
          dec("2026-07-02T02:00:00Z", level="all_clear", id="c", previous="b"), dec("2026-07-02T03:00:00Z", id="d", previous="c"),
          dec("2026-07-02T03:30:00Z", level="warning", id="e")]
    assert [d["id"] for d in evacuation_episodes(ds)] == ["a", "d"]
    s = score_scenario(QUIET, ds)
    assert s.false_evacuations == 2 and s.detected is None


def test_summary_figures() -> None:
    debris = dict(GLOF, id="s3-df", kind="debris_flow", hazard="debris_flow", lake=None)
    scores = [
        score_scenario(dict(GLOF, peak_first_zone_m3s=300.0), [dec("2026-07-01T01:04:00Z")]),  # fraction 0.9
        score_scenario(dict(GLOF, id="s4-glof", peak_first_zone_m3s=900.0), [dec("2026-07-01T01:12:00Z")]),  # fraction 0.7
        score_scenario(dict(debris, peak_first_zone_m3s=12.0), []),  # missed
        score_scenario(QUIET, [dec("2026-07-02T01:00:00Z")]),
        score_scenario(dict(QUIET, id="s5-rain", kind="rain"), []),
    ]
    s = summarize(scores, stations=8, negative_hours=12.0)
    assert s["by_kind"] == {"glof": 2, "debris_flow": 1, "quiet": 1, "rain": 1}
    assert s["recall"]["glof"]["evacuate"] == 1.0 and s["recall"]["debris_flow"]["evacuate"] == 0.0
    assert s["recall"]["debris_flow"]["missed"] == [{"id": "s3-df", "reason": "no_decision"}]
    assert s["recall"]["glof"]["zone_evacuated"] == 1.0 and s["recall"]["debris_flow"]["zone_evacuated"] == 0.0
    assert s["recall_by_peak"] == {"0-20": {"n": 1, "evacuate": 0.0}, "100-500": {"n": 1, "evacuate": 1.0},
                                   ">=500": {"n": 1, "evacuate": 1.0}}
    fe = s["false_evacuations"]
    assert fe["count"] == 1 and fe["scenarios"] == ["s2-quiet"] and fe["by_kind"]["quiet"] == 1 and fe["by_kind"]["rain"] == 0
    assert fe["station_years"] == pytest.approx(8 * 12 / 8766, abs=1e-4)
    assert fe["per_station_year"] == pytest.approx(1 / (8 * 12 / 8766), rel=1e-2)
    assert s["warning_time_min"]["median"] == pytest.approx(32.0) and s["warning_fraction"]["median"] == pytest.approx(0.8)
    assert s["warning_fraction_misses_as_zero"]["median"] == pytest.approx(0.7)
    assert s["warning_fraction_histogram"]["0.85-0.95"] == 1 and s["warning_fraction_histogram"]["0.7-0.85"] == 1
    assert s["recall"]["debris_flow"]["n_damaging"] == 0 and s["recall"]["debris_flow"]["evacuate_damaging"] is None
    assert s["goal"] == {"every_event_detected": False, "every_damaging_event_detected": True, "no_false_evacuation": False,
                         "no_wrong_zone": True, "no_wrong_valley": True, "median_fraction_ge_0.85": False}


def test_histogram_bins() -> None:
    assert fraction_histogram([0.1, 0.6, 0.8, 0.9, 0.97, 1.0]) == {"<0.5": 1, "0.5-0.7": 1, "0.7-0.85": 1, "0.85-0.95": 1,
                                                                   ">=0.95": 2}


def test_warnings_on_a_day_with_no_hazard_count_as_episodes() -> None:
    """Crying wolf at the warning level: a warning, its escalation to evacuate and an update are one episode; a second
    warning after an all-clear is another."""
    ds = [dec("2026-07-02T01:00:00Z", level="warning", id="w1"),
          dec("2026-07-02T01:30:00Z", id="e1", previous="w1"),
          dec("2026-07-02T02:30:00Z", level="all_clear", id="c1", previous="e1"),
          dec("2026-07-02T03:00:00Z", level="warning", id="w2")]
    s = score_scenario(QUIET, ds)
    assert s.false_warnings == 2 and s.false_evacuations == 1
    assert score_scenario(QUIET, [dec("2026-07-02T01:00:00Z", level="watch")]).false_warnings == 0
    summ = summarize([s, score_scenario(QUIET | {"id": "s3-quiet"}, [])], stations=8, negative_hours=12.0)
    assert summ["false_warnings"] == {"count": 2, "scenarios": 2, "with_warning": ["s2-quiet"]}


def test_a_warning_after_the_front_is_reported_as_late_never_as_recall() -> None:
    """A slow drainage's front is a trickle hours before its peak: a warning then is still worth knowing about."""
    s = score_scenario(GLOF, [dec("2026-07-01T02:10:00Z", level="warning")])
    assert s.detected is False and s.detected_warning is False and s.late_min == 30.0
    assert score_scenario(GLOF, [dec("2026-07-01T01:10:00Z", level="warning")]).late_min is None  # in time: not late
    assert score_scenario(GLOF, [dec("2026-07-01T02:10:00Z", level="warning", hazard="debris_flow")]).late_min is None
    summ = summarize([s, score_scenario(GLOF | {"id": "s4-glof"}, [])], stations=8, negative_hours=0.0)
    assert summ["recall"]["glof"]["warning"] == 0.0 and summ["recall"]["glof"]["warning_any"] == 0.5
    assert summ["recall"]["glof"]["late_min"]["median"] == 30.0


def test_the_first_alert_of_any_level_after_the_onset_is_when_the_duty_officer_heard_of_it() -> None:
    """A WATCH (or an advisory) after the onset and before the first zone counts as heard of, however late the
    evacuation; one raised before the onset (a lake near its spillway), for another zone or after the front does not."""
    s = score_scenario(GLOF, [dec("2026-07-01T00:30:00Z", level="watch"), dec("2026-07-01T01:10:00Z", level="watch"),
                              dec("2026-07-01T01:50:00Z")])
    assert s.detected is False and s.alerted_min == 30.0
    assert score_scenario(GLOF, [dec("2026-07-01T01:05:00Z", level="advisory")]).alerted_min == 35.0
    for late in ([dec("2026-07-01T00:30:00Z", level="watch")], [dec("2026-07-01T01:10:00Z", level="watch",
                                                                   zones=("cha-town",))],
                 [dec("2026-07-01T01:41:00Z", level="watch")]):
        assert score_scenario(GLOF, late).alerted_min is None
    r = summarize([score_scenario(GLOF, [dec("2026-07-01T01:10:00Z", level="watch")]), score_scenario(GLOF, [])],
                  stations=5, negative_hours=0.0)
    assert r["recall"]["glof"]["alerted"] == 0.5 and r["recall"]["glof"]["alerted_min"]["median"] == 30.0


def test_an_evacuation_after_the_outbursts_precursor_began_is_early_not_false() -> None:
    """The crosscheck generator's outbursts may have signs before their onset (``precursor.start``: seepage sinking the
    lake, a lake rising over its spillway, an avalanche's wave): an evacuation after them, still in force at arrival, is
    the event found, with all of the available time; before them it stays a false evacuation."""
    seeping = {**GLOF, "precursor": {"kind": "seepage", "start": "2026-07-01T00:30:00Z"}}
    s = score_scenario(seeping, [dec("2026-07-01T00:45:00Z")])
    assert s.detected and s.false_evacuations == 0 and s.miss_reason is None and not s.early_in_force
    assert s.warning_min == 55.0 and s.warning_fraction == 1.0
    s = score_scenario(seeping, [dec("2026-07-01T00:20:00Z", id="e"), dec("2026-07-01T01:50:00Z", "all_clear", previous="e")])
    assert not s.detected and s.false_evacuations == 1
    s = score_scenario(GLOF, [dec("2026-07-01T00:45:00Z")])  # no precursor: before the onset is premature, as before
    assert not s.detected and s.false_evacuations == 1 and s.early_in_force
