"""A front that steps the river while the storm's rain is not bursting is a debris flow (fusion.front_between_bursts).

Blind red-team flows of Chong-Ak-Suu stepped gauge-cak 0.3-0.6 m over two readings in long storms next door, when the
rain of the last 30 min was at most half the hour's; that team's storms step the river with their bursts. Synthetic
telemetry of the reference site through the real engine: Chong-Ak-Suu has no rain gauge of its own (it borrows
Cholpon-Ata's), no geophone, and its gauge is its only eye."""

from __future__ import annotations

import numpy as np
import pytest

from glofwatch.detection.detectors.rainfall import Rainfall
from glofwatch.detection.fusion import BURSTING_30M, OLD_STORM_3H_6H, RULE_TEXT, front_between_bursts
from glofwatch.detection.replay import replay_frame
from tests.detection.synthetic import rain_and_stage_day

RULE = RULE_TEXT["front_between_bursts"]


def stair(h: np.ndarray, v: np.ndarray) -> np.ndarray:
    """+0.2 m into the 05:00 reading, +0.2 m more into 05:05, the crest 4 cm higher at 05:10, then receding 2 cm a
    reading: a front over two readings, each step under gauge_rise's 0.45 m jump."""
    lift = np.select([h < 5.0 - 1e-6, h < 5.0 + 1 / 12 - 1e-6, h < 5.0 + 2 / 12 - 1e-6, h < 5.0 + 3 / 12 - 1e-6],
                     [0.0, 0.2, 0.4, 0.44], 0.44 - 0.02 * (h - 5.0 - 3 / 12) * 12)
    return v + np.clip(lift, 0.0, None)


def eased(h: np.ndarray) -> np.ndarray:
    """A storm of 5 mm/h since midnight with a burst of 20 mm/h from 04:00 to 04:30, 3 mm/h since: at 05:10 the last
    30 min had 3 mm/h, the hour about 10."""
    return np.where(h < 4.0, 5.0, np.where(h < 4.5, 20.0, 3.0))


def bursting_now(h: np.ndarray) -> np.ndarray:
    """The same storm bursting (20 mm/h) from 04:50 to 05:20, around the front: its runoff's step."""
    return np.where((h >= 4.0 + 5 / 6) & (h < 5.0 + 1 / 3), 20.0, 5.0)


def young(h: np.ndarray) -> np.ndarray:
    """Dry until 03:30, then the eased storm's burst and tail: all its rain in the last 2 hours at 05:10."""
    return np.where(h < 3.5, 0.0, eased(h))


def evacuations(site, rain):  # type: ignore[no-untyped-def]
    ds = replay_frame(site, rain_and_stage_day(site, rain, stair, gauge="gauge-cak"))
    return [d for d in ds if d.level == "evacuate"]


def test_a_front_after_the_burst_evacuates_the_valley(site) -> None:  # type: ignore[no-untyped-def]
    ev = evacuations(site, eased)
    assert ev and ev[0].hazard == "debris_flow" and ev[0].zones == ["cak-grig"]
    assert "2026-07-01T05:10:00Z" <= ev[0].time <= "2026-07-01T05:11:00Z", ev[0].time  # held and moving at 05:10
    assert RULE in ev[0].explanation
    f = ev[0].evidence["features"]
    assert f["gauge_stair"] == pytest.approx(0.4, abs=0.02)
    assert f["rain_i30"] <= f["rain_i1"]
    # the duty officer reads both rains the rule compared: about 10 mm in the hour, 1.5 mm in its last 30 min
    rain = [line for line in ev[0].explanation if line.startswith("aws-cha-up rain")]
    assert rain and "mm in the last hour (1.5 in its last 30 min)" in rain[0], rain


@pytest.mark.parametrize("rain", [bursting_now, young])
def test_the_same_front_in_a_burst_or_a_young_storm_is_not_evacuated(site, rain) -> None:  # type: ignore[no-untyped-def]
    ev = evacuations(site, rain)
    assert ev == [], [(d.time, d.explanation[1]) for d in ev]


def test_no_front_no_evacuation_after_the_burst(site) -> None:  # type: ignore[no-untyped-def]
    ds = replay_frame(site, rain_and_stage_day(site, eased, lambda h, v: v, gauge="gauge-cak"))
    assert not [d for d in ds if d.level == "evacuate"]


