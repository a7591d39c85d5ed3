"""A gauge in a storm: a front held by two moving readings evacuates a debris flow; glitches do not.

Synthetic telemetry of the reference site (a quiet day with a storm over Caine's threshold at the weather
stations) replayed through the real engine: the gauge-cak valley has no geophone, so its gauge is the only
witness and must not be believed on one reading, on a stuck offset, or on a frozen sensor catching up.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from glofwatch.detection.detectors.gauge_rise import GaugeRise
from glofwatch.detection.replay import replay_frame
from glofwatch.sim.day import quiet_day

START = datetime(2026, 7, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def site():  # type: ignore[no-untyped-def]
    from glofwatch.cli import _site

    return _site(None)


def storm_day(site, gauge_cak, rain_mm_h: float = 25.0) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """6 h of quiet telemetry, 25 mm/h from 02:00 to 05:00 at both weather stations, gauge-cak stage replaced."""
    df = quiet_day(site, START, hours=6.0, seed=3)
    t = pd.to_datetime(df["time"], utc=True)
    hours = (t - pd.Timestamp(START)).dt.total_seconds() / 3600
    rain = (df["sensor"] == "precipitation") & (hours >= 2) & (hours < 5)
    df.loc[rain, "value"] = rain_mm_h / 6  # mm per 10-min interval
    g = (df["station"] == "gauge-cak") & (df["sensor"] == "stage")
    df.loc[g, "value"] = gauge_cak(hours[g].to_numpy())
    return df


def base_stage(h: np.ndarray) -> np.ndarray:
    rng = np.random.default_rng(5)
    return 0.5 + 0.1 * np.clip(h - 2.5, 0, None) + rng.normal(0, 0.005, len(h))  # storm runoff, slowly


def evacuations(site, gauge_cak, rain_mm_h: float = 25.0) -> list:  # type: ignore[no-untyped-def]
    return [d for d in replay_frame(site, storm_day(site, gauge_cak, rain_mm_h)) if d.level == "evacuate"]


def crest_that_sits(h: np.ndarray) -> np.ndarray:
    """A debris flow reaches the gauge at 04:00 (+1.5 m), its crest sits for a reading (04:05, 4 mm lower), then it
    recedes: the two readings of the front do not move, so only its standing for four readings says flood."""
    rng = np.random.default_rng(5)
    flat = 0.5 + rng.normal(0, 0.005, len(h))
    return flat + np.where(h >= 4.0, 1.5, 0.0) - np.where(h >= 4.05, 0.004, 0.0) - 0.6 * np.clip(h - 4.1, 0, None)


def test_a_moving_front_held_by_two_readings_evacuates_the_valley(site) -> None:  # type: ignore[no-untyped-def]
    def front(h: np.ndarray) -> np.ndarray:  # a debris flow reaches the gauge at 04:00: 1.5 m, then recedes
        return base_stage(h) + np.where(h >= 4.0, 1.5 * np.exp(-(h - 4.0) / 0.4), 0.0)

    ev = evacuations(site, front)
    assert ev and ev[0].hazard == "debris_flow" and ev[0].zones == ["cak-grig"]
    assert ev[0].time <= "2026-07-01T04:06:00Z"  # on the second reading (04:05), not later


@pytest.mark.parametrize("readings", [1, 2, 3])
def test_a_stage_glitch_of_one_to_three_readings_in_a_storm_does_not_evacuate(site, readings: int) -> None:  # type: ignore[no-untyped-def]
    def glitch(h: np.ndarray) -> np.ndarray:  # readings offset by 2.3 m, as a bad transducer does
        return base_stage(h) + np.where((h >= 4.0) & (h < 4.0 + readings * 5 / 60 - 1e-9), 2.3, 0.0)

    assert evacuations(site, glitch) == []


def test_a_front_whose_crest_rises_a_few_percent_evacuates_on_its_second_reading(site) -> None:  # type: ignore[no-untyped-def]
    """Our simulator's flows of Chong-Ak-Suu: +1.97 m, then 0.07 m more to the crest (3.6 % of the step: over
    gauge_rise.MOVING_SHARE since stop 25, under its 0.05 before), then receding. Evacuated at the second reading
    (04:05), not at the fourth (kept), which came as the wave reached Grigorievka."""
    def front(h: np.ndarray) -> np.ndarray:
        rng = np.random.default_rng(5)
        crest = np.select([np.abs(h - 4.0) < 1e-6, np.abs(h - 4 - 5 / 60) < 1e-6], [1.97, 2.04], 0.0)
        tail = np.where(h > 4.1, 2.04 * np.exp(-(h - 4 - 5 / 60) / 0.25), 0.0)
        return 0.5 + rng.normal(0, 0.005, len(h)) + crest + tail

    ev = evacuations(site, front)
    assert ev and ev[0].hazard == "debris_flow" and ev[0].zones == ["cak-grig"]
    assert "2026-07-01T04:04:00Z" < ev[0].time <= "2026-07-01T04:06:00Z", ev[0].time


def test_a_crest_that_sits_a_reading_evacuates_once_it_stood_four_readings(site) -> None:  # type: ignore[no-untyped-def]
    ev = evacuations(site, crest_that_sits)
    assert ev and ev[0].hazard == "debris_flow" and ev[0].zones == ["cak-grig"]
    assert "2026-07-01T04:14:00Z" < ev[0].time <= "2026-07-01T04:16:00Z"  # the fourth reading (04:15)


def test_in_the_valley_without_rain_gauge_a_standing_front_evacuates_with_rain_next_door_below_guzzetti(site) -> None:  # type: ignore[no-untyped-def]
    """Chong-Ak-Suu's storm is measured 30 km away at its edge: 0.6 mm/h there (under Guzzetti's minimum)."""
    from glofwatch.detection.fusion import RULE_TEXT

    ev = evacuations(site, crest_that_sits, rain_mm_h=0.6)
    assert ev and ev[0].hazard == "debris_flow" and ev[0].zones == ["cak-grig"]
    assert RULE_TEXT["front_rain_next_door"] in ev[0].explanation
    # dry: no storm to start a flow, but a front that stood four readings is a flood wave from upstream all the same
    # (fusion.front_kept_dry: independent red-team flows reached gauge-cak hours after their storm had passed next door)
    dry = evacuations(site, crest_that_sits, rain_mm_h=0.0)
    assert dry and dry[0].time == ev[0].time
    assert RULE_TEXT["front_kept_dry"] in dry[0].explanation
    assert RULE_TEXT["front_rain_next_door"] not in dry[0].explanation


def surge_with_tail(h: np.ndarray) -> np.ndarray:
    """A debris-flow surge passes gauge-cak within one reading (04:00, +1.0 m) and its hydrograph tails off (e-folding
    in 7 min: the next reading is under the 0.5 m a held front needs)."""
    rng = np.random.default_rng(5)
    return 0.5 + rng.normal(0, 0.005, len(h)) + np.where(h >= 4.0, 1.0 * np.exp(-(h - 4.0) * 60 / 7), 0.0)


def test_a_surge_that_passes_in_one_reading_evacuates_on_its_receding_tail(site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from glofwatch.detection import fusion

    ev = evacuations(site, surge_with_tail, rain_mm_h=0.6)
    assert ev and ev[0].hazard == "debris_flow" and ev[0].zones == ["cak-grig"]
    # two readings after the peak: a small wave passing (fusion.wave_passing; its first receding reading keeps 49 % of
    # the step, over gauge_rise.PULSE_KEEP1 since stop 24) ...
    assert "2026-07-01T04:09:00Z" < ev[0].time <= "2026-07-01T04:11:00Z", ev[0].time
    assert fusion.RULE_TEXT["wave_passing"] in ev[0].explanation
    # ... and without that rule, the tail (gauge_rise's tail: three readings after the peak)
    monkeypatch.setattr(fusion, "wave_passing", lambda raw: np.zeros(len(raw["drop"]), dtype=bool))
    ev = evacuations(site, surge_with_tail, rain_mm_h=0.6)
    assert ev and ev[0].zones == ["cak-grig"] and "2026-07-01T04:14:00Z" < ev[0].time <= "2026-07-01T04:16:00Z"


def test_a_glitch_on_a_receding_storm_river_has_no_tail(site) -> None:  # type: ignore[no-untyped-def]
    def receding(h: np.ndarray) -> np.ndarray:  # the storm's flood recedes from 03:30; one reading +1.2 m at 04:00
        rng = np.random.default_rng(5)
        river = 0.5 + 0.8 * np.exp(-np.clip(h - 3.5, 0, None) / 0.5) * (h >= 2.5) + rng.normal(0, 0.005, len(h))
        return river + np.where(np.abs(h - 4.0) < 1e-6, 1.2, 0.0)

    assert evacuations(site, receding, rain_mm_h=0.6) == []


def test_a_three_reading_spike_ending_on_a_swollen_river_is_no_standing_front(site) -> None:  # type: ignore[no-untyped-def]
    def spike_then_river(h: np.ndarray) -> np.ndarray:  # +4 m for three readings from 04:00; the river 0.6 m up from 04:15
        return base_stage(h) + np.where((h >= 4.0) & (h < 4.24), 4.0, 0.0) + np.where(h >= 4.24, 0.6, 0.0)

    assert evacuations(site, spike_then_river) == []


def test_a_moving_front_held_two_readings_in_chong_ak_suu_evacuates_with_rain_next_door(site) -> None:  # type: ignore[no-untyped-def]
    def big_flow(h: np.ndarray) -> np.ndarray:  # +1.5 m, +2.2 m, then gone: a 400 m3/s flow passes in three readings
        rng = np.random.default_rng(5)
        return 0.5 + rng.normal(0, 0.005, len(h)) + np.select([np.abs(h - 4.0) < 1e-6, np.abs(h - 4 - 5 / 60) < 1e-6,
                                                              np.abs(h - 4 - 10 / 60) < 1e-6], [1.5, 2.2, 0.6], 0.0)

    ev = evacuations(site, big_flow, rain_mm_h=0.6)
    assert ev and ev[0].zones == ["cak-grig"] and ev[0].time <= "2026-07-01T04:06:00Z"


def test_a_frozen_gauge_catching_up_with_the_storm_is_no_front(site) -> None:  # type: ignore[no-untyped-def]
    def frozen(h: np.ndarray) -> np.ndarray:  # stuck at 0.5 m from 02:30 to 04:00 while the river rose 0.8 m, then back
        v = base_stage(h) + 0.6 * np.clip(h - 2.5, 0, None)
        return np.where((h >= 2.5) & (h < 4.0), 0.5, v)

    assert evacuations(site, frozen) == []


def test_thaw_marks_the_readings_after_a_frozen_run() -> None:
    t = np.arange(10) * 300_000
    v = np.array([1.0, 1.01, 1.02, 1.02, 1.02, 1.02, 2.0, 2.1, 2.1, 2.2])
    f = GaugeRise().compute(t, v, None, None)  # type: ignore[arg-type]
    assert f["thaw"].tolist() == [0, 0, 0, 0, 0, 1, 1, 1, 0, 0]
    assert np.isneginf(f["held"][8])  # 2.1 twice: not moving


def test_a_geophone_stuck_through_the_storm_coming_back_is_no_flow(site) -> None:  # type: ignore[no-untyped-def]
    """geo-cha's channel sticks at its quiet value from 02:30 to 04:30 while the storm's drumming raises the real shaking
    six-fold; when it comes back, an LTA of the stuck values would call the storm's noise a flow (an evacuation on a
    fault day of our simulator before stuck runs were left out)."""
    df = storm_day(site, base_stage)
    hours = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    g = ((df["station"] == "geo-cha") & (df["sensor"] == "ground_velocity")).to_numpy()
    v = df.loc[g, "value"].astype(float).to_numpy()
    h = hours[g]
    stuck_at = v[np.searchsorted(h, 2.5) - 1]
    v = np.where(h >= 2.5, v * 6.0, v)
    v = np.where((h >= 2.5) & (h < 4.5), stuck_at, v)
    df.loc[g, "value"] = v
    assert [d for d in replay_frame(site, df) if d.level == "evacuate"] == []


def test_a_storm_floods_crest_receding_slowly_is_no_surge_tail(site) -> None:  # type: ignore[no-untyped-def]
    """A storm flood's crest builds 0.55 m over two readings and recedes by centimetres (a blind red-team rain day
    evacuated on it): a surge recedes fast, so the first reading after the peak must lose a tenth of it."""
    def crest(h: np.ndarray) -> np.ndarray:
        rng = np.random.default_rng(5)
        up = np.interp(h, [0, 3.9, 4.0, 4.0833, 4.1667, 4.25, 4.3333, 6], [0.5, 0.5, 0.78, 1.05, 1.02, 0.97, 0.95, 0.6])
        return up + rng.normal(0, 0.003, len(h))

    assert evacuations(site, crest, rain_mm_h=0.6) == []


def test_a_step_on_a_river_already_swelling_is_no_front_in_chong_ak_suu(site) -> None:  # type: ignore[no-untyped-def]
    """A storm's rising limb at gauge-cak: 0.4 m an hour, then a 0.35 m step (blind red-team storm floods stepped so);
    a front against the gauge's own river must start from a river at its level, not one already swelling."""
    def swelling(h: np.ndarray) -> np.ndarray:
        rng = np.random.default_rng(5)
        return 0.5 + 0.4 * np.clip(h - 2.5, 0, None) + np.where(h >= 4.0, 0.35, 0.0) + rng.normal(0, 0.003, len(h))

    assert evacuations(site, swelling) == []



