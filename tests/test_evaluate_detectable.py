"""The physical-detectability judge: a signal above a sensor's noise before the first arrival, or why not."""

from __future__ import annotations

import numpy as np
import pandas as pd

from glofwatch.evaluation.detectable import detectability
from glofwatch.evaluation.scoring import ScenarioScore, summarize

KINDS = {"gauge-cha": "gauge", "geo-cha": "geophone", "lake-cha-1": "lake"}
T0 = pd.Timestamp("2026-07-01T00:00:00Z")


def truth(**kw: object) -> dict:
    t = {"id": "s1-glof", "kind": "glof", "hazard": "glof", "lake": "cha-2", "onset": "2026-07-01T02:00:00Z",
         "first_arrival": "2026-07-01T03:00:00Z", "stations": {"gauge-cha": "2026-07-01T02:30:00Z"},
         "faults": [], "params": {"lake_station": None}}
    t.update(kw)
    return t


def gauge(rise_m: float, *, noise: float = 0.005, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = pd.date_range(T0, periods=48, freq="5min")  # 00:00-03:55
    hours = (t - T0).total_seconds().to_numpy() / 3600
    v = 0.6 + 0.03 * hours + rng.normal(0, noise, len(t))  # a diurnal rise, linear over a few hours
    v = v + np.where(t >= pd.Timestamp("2026-07-01T02:30:00Z"), rise_m * (hours - 2.5) / 0.5, 0.0).clip(0, None)
    return pd.DataFrame({"time": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "station": "gauge-cha", "sensor": "stage", "value": v})


def test_a_small_rise_above_the_gauge_noise_is_detectable_the_diurnal_trend_is_not() -> None:
    assert detectability(truth(), gauge(0.05), KINDS).detectable
    d = detectability(truth(), gauge(0.0), KINDS)
    assert not d.detectable and d.reason == "below_noise"


def test_a_faulted_sensor_does_not_count_and_nothing_reached_says_so() -> None:
    f = [{"station": "gauge-cha", "sensor": "*", "kind": "stuck", "start": "2026-07-01T02:20:00Z", "end": "2026-07-01T04:00:00Z"}]
    d = detectability(truth(faults=f), gauge(0.5), KINDS)
    assert not d.detectable and d.reason == "faulted"
    d = detectability(truth(stations={"gauge-cha": "2026-07-01T03:10:00Z"}), gauge(0.5), KINDS)
    assert not d.detectable and d.reason == "no_sensor_reached"
    assert detectability({"id": "q", "kind": "quiet", "hazard": None}, gauge(0.0), KINDS) is None


def test_summary_reports_recall_over_detectable_events_and_keeps_the_rest_in_the_main_figure() -> None:
    scores = [ScenarioScore(id="a", kind="glof", hazard="glof", detected=True, detectable=True),
              ScenarioScore(id="b", kind="glof", hazard="glof", detected=False, detectable=True),
              ScenarioScore(id="c", kind="glof", hazard="glof", detected=False, detectable=False,
                            undetectable_reason="below_noise")]
    r = summarize(scores, stations=8, negative_hours=0.0)["recall"]["glof"]
    assert r["n"] == 3 and r["evacuate"] == round(1 / 3, 4)
    assert r["n_detectable"] == 2 and r["evacuate_detectable"] == 0.5
    assert r["undetectable"] == [{"id": "c", "reason": "below_noise", "detected": False}]