def test_the_rule_reads_the_last_half_hour_against_the_hour() -> None:
    n = 5
    raw = {"gauge_stair_sat": np.array([0.4, 0.4, 0.4, 0.4, 0.2]), "rain_g": np.full(n, 4.0), "rain_i1": np.full(n, 8.0),
           "rain_i30": np.array([4.0, BURSTING_30M * 8.0, BURSTING_30M * 8.0 + 0.5, 0.0, 4.0]),
           "rain_i3": np.full(n, 6.0), "rain_i6": np.full(n, 4.0)}
    assert front_between_bursts(raw).tolist() == [True, True, False, True, False]
    raw["rain_i3"] = np.full(n, OLD_STORM_3H_6H * 4.0 + 0.1)  # all the storm in the last 3 hours: young
    assert not front_between_bursts(raw).any()
    raw["rain_i3"], raw["rain_g"] = np.full(n, 6.0), np.full(n, 0.9)  # under Guzzetti's minimum: no storm
    assert not front_between_bursts(raw).any()


def test_rainfall_gives_the_last_half_hours_rate() -> None:
    t = np.arange(0, 7) * 600_000  # 10-min totals of 1 mm, then 3 mm in the last one
    v = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 3.0])
    f = Rainfall().compute(t, v, None, None)  # type: ignore[arg-type]
    assert f["i30m"][-1] == pytest.approx((1.0 + 1.0 + 3.0) * 2)
    assert f["i1h"][-1] == pytest.approx(1.0 * 5 + 3.0)


def sitting(h: np.ndarray, v: np.ndarray) -> np.ndarray:
    """+0.2 m into 05:00, +0.2 m more into 05:05, the crest sitting at 05:10 (1 cm lower), receding 2 cm a reading after."""
    k = np.round((h - 5.0) * 12)
    return v + np.select([k < 0, k == 0, k == 1, k == 2], [0.0, 0.2, 0.4, 0.39], 0.39 - 0.02 * (k - 2))


def test_a_two_reading_front_whose_crest_sits_a_reading_evacuates_after_the_burst(site) -> None:  # type: ignore[no-untyped-def]
    """The holding reading of the other stair rules must move (a glitch offsetting readings by one amount sits); a
    two-reading front is no such glitch (its second step is nil), and a flood's crest can sit: blind red-team flows'
    did, 1.5-25 min before the first zone."""
    ds = replay_frame(site, rain_and_stage_day(site, eased, sitting, gauge="gauge-cak"))
    ev = [d for d in ds if d.level == "evacuate"]
    assert ev and ev[0].zones == ["cak-grig"] and RULE in ev[0].explanation
    assert "2026-07-01T05:10:00Z" <= ev[0].time <= "2026-07-01T05:11:00Z", ev[0].time
    f = ev[0].evidence["features"]
    assert f["gauge_stair"] == 0.0 and f["gauge_stair_sat"] == pytest.approx(0.4, abs=0.02)


def test_a_sitting_crest_counts_only_for_a_two_reading_front(site) -> None:  # type: ignore[no-untyped-def]
    from glofwatch.detection.detectors.gauge_rise import GaugeRise

    t = np.arange(48) * 300_000
    rng = np.random.default_rng(3)
    river = 0.5 + rng.normal(0, 0.002, len(t))
    two = river.copy()
    two[40:] += [0.2, 0.4, 0.4, 0.39, 0.37, 0.35, 0.33, 0.31]  # the third reading sits on the second
    one = river.copy()
    one[40:] += [0.5, 0.5, 0.5, 0.2, 0.0, 0.0, 0.0, 0.0]  # a glitch offsetting three readings by one amount
    station = site.station_by_id["gauge-cak"]
    f2 = GaugeRise().compute(t, two, station, None)  # type: ignore[arg-type]
    assert f2["stair"].max() == 0.0 and f2["stair_sat"][42] == pytest.approx(0.4, abs=0.01)
    f1 = GaugeRise().compute(t, one, station, None)  # type: ignore[arg-type]
    assert f1["stair_sat"].max() == 0.0


def test_a_rain_gauge_silent_in_the_last_half_hour_does_not_make_the_burst_look_eased(site) -> None:  # type: ignore[no-untyped-def]
    """The storm bursting around the front, its gauges' readings of 04:50-05:10 lost (missing rows count as no rain, and
    the half hour would read dry): the half hour is unknown (rainfall's i30m infinite), and the rule does not hold."""
    import pandas as pd

    df = rain_and_stage_day(site, bursting_now, sitting, gauge="gauge-cak")
    h = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp("2026-07-01T00:00:00Z")).dt.total_seconds() / 3600
    lost = (df["sensor"] == "precipitation") & (h > 4.8) & (h <= 5.2)
    assert lost.sum() >= 6  # both weather stations
    ds = replay_frame(site, df[~lost])
    assert not [d for d in ds if RULE in d.explanation]
    f = Rainfall().compute(np.arange(0, 7) * 600_000, np.ones(7), None, None)  # type: ignore[arg-type]
    assert np.isfinite(f["i30m"][-1])
    gap = Rainfall().compute(np.array([0, 1, 2, 3, 6]) * 600_000, np.ones(5), None, None)  # type: ignore[arg-type]
    assert gap["i30m"][-1] == np.inf