def test_a_geophone_drifting_up_linearly_is_no_flow(site) -> None:  # type: ignore[no-untyped-def]
    """A blind red-team drift fault: geo-cha's channel climbs 0.1 mm/s a minute, every minute, from 02:30 on (x100 its
    background within the hour) in light rain (2 and 4 mm/h, over Guzzetti's minimum). Its STA/LTA fires at once and
    would last 12 min (a debris-flow evacuation at 4 mm/h); a linear ramp is a channel drifting, not a flow's surges (4
    evacuations on 1 200 development fault and storm days before unramped). This channel's scatter (a fifth of the
    ramp's rise a minute) hides the ramp now and then: a WARNING still goes out, as on blind fault days whose ramps a
    storm's drumming scatters (RAMP_CV: a wider tolerance delayed independent red-team flows' rising fronts)."""
    for rain in (2.0, 4.0):
        df = storm_day(site, base_stage, rain)
        hours = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
        g = ((df["station"] == "geo-cha") & (df["sensor"] == "ground_velocity")).to_numpy()
        df.loc[g, "value"] = df.loc[g, "value"].astype(float).to_numpy() + 6.0 * np.clip(hours[g] - 2.5, 0, None)
        assert [d for d in replay_frame(site, df) if d.level == "evacuate" and "cha-upper" in d.zones] == []


