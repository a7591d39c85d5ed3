"""A slow outburst of a lake nobody watches (cha-2: ice-dammed, no lake station) evacuates in dry weather when
the geophone on its path shakes and the gauge below then rises out of its melt rhythm; a drifting gauge with a
rockfall at the geophone does not, nor does a gauge rising in the rain. Synthetic telemetry of the reference
site replayed through the real engine."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from glofwatch.detection.detectors.sta_lta import FIRE_RATIO
from glofwatch.detection.fusion import FLOOD_EARLY_MIN, FLOOD_ONSET_MAX, SILENT_DEP_M, SILENT_RISE_M
from glofwatch.detection.replay import replay_frame
from glofwatch.sim.day import quiet_day

START = datetime(2026, 7, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def site():  # type: ignore[no-untyped-def]
    from glofwatch.cli import _site

    return _site(None)


def day(site, *, geo=None, gauge_cha=None, rain_mm_h: float = 0.0, lake_cak_silent_from: float | None = None,
        gauge_cak=None) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """6 h of a quiet day; ``geo``/``gauge_*``: functions (hours, values) -> values for geo-cha and the gauges."""
    df = quiet_day(site, START, hours=6.0, seed=11)
    hours = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    for (st, se), fn in ((("geo-cha", "ground_velocity"), geo), (("gauge-cha", "stage"), gauge_cha),
                         (("gauge-cak", "stage"), gauge_cak)):
        if fn is not None:
            m = ((df["station"] == st) & (df["sensor"] == se)).to_numpy()
            df.loc[m, "value"] = fn(hours[m], df.loc[m, "value"].to_numpy())
    if rain_mm_h:
        df.loc[((df["sensor"] == "precipitation") & (hours >= 2.5)).to_numpy(), "value"] = rain_mm_h / 6
    if lake_cak_silent_from is not None:
        df = df[~((df["station"] == "lake-cak-1") & (hours >= lake_cak_silent_from))]
    return df


def flow_at_geophone(h: np.ndarray, v: np.ndarray) -> np.ndarray:  # the front passes at 03:00, then a trickle
    return v + np.where(h >= 3.0, 0.5 * np.exp(-(h - 3.0) * 60 / 2.0) + 0.03, 0.0)


def rise_at_gauge(h: np.ndarray, v: np.ndarray) -> np.ndarray:  # it reaches the gauge at 03:30: centimetres
    return v + 0.12 * np.clip((h - 3.5) / 1.0, 0, None) ** 0.6


def evacuations(site, df: pd.DataFrame, hazard: str = "glof") -> list:  # type: ignore[no-untyped-def]
    return [d for d in replay_frame(site, df) if d.level == "evacuate" and d.hazard == hazard]


def test_a_slow_drainage_of_an_unwatched_lake_evacuates_before_the_first_zone(site) -> None:  # type: ignore[no-untyped-def]
    ev = evacuations(site, day(site, geo=flow_at_geophone, gauge_cha=rise_at_gauge))
    assert ev and ev[0].lake == "cha-2" and "cha-upper" in ev[0].zones
    assert "2026-07-01T03:30:00Z" < ev[0].time < "2026-07-01T04:00:00Z"


def test_a_drifting_gauge_after_a_rockfall_at_the_geophone_does_not_evacuate(site) -> None:  # type: ignore[no-untyped-def]
    def burst(h: np.ndarray, v: np.ndarray) -> np.ndarray:  # 5 min of strong shaking, decaying, nothing after
        return v + np.where(h >= 3.0, 3.0 * np.exp(-(h - 3.0) * 60 / 1.5), 0.0) * (h < 3.1)

    def drift(h: np.ndarray, v: np.ndarray) -> np.ndarray:  # 8 cm an hour from 02:50
        return v + 0.08 * np.clip(h - 2.83, 0, None)

    assert evacuations(site, day(site, geo=burst, gauge_cha=drift)) == []


def test_the_same_rise_in_the_rain_is_runoff_not_an_outburst(site) -> None:  # type: ignore[no-untyped-def]
    df = day(site, geo=flow_at_geophone, gauge_cha=rise_at_gauge, rain_mm_h=6.0)
    assert [d for d in evacuations(site, df) if d.lake == "cha-2"] == []


def test_a_silent_lake_station_and_its_gauge_rising_out_of_rhythm_evacuate(site) -> None:  # type: ignore[no-untyped-def]
    def rise(h: np.ndarray, v: np.ndarray) -> np.ndarray:  # the wave reaches gauge-cak at 03:30, slowly
        return v + 0.5 * np.clip((h - 3.5) / 1.0, 0, None) ** 0.7

    ev = evacuations(site, day(site, lake_cak_silent_from=2.5, gauge_cak=rise))
    assert ev and ev[0].lake == "cak-1" and ev[0].zones == ["cak-grig"]
    assert evacuations(site, day(site, gauge_cak=rise)) == []  # its lake station reports and did not fall


def small_rise_from(h0: float):  # type: ignore[no-untyped-def]
    """The wave reaches gauge-cak at ``h0`` hours: 0.25 m in the hour (a moraine breach's 10-25 m3/s), a few cm a reading."""
    return lambda h, v: v + 0.25 * np.clip(h - h0, 0.0, 1.0)


def test_a_silent_lake_station_and_a_small_rise_below_it_evacuate(site) -> None:  # type: ignore[no-untyped-def]
    """Blind red-team breaches of cak-1 took its station, then lifted gauge-cak by centimetres a reading hours later:
    the river off its trend by SILENT_DEP_M (0.1 m) and over its 3-hour median by SILENT_RISE_M evacuates (it used to
    take 0.15 m, reached after the front)."""
    ev = evacuations(site, day(site, lake_cak_silent_from=2.0, gauge_cak=small_rise_from(3.5)))
    assert ev and ev[0].lake == "cak-1" and ev[0].zones == ["cak-grig"]
    assert "2026-07-01T03:50:00Z" <= ev[0].time <= "2026-07-01T04:10:00Z", ev[0].time
    f = ev[0].evidence["features"]
    assert SILENT_DEP_M <= f["gauge_dep"] < 0.15 and f["gauge"] >= SILENT_RISE_M


def test_a_rise_sooner_after_the_silence_than_any_wave_travels_is_not_its_flood(site) -> None:  # type: ignore[no-untyped-def]
    """The fastest wave (10 m/s) needs 32 min from cak-1 to gauge-cak (19 km): while the station has been silent for less,
    the river rising below is not the flood that took it (a blind red-team fault day: the lake's channel died as a storm's
    first flush lifted the river next door, 15 min later)."""
    def quick(h: np.ndarray, v: np.ndarray) -> np.ndarray:  # from 03:15, as the station falls silent: 0.3 m in 20 min
        return v + 0.3 * np.clip((h - 3.25) * 3.0, 0.0, 1.0)

    ev = evacuations(site, day(site, lake_cak_silent_from=3.25, gauge_cak=quick))
    assert [d for d in ev if d.time < "2026-07-01T03:42:00Z"] == [], [d.time for d in ev]  # its last reading 03:10
    # the same rise an hour after the silence evacuates within minutes
    late = evacuations(site, day(site, lake_cak_silent_from=2.25, gauge_cak=quick))
    assert late and late[0].time < "2026-07-01T03:40:00Z", [d.time for d in late]


def test_a_river_that_rose_before_the_flood_could_come_is_not_its_flood_later_either(site) -> None:  # type: ignore[no-untyped-def]
    """The same rise 15 min after the silence, over before a wave from the lake could reach the gauge (03:42), stays
    unexplained by that lake once the travel time has passed: the river must rise again after it (features'
    gauge_since_silent; a development fault day: a stuck gauge-cak catching up 10 min after lake-cak-1 died)."""
    def quick(h: np.ndarray, v: np.ndarray) -> np.ndarray:  # from 03:15, as the station falls silent: 0.3 m in 20 min
        return v + 0.3 * np.clip((h - 3.25) * 3.0, 0.0, 1.0)

    assert evacuations(site, day(site, lake_cak_silent_from=3.25, gauge_cak=quick)) == []
    # rising on after the travel time (the flood's water), it evacuates
    on = evacuations(site, day(site, lake_cak_silent_from=3.25,
                               gauge_cak=lambda h, v: quick(h, v) + 0.25 * np.clip(h - 3.75, 0.0, 1.0)))
    assert on and on[0].lake == "cak-1" and on[0].time > "2026-07-01T03:45:00Z", [d.time for d in on]


@pytest.mark.parametrize(("shaking", "after", "before"), [(0.2, "2026-07-01T02:00:00Z", "2026-07-01T02:40:00Z"),
                                                         (0.03, "2026-07-01T03:50:00Z", "2026-07-01T04:30:00Z")])
def test_a_slow_flood_reaching_the_gauge_two_hours_after_the_geophone_evacuates(site, shaking: float, after: str,  # type: ignore[no-untyped-def]
                                                                                 before: str) -> None:
    """A tunnel drainage of ~15 m3/s runs at ~1 m/s: 2 h from geo-cha to gauge-cha (independent red-team scenarios).
    Shaking the geophone 8x its background, it evacuates there once the tremor has held 12 min (``flood_passing``; before
    that rule, after half an hour: ``LONG_LIFT``); at 2x after its
    front, the geophone still shakes over its background when the gauge departs from its rhythm: the same flood."""
    def slow_flow(h: np.ndarray, v: np.ndarray) -> np.ndarray:  # from 01:50 (its front triggers), holding for hours
        return v + np.where(h >= 1 + 50 / 60, shaking + 0.2 * np.exp(-(h - 1 - 50 / 60) * 60 / 10.0), 0.0)

    def late_rise(h: np.ndarray, v: np.ndarray) -> np.ndarray:  # reaches the gauge at 03:50: 2 h later
        return v + 0.12 * np.clip((h - 3 - 50 / 60) / 1.0, 0, None) ** 0.6

    ev = evacuations(site, day(site, geo=slow_flow, gauge_cha=late_rise))
    assert ev and ev[0].lake == "cha-2" and after < ev[0].time < before


def creeping_geophone(h: np.ndarray, v: np.ndarray) -> np.ndarray:
    """A tunnel drainage growing from 00:30 with an e-folding time of 2.5 h (Nye 1976): never an STA/LTA trigger."""
    return v * np.exp(np.clip(h - 0.5, 0, None) / 2.5)


def climbing_gauge(h: np.ndarray, v: np.ndarray) -> np.ndarray:  # the same flood at gauge-cha from 02:30, 8 cm an hour
    return v + 0.08 * np.clip(h - 2.5, 0, None)


def dry(df: pd.DataFrame) -> pd.DataFrame:
    """The quiet day without its drizzle (this test's weather is set by hand)."""
    return df.assign(value=np.where(df["sensor"] == "precipitation", 0.0, df["value"]))


def test_a_flood_growing_for_hours_evacuates_though_the_geophone_never_triggers(site) -> None:  # type: ignore[no-untyped-def]
    ev = evacuations(site, dry(day(site, geo=creeping_geophone, gauge_cha=climbing_gauge)))
    assert ev and ev[0].lake == "cha-2" and "cha-upper" in ev[0].zones
    assert "2026-07-01T04:00:00Z" < ev[0].time < "2026-07-01T05:30:00Z"
    text = " ".join(ev[0].explanation)
    assert "geo-cha" in text and "every hour" in text  # the duty officer reads why


def test_a_geophone_drifting_linearly_is_no_growing_flood(site) -> None:  # type: ignore[no-untyped-def]
    """A drift adds the same amount every hour, so it grows by less every hour (x2.6, x1.4, x1.3): a flood from a
    tunnel grows by the same factor every hour."""
    def drift(h: np.ndarray, v: np.ndarray) -> np.ndarray:
        return v + np.median(v) * 1.6 * np.clip(h - 0.5, 0, None)

    assert [d for d in evacuations(site, dry(day(site, geo=drift, gauge_cha=climbing_gauge))) if d.lake == "cha-2"] == []


def test_a_geophone_drifting_up_a_thousandfold_is_no_growing_flood(site) -> None:  # type: ignore[no-untyped-def]
    """A drifting channel grows by the same factor every hour too, but x10 an hour (x1000 in 3 h); a slow flood's
    shaking never grows like that without triggering (a blind red-team drift fault grew x2271 in 3 h)."""
    def drift(h: np.ndarray, v: np.ndarray) -> np.ndarray:
        return v * np.exp(np.clip(h - 0.5, 0, None) * np.log(10.0))

    assert [d for d in evacuations(site, dry(day(site, geo=drift, gauge_cha=climbing_gauge))) if d.lake == "cha-2"] == []


@pytest.mark.parametrize("case", ["geophone alone", "gauge alone", "drizzle"])
def test_a_creeping_geophone_needs_the_gauge_and_dry_weather(site, case: str) -> None:  # type: ignore[no-untyped-def]
    df = dry(day(site, geo=None if case == "gauge alone" else creeping_geophone,
                 gauge_cha=None if case == "geophone alone" else climbing_gauge))
    if case == "drizzle":  # 0.9 mm/h from 02:30: under every threshold, yet its drumming and runoff grow too
        hours = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
        df.loc[((df["sensor"] == "precipitation") & (hours >= 2.5)).to_numpy(), "value"] = 0.9 / 6
    assert [d for d in evacuations(site, df) if d.lake == "cha-2"] == []


def test_a_snow_melt_pulse_nearly_doubling_the_shaking_is_no_growing_flood(site) -> None:  # type: ignore[no-untyped-def]
    """The morning melt lifts the river's shaking x1.9 in 3 h, by the same factor every hour, and the gauge with it
    (blind red-team quiet days reached x2.1, our noisy hourly medians read x1.9 as up to x2.3): under CREEP_LIFT;
    a tunnel drainage keeps growing past it."""
    def melt(h: np.ndarray, v: np.ndarray) -> np.ndarray:
        return v * np.exp(np.log(1.9) * np.clip(h - 1.5, 0, 3.0) / 3.0)

    df = dry(day(site, geo=melt, gauge_cha=climbing_gauge))
    assert [d for d in evacuations(site, df) if d.lake == "cha-2"] == []


def test_a_drizzles_drumming_and_runoff_after_a_rockfall_is_no_slow_outburst(site) -> None:  # type: ignore[no-untyped-def]
    """A storm's first half hour (0.6 mm/h): rain drums on the hut (x1.8) and its runoff lifts the gauge 7 cm out of
    its rhythm, an hour after a rockfall triggered the geophone (a blind red-team rain day evacuated on this)."""
    def drum(h: np.ndarray, v: np.ndarray) -> np.ndarray:
        burst = np.where((h >= 1.5) & (h < 1.6), 0.5 * np.exp(-(h - 1.5) * 60 / 1.5), 0.0)
        return v * np.where(h >= 2.5, 1.8, 1.0) + burst

    def runoff(h: np.ndarray, v: np.ndarray) -> np.ndarray:
        return v + 0.07 * np.clip((h - 2.6) / 0.5, 0, 1)

    assert evacuations(site, day(site, geo=drum, gauge_cha=runoff, rain_mm_h=0.6)) == []


def test_a_slow_drainage_in_a_drizzle_still_evacuates(site) -> None:  # type: ignore[no-untyped-def]
    ev = evacuations(site, day(site, geo=flow_at_geophone, gauge_cha=rise_at_gauge, rain_mm_h=0.6))
    assert ev and ev[0].lake == "cha-2"


def test_a_sibling_lakes_warning_does_not_hold_back_the_evacuation_of_the_lake_that_burst(site) -> None:  # type: ignore[no-untyped-def]
    """cha-2 (no lake station) fails by flotation: a 70 m3/s flood shakes geo-cha for half an hour and lifts gauge-cha
    out of its rhythm, dry weather. cha-1's model warns on the same shaking, but its lake stays full, so it cannot
    evacuate; that warning must not silence cha-2's evacuation (a blind red-team flotation was only warned for)."""
    def flood(h: np.ndarray, v: np.ndarray) -> np.ndarray:  # the shaking grows x30 from 03:00 (STA/LTA to ~20)
        return v * np.where(h >= 3.0, np.minimum(np.exp((h - 3.0) * 60 / 7), 30.0), 1.0)

    def rise(h: np.ndarray, v: np.ndarray) -> np.ndarray:  # the flood reaches gauge-cha at 03:27: +7 cm, then 0.3 m a reading
        return v + np.where(h >= 3.45, 0.07, 0) + 0.3 * np.clip((h - 3.5) * 12, 0, 3)

    decisions = replay_frame(site, day(site, geo=flood, gauge_cha=rise))
    ev = [d for d in decisions if d.level == "evacuate" and d.hazard == "glof"]
    assert ev and ev[0].lake == "cha-2" and ev[0].time <= "2026-07-01T03:36:00Z"
    assert any(d.level == "warning" and d.lake == "cha-1" for d in decisions)  # the sibling's warning was there


def flood_passing(h: np.ndarray, v: np.ndarray) -> np.ndarray:  # the front triggers at 03:00, then 5x for an hour
    return v * np.where(h >= 3.0, 5.0 + 20.0 * np.exp(-(h - 3.0) * 60 / 3.0), 1.0)


def test_a_flood_shaking_the_geophone_for_half_an_hour_evacuates_before_the_gauge_sees_it(site) -> None:  # type: ignore[no-untyped-def]
    """A tunnel drainage of cha-2 passing geo-cha: 5x its background for an hour after the trigger, in dry weather;
    gauge-cha 7 km below has not moved yet (independent red-team drainages: an hour before it)."""
    ev = evacuations(site, day(site, geo=flood_passing))
    assert ev and ev[0].lake == "cha-2" and "2026-07-01T03:30:00Z" < ev[0].time < "2026-07-01T04:00:00Z"


def test_a_tremor_that_built_up_evacuates_at_eight_minutes_one_that_starts_at_its_peak_at_twelve(site) -> None:  # type: ignore[no-untyped-def]
    """A flood's front shakes the geophone more and more over minutes (independent red-team drainages of cha-2: 5x, then
    9, 19, 29, 36x): it evacuates at FLOOD_EARLY_MIN of trigger. Shaking that starts at its peak (a rockfall, a vehicle,
    a channel stepping) waits GEO_SUSTAIN_MIN, as before (features' geo_onset)."""
    def building(h: np.ndarray, v: np.ndarray) -> np.ndarray:  # from 03:00, growing to 30x over 6 min, then holding
        return v * np.where(h >= 3.0, 1.0 + 29.0 * np.clip((h - 3.0) * 60 / 6.0, 0, 1), 1.0)

    def abrupt(h: np.ndarray, v: np.ndarray) -> np.ndarray:  # 30x from its first minute
        return v * np.where(h >= 3.0, 30.0, 1.0)

    ev = [d for d in evacuations(site, dry(day(site, geo=building))) if d.lake == "cha-2"]
    assert ev and "2026-07-01T03:08:00Z" <= ev[0].time <= "2026-07-01T03:10:00Z", ev[0].time
    assert ev[0].evidence["features"]["geo_run"] == FLOOD_EARLY_MIN
    assert FIRE_RATIO <= ev[0].evidence["features"]["geo_onset"] <= FLOOD_ONSET_MAX
    ev = [d for d in evacuations(site, dry(day(site, geo=abrupt))) if d.lake == "cha-2"]
    assert ev and ev[0].time >= "2026-07-01T03:11:00Z" and ev[0].evidence["features"]["geo_onset"] > FLOOD_ONSET_MAX


def test_the_same_shaking_in_the_rain_or_a_drifting_channel_does_not_evacuate(site) -> None:  # type: ignore[no-untyped-def]
    """Rain drums on the hut and its runoff lifts the river (the storm's rules judge a flow then); a channel drifting
    up hundreds of times its background is no flood (a blind red-team fault: an offset growing by 6x the quiet level
    a minute, x750 in 2 h, smooth on the ground's noise: QC's ramp test takes it out). A noisy ramp as fast (the
    ground's noise itself amplified x80 in 12 min) shakes like a flood's front: below a lake nobody watches it
    evacuates after 12 min in dry weather (fusion.flood_passing)."""
    assert [d for d in evacuations(site, day(site, geo=flood_passing, rain_mm_h=3.0)) if d.lake == "cha-2"] == []

    def drifting(h: np.ndarray, v: np.ndarray) -> np.ndarray:
        return v + np.where(h >= 2.0, 6.0 * np.median(v) * 60 * (h - 2.0), 0.0)

    assert evacuations(site, day(site, geo=drifting)) == []


def test_a_big_flood_shaking_the_geophone_eightyfold_evacuates_by_the_time_the_gauge_leaves_its_rhythm(site) -> None:  # type: ignore[no-untyped-def]
    """Our simulator's 60 m3/s drainage of cha-2: its front shook geo-cha x80 its background and kept it shaking; 40
    min later gauge-cha rose 0.25 m in 15 min, a rising limb and no front. Shaking over CREEP_MAX with the river
    decimetres out of its rhythm is a big flood (a channel drifting up comes with the melt rhythm's centimetres). The
    tremor holding 12 min evacuates first (``flood_passing``), before the gauge sees the flood."""
    rng = np.random.default_rng(4)

    def big_flow(h: np.ndarray, v: np.ndarray) -> np.ndarray:  # from 02:20, surging around 80x the quiet level
        return np.where(h >= 2 + 20 / 60, 80.0 * np.median(v) * rng.lognormal(0.0, 0.3, len(v)), v)

    def limb(h: np.ndarray, v: np.ndarray) -> np.ndarray:  # from 03:00, 8 cm a reading
        return v + 0.08 * 12 * np.clip(h - 3.0, 0, None)

    ev = [d for d in evacuations(site, dry(day(site, geo=big_flow, gauge_cha=limb))) if d.lake == "cha-2"]
    assert ev and "2026-07-01T02:30:00Z" < ev[0].time <= "2026-07-01T03:30:00Z"


def climbing_everywhere(h: np.ndarray, v: np.ndarray) -> np.ndarray:  # gauge-cak climbs 0.5 m from 02:00 to 05:00
    return v + 0.5 * np.clip((h - 2.0) / 3.0, 0, 1)


def test_the_same_signs_while_the_other_valleys_river_climbs_too_are_the_weathers(site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Rain on snow above the weather stations (their buckets catch nothing) swells every river at once: the crosscheck
    red-team generator's rain-on-snow days evacuated cha-2. gauge-cak climbing as much in the same hours holds it back
    (fusion.all_rivers_climb); without that check, the same day evacuated."""
    import glofwatch.detection.fusion as fusion

    df = day(site, geo=flow_at_geophone, gauge_cha=rise_at_gauge, gauge_cak=climbing_everywhere)
    assert evacuations(site, df) == []
    monkeypatch.setattr(fusion, "FAR_CLIMB_M", 99.0)
    ev = evacuations(site, df)
    assert ev and ev[0].lake == "cha-2"


def test_the_same_signs_after_a_storm_are_its_runoff(site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A convective storm of 8 mm/h from 01:00 to 02:00, then dry: at 03:00-03:30 its runoff shakes the ground over the
    river and lifts the gauge out of its rhythm, with 0 mm in the hour: the slow-outburst signs, but not "dry" enough for
    them (fusion.SLOW_STORM_G: no storm over Guzzetti's minimum in the hours before; crosscheck red-team rain days
    evacuated cha-2 so). Without that check, the same day evacuated."""
    import glofwatch.detection.fusion as fusion

    df = day(site, geo=flow_at_geophone, gauge_cha=rise_at_gauge)
    hours = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    rain = (df["sensor"] == "precipitation").to_numpy()
    df.loc[rain, "value"] = np.where((hours[rain] > 1.0) & (hours[rain] <= 2.0), 8.0 / 6, 0.0)
    assert evacuations(site, df) == []
    monkeypatch.setattr(fusion, "SLOW_STORM_G", 99.0)
    ev = evacuations(site, df)
    assert ev and ev[0].lake == "cha-2"