def test_unramped_drops_a_linear_ramp_after_its_fifth_rise_and_keeps_surges() -> None:
    from glofwatch.detection.detectors.sta_lta import unramped

    ramp = np.r_[np.full(5, 0.01), 0.01 + 0.1 * np.arange(1, 11) + np.tile([0.001, -0.001], 5)]
    out = unramped(ramp)
    assert np.isfinite(out[:9]).all() and np.isnan(out[9:]).all()  # from the reading of the 5th rise in a row (index 9)
    surges = np.array([0.07, 0.08, 0.085, 0.064, 0.13, 0.2, 0.31, 0.34, 0.33, 0.23, 0.27, 0.22, 0.2, 0.23])
    assert np.isfinite(unramped(surges)).all()  # blind red-team debris flow 90 980 094 at geo-cha


def decisions(site, gauge_cak, rain_mm_h: float = 25.0) -> list:  # type: ignore[no-untyped-def]
    return replay_frame(site, storm_day(site, gauge_cak, rain_mm_h))


def flow_front(h: np.ndarray) -> np.ndarray:
    """A debris flow reaches the gauge at 04:00 (+1.5 m), then recedes."""
    return base_stage(h) + np.where(h >= 4.0, 1.5 * np.exp(-(h - 4.0) / 0.4), 0.0)


UNCONFIRMED = "the river stepped up at the gauge in one reading in a storm"


def test_a_front_on_its_first_reading_in_a_storm_warns_and_the_second_evacuates(site) -> None:  # type: ignore[no-untyped-def]
    """One reading of a front cannot tell a flow from a glitch, so it does not evacuate; but the families below have
    5-10 min from gauge-cha to the first zone: they are told to prepare at the first reading, not only at the second."""
    ds = [d for d in decisions(site, flow_front) if d.hazard == "debris_flow"]
    first = next(d for d in ds if d.level in ("warning", "evacuate"))
    assert first.level == "warning" and first.time == "2026-07-01T04:00:00Z"
    assert any(UNCONFIRMED in line for line in first.explanation)
    evac = next(d for d in ds if d.level == "evacuate")
    assert evac.time <= "2026-07-01T04:06:00Z"


def test_a_glitch_in_a_storm_warns_for_its_reading_and_never_evacuates(site) -> None:  # type: ignore[no-untyped-def]
    def glitch(h: np.ndarray) -> np.ndarray:
        return base_stage(h) + np.where((h >= 4.0) & (h < 4.0 + 5 / 60 - 1e-9), 2.3, 0.0)

    ds = [d for d in decisions(site, glitch) if d.hazard == "debris_flow" and d.zones == ["cak-grig"]]
    warned = [d for d in ds if d.level == "warning"]
    assert warned and warned[0].time == "2026-07-01T04:00:00Z"
    assert not [d for d in ds if d.level == "evacuate"]


def test_a_front_in_light_rain_gets_no_first_reading_warning(site) -> None:  # type: ignore[no-untyped-def]
    """Under Caine's threshold a runoff-triggered flow is unlikely: the single reading is left to the other rules."""
    ds = decisions(site, flow_front, rain_mm_h=1.0)
    assert not [d for d in ds if any(UNCONFIRMED in line for line in d.explanation)]


def _taken_at(df: pd.DataFrame, hour: float) -> pd.DataFrame:
    """gauge-cak silent from ``hour`` on (the flow took it)."""
    h = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds() / 3600
    return df[~((df["station"] == "gauge-cak") & (h >= hour))]


@pytest.mark.parametrize("rain_mm_h", [25.0, 0.0])
def test_a_front_whose_gauge_then_falls_silent_evacuates_in_the_rain(site, rain_mm_h: float) -> None:  # type: ignore[no-untyped-def]
    """The flow's front is the gauge's last reading (04:00): a minute after the next one was due, the valley evacuates
    (fusion.front_then_silent). The same front and silence on a dry day is no debris flow."""
    from glofwatch.detection.fusion import RULE_TEXT

    df = _taken_at(storm_day(site, flow_front, rain_mm_h), 4.0 + 1 / 60)
    ev = [d for d in replay_frame(site, df) if d.level == "evacuate" and d.hazard == "debris_flow"]
    if rain_mm_h:
        assert ev and ev[0].zones == ["cak-grig"] and "2026-07-01T04:05:00Z" < ev[0].time <= "2026-07-01T04:07:00Z"
        assert RULE_TEXT["front_then_silent"] in ev[0].explanation
    else:
        assert ev == []


def test_a_gauge_falling_silent_in_a_storm_without_a_front_does_not_evacuate(site) -> None:  # type: ignore[no-untyped-def]
    df = _taken_at(storm_day(site, base_stage), 4.0)
    assert [d for d in replay_frame(site, df) if d.level == "evacuate"] == []
