"""Lake falls that are breaches though they are neither a wall of water nor a fall that keeps accelerating, and the
glitches that look like them (blind red-team scenarios: overtopping breaches of cha-1 that lower the lake by half a
metre in one reading and hold it there; breaches that open over an hour or two and drain it at 0.6-1 m an hour,
which the CUSUM's 0.5 m/h allowance mostly absorbs). Synthetic telemetry of the reference site through the engine."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from glofwatch.detection.replay import replay_frame
from glofwatch.sim.day import quiet_day

START = datetime(2026, 7, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def site():  # type: ignore[no-untyped-def]
    from glofwatch.cli import _site

    return _site(None)


def lake_day(site, shape, silent_from: float | None = None) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """6 h of a quiet day with lake-cha-1's level moved by ``shape(hours)`` (m), its readings gone from
    ``silent_from`` (hours) on."""
    df = quiet_day(site, START, hours=6.0, seed=8)
    lake = ((df["station"] == "lake-cha-1") & (df["sensor"] == "water_level")).to_numpy()
    h = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    df.loc[lake, "value"] = df.loc[lake, "value"].to_numpy(float) + shape(h[lake])
    if silent_from is not None:
        df = df[~(lake & (h >= silent_from))]
    return df


def evacuations(site, df: pd.DataFrame) -> list:  # type: ignore[no-untyped-def]
    return [d for d in replay_frame(site, df) if d.level == "evacuate" and d.lake == "cha-1"]


def test_a_fall_of_over_a_metre_the_lake_keeps_four_readings_evacuates(site) -> None:  # type: ignore[no-untyped-def]
    """Over a metre in one reading and standing: a transducer's glitch run looks the same (they are metres off), so the
    kept-fall rule waits for the fourth reading, one more than a glitch run lasts."""
    ev = evacuations(site, lake_day(site, lambda h: np.where(h >= 3.0, -1.2, 0.0)))
    assert ev and "2026-07-01T03:10:00Z" < ev[0].time <= "2026-07-01T03:16:00Z"  # the fourth reading (03:15)
    assert any("held four readings" in r for r in ev[0].explanation)


@pytest.mark.parametrize("fall", [0.25, 0.47, 0.9])
def test_a_first_drop_under_a_metre_that_the_next_reading_keeps_evacuates(site, fall: float) -> None:  # type: ignore[no-untyped-def]
    """A breach's first drop (blind red-team displacement waves, overtopping and piping breaches of cha-1 and cak-1:
    0.15-0.4 m in one reading, held a quarter of an hour before the fall went on): evacuate at the second reading that
    stands that far down (03:05), not the fourth, saying which step it was."""
    ev = evacuations(site, lake_day(site, lambda h: np.where(h >= 3.0, -fall, 0.0)))
    assert ev and "2026-07-01T03:04:00Z" < ev[0].time <= "2026-07-01T03:06:00Z"
    assert any("first drop" in r for r in ev[0].explanation)
    assert any(f"fell {fall:.2f} m in one reading at 03:00" in r for r in ev[0].explanation)


def test_a_third_of_a_metre_kept_while_the_lake_refills_evacuates(site) -> None:  # type: ignore[no-untyped-def]
    """A displacement wave's breach dropped the lake 0.33 m in one reading, then inflow lifted it 2 cm an hour (blind
    red-team cak-1; the fall statistic decays under 0.15 m by the fourth reading, the kept fall stands at 0.27 m)."""
    ev = evacuations(site, lake_day(site, lambda h: np.where(h >= 3.0, -0.33 + 0.02 * (h - 3.0), 0.0)))
    assert ev and "2026-07-01T03:04:00Z" < ev[0].time <= "2026-07-01T03:06:00Z"  # the second reading (step_kept)
    assert any("first drop" in r for r in ev[0].explanation)


def test_a_fall_kept_after_the_lake_rose_evacuates(site) -> None:  # type: ignore[no-untyped-def]
    """The lake filled 0.42 m in the 3 h before (inflow toward its spillway), then fell 0.45 m in one reading and held
    there (blind red-team breaches of cak-1 and cha-1 that then widened over 1-2 h). The fall counts before the CUSUM's
    allowance (0.28 m of it is left after four readings), and the lake stands 0.24 m under its 3-hour median, not 0.3:
    the rise lifted the median."""
    def shape(h):  # type: ignore[no-untyped-def]
        return np.where(h >= 3.0, -0.03, 0.14 * h)
    ev = evacuations(site, lake_day(site, shape))
    assert ev and "2026-07-01T03:04:00Z" < ev[0].time <= "2026-07-01T03:06:00Z"  # the second reading (step_kept)


def test_a_fall_from_a_lake_that_was_filling_evacuates_at_its_second_reading(site) -> None:  # type: ignore[no-untyped-def]
    """The lake filled 0.1 m an hour for 3 h and went on filling, and fell 0.25 m in one reading (blind red-team breaches
    of cha-1 after melt or rain inflow fell 0.19-0.34 m and held 20-70 min before the breach widened). The fall stands
    only 0.1 m under the 3-hour median, which the filling left behind, but over 0.2 m under the level before it at the
    next reading: a breach's first drop (the kept-fall rule, which also counts from the level before, took four
    readings)."""
    ev = evacuations(site, lake_day(site, lambda h: 0.1 * h - np.where(h >= 3.0, 0.25, 0.0)))
    assert ev and "2026-07-01T03:04:00Z" < ev[0].time <= "2026-07-01T03:06:00Z"  # the second reading (03:05)
    assert any("first drop" in r for r in ev[0].explanation)
    assert any("in one reading at 03:00 and every reading since stood" in r for r in ev[0].explanation)


@pytest.mark.parametrize("fall", [0.12, 0.18])
def test_a_step_under_the_kept_fall_floor_from_a_lake_at_rest_warns_and_does_not_evacuate(site, fall: float) -> None:  # type: ignore[no-untyped-def]
    """A step of 0.1-0.2 m in one reading, kept, from a lake at rest: a re-mounted sensor's offset looks the same (the
    replay benchmark's splice of a scenario onto its quiet background did). Under the kept-fall rule's 0.2 m floor
    (step_kept's too): a WARNING from the third reading that stands lower (stood_lower), so that someone looks."""
    decisions = [d for d in replay_frame(site, lake_day(site, lambda h: np.where(h >= 3.0, -fall, 0.0))) if d.lake == "cha-1"]
    assert not any(d.level == "evacuate" for d in decisions)
    assert decisions and decisions[0].level == "warning" and decisions[0].time <= "2026-07-01T03:16:00Z"


def test_one_reading_fall_warns_at_that_reading_and_evacuates_at_the_next_that_keeps_it(site) -> None:  # type: ignore[no-untyped-def]
    """0.3 m in one reading (03:00): a breach's first drop, a wave over the dam, or a glitch. The families get a WARNING
    at once (the model alone is held at WATCH until the next reading); the next reading keeps the fall: evacuate."""
    decisions = [d for d in replay_frame(site, lake_day(site, lambda h: np.where(h >= 3.0, -0.3, 0.0))) if d.lake == "cha-1"]
    assert [(d.time, d.level) for d in decisions[:2]] == [("2026-07-01T03:00:00Z", "warning"),
                                                          ("2026-07-01T03:05:00Z", "evacuate")]
    assert any("the next reading decides" in r for r in decisions[0].explanation)


@pytest.mark.parametrize(("glitch", "level"), [(-0.3, "warning"), (-1.8, "watch")])
def test_a_one_reading_glitch_does_not_evacuate(site, glitch: float, level: str) -> None:  # type: ignore[no-untyped-def]
    """One reading 0.3 m low, then the lake where it was: a WARNING for that reading's sake, no evacuation. One reading
    1.8 m low (a transducer's glitch, metres off, as the generators' are): a WATCH only."""
    decisions = [d for d in replay_frame(site, lake_day(site, lambda h: np.where((h >= 3.0) & (h < 3.04), glitch, 0.0)))
                 if d.lake == "cha-1"]
    assert decisions and decisions[0].time == "2026-07-01T03:00:00Z" and decisions[0].level == level
    assert not any(d.level == "evacuate" for d in decisions)


def falls_then(falls: list[float], then_m: float):  # type: ignore[no-untyped-def]
    """A lake at rest whose readings from 03:00 fall by ``falls`` (m), then ``then_m`` a reading."""
    def shape(h):  # type: ignore[no-untyped-def]
        k = np.floor((h - 3.0) * 12 + 1e-6)
        level = -np.cumsum(falls)
        return np.select([h < 3.0] + [k == i for i in range(len(falls))], [0.0, *level],
                         level[-1] - then_m * (k - len(falls) + 1))
    return shape


def test_a_fall_growing_three_readings_in_a_row_evacuates_at_the_third(site) -> None:  # type: ignore[no-untyped-def]
    """A breach opening: 0.04, 0.07, 0.14 m at 03:00, 03:05, 03:10 (a blind red-team breach of cha-1 after a displacement
    wave: 0.05, 0.08, 0.16 m). The CUSUM, less its drift allowance, counts 0.13 m by then, under the opening rule's 0.3:
    evacuate at 03:10, naming the three falls."""
    ev = evacuations(site, lake_day(site, falls_then([0.04, 0.07, 0.14], 0.2)))
    assert ev and "2026-07-01T03:09:00Z" < ev[0].time <= "2026-07-01T03:11:00Z"
    assert any("each fell at least as much as the one before" in r for r in ev[0].explanation)
    assert any("its last three readings fell 0.04, 0.07 and 0.14 m" in r for r in ev[0].explanation)


def test_three_growing_falls_of_a_drift_and_its_scatter_do_not_evacuate(site) -> None:  # type: ignore[no-untyped-def]
    """0.03, 0.05, 0.06 m, then standing: a sensor drifting 0.4 m/h with a few centimetres of scatter (a blind red-team
    fault day made 0.03, 0.05, 0.07 m). Under 0.15 m in all, the last under 0.08 m: no evacuation."""
    assert evacuations(site, lake_day(site, falls_then([0.03, 0.05, 0.06], 0.0))) == []


def test_a_glitch_high_while_the_lake_fills_is_no_kept_fall(site) -> None:  # type: ignore[no-untyped-def]
    """Three readings 0.4 m high while the lake fills 0.1 m an hour, then back at the level: the "fall" back is kept,
    but the lake stands where it stood before the glitch (the median of the eight readings before the four kept)."""
    ev = evacuations(site, lake_day(site, lambda h: 0.1 * h + np.where((h >= 2.99) & (h < 3.24), 0.4, 0.0)))
    assert ev == []


def test_a_glitch_run_of_metres_returning_after_three_readings_does_not_evacuate(site) -> None:  # type: ignore[no-untyped-def]
    """Three readings 1.5 m low while the lake fills, then back: a transducer's glitch run (the three generators' are
    1.75-21 m off). A run under a metre would evacuate at its second reading, as a breach's first drop."""
    def shape(h):  # type: ignore[no-untyped-def]
        return np.where((h >= 3.0) & (h < 3.24), -1.5, 0.14 * np.clip(h, 0, 3.0))
    assert evacuations(site, lake_day(site, shape)) == []


def test_a_three_reading_offset_returns_and_does_not_evacuate(site) -> None:  # type: ignore[no-untyped-def]
    assert evacuations(site, lake_day(site, lambda h: np.where((h >= 3.0) & (h < 3.24), -1.8, 0.0))) == []


@pytest.mark.parametrize(("rate", "after", "by"), [(0.65, "2026-07-01T03:10:00Z", "2026-07-01T03:21:00Z"),
                                                    (0.55, "2026-07-01T03:25:00Z", "2026-07-01T03:31:00Z")])
def test_a_lake_sinking_faster_than_any_drift_evacuates(site, rate: float, after: str, by: str) -> None:  # type: ignore[no-untyped-def]
    """0.55-0.65 m an hour (a sensor drifts at most 0.4): the CUSUM nets 0.05-0.15 m/h of it, alone it would evacuate
    after an hour or two. Sinking reading after reading, 0.15 m in 15 min (0.65 m/h: at the third falling reading) or
    0.25 m in 30 min (0.55 m/h), the lake that far under its 3-hour level, evacuates."""
    ev = evacuations(site, lake_day(site, lambda h: -rate * np.clip(h - 3.0, 0, None)))
    assert ev and after < ev[0].time <= by


def test_a_drift_slower_than_a_breach_is_no_sinking_lake(site) -> None:  # type: ignore[no-untyped-def]
    """0.45 m an hour for 5 h (faster than any drift seen): 0.7 m under the 3-hour median, 0.22 m in 30 min (< 0.25)."""
    assert evacuations(site, lake_day(site, lambda h: -0.45 * np.clip(h - 1.0, 0, None))) == []


def noisy_drift(rate_m_h: float, from_h: float, seed: int):  # type: ignore[no-untyped-def]
    """A level sensor drifting down ``rate_m_h`` from ``from_h`` hours on, with 1.2 cm of scatter a 5-min reading."""
    jitter = np.random.default_rng(seed).normal(0.0, 0.012, 200)

    def shape(h):  # type: ignore[no-untyped-def]
        return -rate_m_h * np.clip(h - from_h, 0, None) + np.where(h >= from_h, jitter[(h * 12).astype(int) % 200], 0.0)
    return shape


def test_a_noisy_drift_at_the_fastest_rate_seen_is_no_sinking_lake(site) -> None:  # type: ignore[no-untyped-def]
    """A level sensor drifting down 0.4 m an hour (the fastest of the red teams' drift faults; a blind one ran 0.35 m/h
    for 14 h, 1-6 cm a reading): its 15-min falls reach 0.14 m at most, never 0.15 (at 0.10 it evacuates)."""
    assert evacuations(site, lake_day(site, noisy_drift(0.4, 1.0, seed=3))) == []


def test_a_steady_drift_hours_long_is_no_sinking_lake_though_its_scatter_crosses_the_rate(site) -> None:  # type: ignore[no-untyped-def]
    """A blind red-team drift fault: 0.45 m an hour for 4 h. Its 30-min falls cross 0.25 m now and then, hours into the
    drift; a breach's fall is new, faster than over the hour before."""
    assert evacuations(site, lake_day(site, noisy_drift(0.45, 1.5, seed=5))) == []


def test_a_drift_an_hour_old_whose_scatter_makes_a_quick_sink_is_no_sinking_lake(site) -> None:  # type: ignore[no-untyped-def]
    """A blind red-team drift fault 55 min old, 0.42 m/h: one reading 2.5 cm high, the one 15 min later 2 cm low, and
    the lake "sank" 0.15 m in 15 min, three readings falling. It fell at 0.42 m/h for the 30 min before: a breach that
    opens within the hour sinks 2.5x faster than that."""
    def shape(h):  # type: ignore[no-untyped-def]
        bump = np.where(np.isclose(h * 12, 32, atol=0.1), 0.025, 0.0) - np.where(np.isclose(h * 12, 35, atol=0.1), 0.02, 0.0)
        return -0.42 * np.clip(h - 2.0, 0, 1.0) + bump
    assert evacuations(site, lake_day(site, shape)) == []


def test_a_stuck_level_catching_up_with_its_drift_is_no_fall(site) -> None:  # type: ignore[no-untyped-def]
    """Our simulator's fault day: a level drifting down 0.3 m/h sticks for 40 min, then reads 0.2 m lower at once and
    drifts on. The step that ends a stuck run is the sensor catching up, not the lake falling (it evacuated as a fall
    the lake keeps)."""
    def shape(h):  # type: ignore[no-untyped-def]
        drift = -0.3 * np.clip(h - 2.0, 0, None)
        return np.where((h >= 2.75) & (h < 3.42), -0.3 * 0.75, drift)
    df = lake_day(site, shape)
    lake = ((df["station"] == "lake-cha-1") & (df["sensor"] == "water_level")).to_numpy()
    df.loc[lake, "value"] = df.loc[lake, "value"].astype(float).round(4)
    h = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    stuck = lake & (h >= 2.75) & (h < 3.42)
    df.loc[stuck, "value"] = df.loc[stuck, "value"].iloc[0]  # the same value to the last digit
    assert evacuations(site, df) == []


def test_a_seepage_that_grows_into_a_breach_still_sinks(site) -> None:  # type: ignore[no-untyped-def]
    """Seepage at 0.1 m/h whose rate grows 1.4x each half hour (blind red-team piping breaches of cak-1): it sinks
    0.25 m in 30 min at about 0.5 m/h, 3.4 h in, faster than over the hour before."""
    def shape(h):  # type: ignore[no-untyped-def]
        return -0.15 * (np.exp(np.clip(h - 1.0, 0, None) / 1.49) - 1.0)
    ev = evacuations(site, lake_day(site, shape))
    assert ev and "2026-07-01T03:00:00Z" < ev[0].time <= "2026-07-01T04:30:00Z"
    assert any("sinking" in r for r in ev[0].explanation)


def test_a_glitch_of_metres_then_a_gap_is_no_sinking_lake(site) -> None:  # type: ignore[no-untyped-def]
    """Three readings 14 m low, then the station's gap (as on a fault day of our simulator): one step, not a lake draining."""
    df = lake_day(site, lambda h: np.where(h >= 2.99, -14.0 - 0.2 * (h - 2.99), 0.0), silent_from=3.16)
    assert evacuations(site, df) == []


def test_sink_needs_a_smooth_fall_not_one_step() -> None:
    """The detector itself: a lake falling 0.08 m a reading sinks; one step of 14 m then 2 cm a reading does not."""
    from glofwatch.detection.detectors.level_drop import LevelDrop

    t = np.arange(48) * 300_000
    smooth = np.r_[np.zeros(36), -0.08 * np.arange(1, 13)]
    step = np.r_[np.zeros(36), -14.0 - 0.02 * np.arange(12)]
    assert LevelDrop().compute(t, smooth, None, None)["sink"][-1] >= 0.5  # type: ignore[arg-type]
    assert LevelDrop().compute(t, step, None, None)["sink"].max() == 0.0  # type: ignore[arg-type]


def test_a_stuck_channel_repeating_a_glitched_value_is_no_kept_fall(site) -> None:  # type: ignore[no-untyped-def]
    """A spike that the stuck channel then repeats for an hour (a fault day of our simulator): 9.8 m lower, the same
    value to the last digit, more than the lake can fall in an interval. Neither a kept fall nor a sinking lake."""
    df = lake_day(site, lambda h: np.zeros(len(h)))
    h = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    lake = ((df["station"] == "lake-cha-1") & (df["sensor"] == "water_level")).to_numpy()
    df.loc[lake & (h >= 3.0) & (h < 4.0), "value"] = -9.8
    assert evacuations(site, df) == []


def station_dies(df: pd.DataFrame, at_h: float) -> pd.DataFrame:
    """lake-cha-1 sends nothing (level, temperature, battery) from ``at_h`` hours on."""
    h = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    return df[~((df["station"] == "lake-cha-1").to_numpy() & (h >= at_h))]


def test_a_fall_then_the_station_silent_evacuates_and_holds(site) -> None:  # type: ignore[no-untyped-def]
    """The lake fell 0.2 m in one reading (03:00), the next reading agreed, then the station died (the breach took it):
    evacuate once it missed two reports, and hold while it stays silent (the wave may be hours away)."""
    df = station_dies(lake_day(site, lambda h: np.where(h >= 3.0, -0.2, 0.0)), 3.09)
    decisions = [d for d in replay_frame(site, df) if d.lake == "cha-1"]
    ev = [d for d in decisions if d.level == "evacuate"]
    assert ev and "2026-07-01T03:10:00Z" < ev[0].time <= "2026-07-01T03:21:00Z"
    assert [d.level for d in decisions if d.time > ev[0].time] == []  # 6 h of telemetry: no all-clear while silent
    assert any("late since 03:05" in r for r in ev[0].explanation) and any("fell 0.20 m" in r for r in ev[0].explanation)


def test_one_reading_fallen_then_the_station_silent_evacuates(site) -> None:  # type: ignore[no-untyped-def]
    """The lake fell 0.13 m in its last reading (03:00) and the station died before the next (our simulator's breaches
    of cak-1 that destroyed the station minutes after onset): evacuate once it missed two reports, not at the gauge."""
    df = station_dies(lake_day(site, lambda h: np.where(h >= 3.0, -0.13, 0.0)), 3.04)
    decisions = [d for d in replay_frame(site, df) if d.lake == "cha-1"]
    ev = [d for d in decisions if d.level == "evacuate"]
    assert ev and "2026-07-01T03:05:00Z" < ev[0].time <= "2026-07-01T03:16:00Z"
    assert any("fell silent" in r for r in ev[0].explanation)


@pytest.mark.parametrize(("fall", "dies_h"), [(0.12, 3.14), (0.09, 3.04)])
def test_a_step_of_a_decimetre_kept_until_the_station_died_evacuates(site, fall: float, dies_h: float) -> None:  # type: ignore[no-untyped-def]
    """The lake fell a decimetre in one reading (03:00) and stood there until the station died (blind red-team breaches
    of cak-1: 0.36 -> 0.22 m, 0.22, 0.23, silent; the gauge evacuated 7 min before Grigorievka). The CUSUM's drift
    allowance had given the fall up by the third reading, and one reading of 0.09 m is under fell1's 0.08 m after the
    allowance; the step against the level before it (level_drop's stepped) is neither: evacuate once it missed two
    reports, saying what the lake did."""
    df = station_dies(lake_day(site, lambda h: np.where(h >= 3.0, -fall, 0.0)), dies_h)
    ev = evacuations(site, df)
    last = "03:10" if dies_h > 3.1 else "03:00"
    assert ev and ev[0].time <= f"2026-07-01T{last[:3]}{int(last[3:]) + 11:02d}:00Z"
    assert any("fell silent" in r for r in ev[0].explanation)
    assert any(f"fell {fall:.2f} m in one reading at 03:00" in r for r in ev[0].explanation)


def test_one_reading_fallen_then_reporting_at_the_level_does_not_evacuate(site) -> None:  # type: ignore[no-untyped-def]
    """The same 0.13 m reading, then the station goes on reporting the lake where it stood: a glitch."""
    assert evacuations(site, lake_day(site, lambda h: np.where((h >= 3.0) & (h < 3.04), -0.13, 0.0))) == []


@pytest.mark.parametrize("fall", [0.0, 0.03, 0.05])
def test_a_station_that_dies_where_the_lake_stood_does_not_evacuate(site, fall: float) -> None:  # type: ignore[no-untyped-def]
    """A battery, a radio or a fault kills a station at the lake's level (no-hazard days: at most 0.03 m under it; no
    last reading 0.05 m down by a sudden fall; no step in its last three readings that they kept over 0.05 m, of 7 200
    silences on 3 600 development days of the three generators)."""
    df = station_dies(lake_day(site, lambda h: np.where(h >= 3.0, -fall, 0.0)), 3.09)
    assert evacuations(site, df) == []


def test_a_level_sensor_drifting_down_then_silent_does_not_evacuate(site) -> None:  # type: ignore[no-untyped-def]
    """Our simulator's fault day: the level drifts down 0.3 m an hour (0.35 m under its 3-hour level after 70 min), then
    the station goes silent. No fall faster than a drift: no evacuation."""
    df = station_dies(lake_day(site, lambda h: -0.3 * np.clip(h - 2.0, 0, None)), 3.17)
    assert evacuations(site, df) == []


def test_the_explanation_does_not_count_a_stuck_channels_catch_up_step() -> None:
    """The duty officer reads the fall the rule counts: the step that ends a stuck run is no fall in the explanation
    either (it said "fell 0.86 m" where the rule counted 0.56), and the CUSUM it quotes is the feature's."""
    from glofwatch.detection.detectors.level_drop import LevelDrop

    t = np.arange(44, dtype=np.int64) * 300_000
    v = np.r_[np.zeros(36), -0.3, -0.3 - 0.08 * np.arange(1, 8)]  # stuck 4 readings, 0.3 m lower at once, falling on
    st = type("S", (), {"id": "lake-cha-1"})()

    def text(v: np.ndarray) -> tuple[str, float]:
        feats = {k: float(a[-1]) for k, a in LevelDrop().compute(t, v, None, None).items()}  # type: ignore[arg-type]
        return LevelDrop().explain(st, None, feats, int(t[-1]), (t, v)).text, feats["drop"]  # type: ignore[arg-type]

    said, drop = text(v)
    assert "fell 0.56 m in 35 min since 03:00" in said and f"CUSUM {drop:.2f} m" in said, said
    live = v.copy()
    live[32:36] = [0.001, -0.001, 0.002, 0.0]  # a live sensor never repeats a value: the same step is a fall
    said, drop = text(live)
    assert "fell 0.86 m in 40 min since 02:55" in said and f"CUSUM {drop:.2f} m" in said, said


def widening(h: np.ndarray) -> np.ndarray:
    """A piping breach widening from 02:00: the lake falls at 0.1, 0.2, 0.4, then 0.8 m/h, half an hour each."""
    knots_h = np.array([2.0, 2.5, 3.0, 3.5, 6.0])
    knots_m = np.array([0.0, -0.05, -0.15, -0.35, -2.35])
    return np.interp(h, knots_h, knots_m, left=0.0)


def test_a_fall_that_grows_every_half_hour_evacuates_before_it_is_fast(site) -> None:  # type: ignore[no-untyped-def]
    """Blind red-team piping breaches of cak-1 sank the lake at 0.1, 0.2, 0.4 m/h, under the 0.5 m/h of any sensor
    drift, and were evacuated at the gauge, late. Each half hour falling faster than the one before (1.2x, then 1.5x),
    at two readings in a row, is a breach widening; a drift falls alike every half hour. Its quarter hours (0.025,
    0.05, 0.075 m by 03:05) quicken sooner still: evacuated at 03:05 (by the half hours alone, 03:20)."""
    ev = evacuations(site, lake_day(site, widening))
    assert ev and "2026-07-01T03:00:00Z" < ev[0].time <= "2026-07-01T03:25:00Z", ev and ev[0].time
    assert any("sinking" in r or "quickened" in r for r in ev[0].explanation)
    # the fast-sink rule alone waits until the lake falls 0.25 m in 30 min (after 03:30)
    from glofwatch.detection.detectors import level_drop

    feats = level_drop.LevelDrop().compute(np.arange(73, dtype=np.int64) * 300_000, widening(np.arange(73) / 12), None, None)  # type: ignore[arg-type]
    first = int(np.flatnonzero(feats["accel"] > 0)[0])
    assert feats["sink"][:first + 1].max() == 0.0 and feats["accel"][first - 1] == 0.0 and feats["accel"][first + 1] > 0
    drift = level_drop.LevelDrop().compute(np.arange(73, dtype=np.int64) * 300_000,  # type: ignore[arg-type]
                                           -0.4 * np.clip(np.arange(73) / 12 - 2.0, 0, None), None, None)
    assert drift["accel"].max() == 0.0


def test_a_breach_opening_a_few_centimetres_then_decimetres_evacuates_at_its_second_reading(site) -> None:  # type: ignore[no-untyped-def]
    """Blind red-team piping breaches of cha-1: the lake fell 0.10 m, then 0.36 m more at the next reading. A large fall
    alone waits for the next reading (a transducer's glitch is one reading off); one that the reading before began is a
    breach opening (fusion.opening)."""
    ev = evacuations(site, lake_day(site, lambda h: np.where(h >= 3.0, -0.12, 0.0) + np.where(h >= 3 + 5 / 60, -0.4, 0.0)))
    assert ev and "2026-07-01T03:04:00Z" < ev[0].time <= "2026-07-01T03:06:00Z"  # the second falling reading (03:05)
    assert any("breach opening" in r for r in ev[0].explanation)


def test_the_same_large_fall_in_one_reading_waits_for_the_next(site) -> None:  # type: ignore[no-untyped-def]
    ev = evacuations(site, lake_day(site, lambda h: np.where(h >= 3 + 5 / 60, -0.52, 0.0)))
    assert not ev or ev[0].time > "2026-07-01T03:06:00Z"


def quickening(h):  # type: ignore[no-untyped-def]
    """A breach widening from 02:00: the lake's fall doubles about every 17 min (1 cm in the first quarter hour, 5 cm in
    the fourth, 11 in the fifth), as independent and blind red-team breaches of cak-1 and cha-1 do."""
    return -0.01 * (np.exp(np.clip(h - 2.0, 0, None) / 0.4) - 1.0)


def test_a_fall_that_quickens_every_quarter_hour_evacuates_before_it_sinks_fast(site) -> None:  # type: ignore[no-untyped-def]
    """The sinking rate (0.25 m in 30 min) is reached at 03:30, the half-hourly acceleration later; the quarter hours
    that each fell 1.3 times the one before, the hour's readings bending, evacuate at 03:15 or sooner."""
    ev = evacuations(site, lake_day(site, quickening))
    assert ev and "2026-07-01T02:55:00Z" < ev[0].time <= "2026-07-01T03:16:00Z"
    assert any("quickened" in r for r in ev[0].explanation)
    assert any("its fall quickening every quarter hour" in r for r in ev[0].explanation)


def test_drifts_setting_in_are_no_quickening_fall(site) -> None:  # type: ignore[no-untyped-def]
    """Level sensors that start to drift 0.35 m an hour with 1.2 cm of scatter a reading (three times the red teams'):
    flat, then a straight fall, the kink inside the quarter hours that seem to grow. The scatter can make the quarter
    hours grow 1.3 times each; their growth must be more than the scatter makes of it (1.5 times twice its standard
    deviation). Of 40 such onsets one passes (at once the two deviations, or with no such check, two)."""
    quick = 0
    for seed in range(40):
        ev = evacuations(site, lake_day(site, noisy_drift(0.35, 2.0 + (seed % 4) * 0.02, seed=seed)))
        quick += bool(ev) and any("quickened" in r for r in ev[0].explanation)
    assert quick <= 1


def test_bends_down_sees_a_parabola_not_a_line_nor_a_kink() -> None:
    from glofwatch.detection.detectors.level_drop import bends_down

    t = np.arange(24) * 300_000
    h = t / 3_600_000.0
    noise = np.random.default_rng(1).normal(0.0, 0.003, 24)
    assert bends_down(t, -0.2 * h * h + noise, 12, 2.0, 3_600_000 + 300_000)[0][-1]  # quickening all along
    assert not bends_down(t, -0.3 * h + noise, 12, 2.0, 3_600_000 + 300_000)[0].any()  # a drift
    kink = -0.4 * np.clip(h - 1.3, 0, None) + noise  # flat, then a drift, the kink 40 min before the newest reading
    assert not bends_down(t, kink, 12, 2.0, 3_600_000 + 300_000)[0][-1]
    assert not bends_down(t * 0, kink, 12, 2.0, 3_600_000)[0].any()  # no time span: nothing to fit
    some = np.zeros(24, dtype=bool)
    some[[11, 17, 23]] = True  # only where asked, and the same there
    full, part = bends_down(t, -0.2 * h * h + noise, 12, 2.0, 3_900_000), \
        bends_down(t, -0.2 * h * h + noise, 12, 2.0, 3_900_000, where=some)
    assert (part[0] == (full[0] & some)).all() and np.allclose(part[1][some], full[1][some]) and np.isnan(part[1][~some]).all()


def warnings_for_cha1(site, df: pd.DataFrame) -> list:  # type: ignore[no-untyped-def]
    return [d for d in replay_frame(site, df) if d.lake == "cha-1" and d.level in ("warning", "evacuate")]


def test_a_lake_that_fell_in_one_reading_and_stood_lower_is_a_warning(site) -> None:  # type: ignore[no-untyped-def]
    """The lake fell 0.15 m in one reading (03:00) and stands there, the station reporting (blind red-team overtopping
    breaches of cha-1 held such a fall 80 min before widening): a WARNING at its fourth reading (03:15), held while the
    lake stands lower, naming the step. Under the kept-fall rule's 0.2 m, so no evacuation."""
    from glofwatch.detection.fusion import RULE_TEXT

    alerts = warnings_for_cha1(site, lake_day(site, lambda h: np.where(h >= 3.0, -0.15, 0.0)))
    assert [d.level for d in alerts] == ["warning"]
    assert alerts[0].time == "2026-07-01T03:15:00Z"
    assert RULE_TEXT["lake_stood_lower"] in alerts[0].explanation
    assert any("fell 0.15 m in one reading at 03:00 and every reading since stood" in r for r in alerts[0].explanation)
    later = [d for d in replay_frame(site, lake_day(site, lambda h: np.where(h >= 3.0, -0.15, 0.0)))
             if d.lake == "cha-1" and d.time > alerts[0].time]
    assert later == [] or later[0].time >= "2026-07-01T05:00:00Z"  # held while the lake stands lower (the 2 h it reads)


@pytest.mark.parametrize(("why", "shape", "silent"), [
    ("a three-reading glitch returns", lambda h: np.where((h >= 3.0) & (h < 3.24), -0.15, 0.0), None),
    ("a step under STOOD_M", lambda h: np.where(h >= 3.0, -0.08, 0.0), None),
    ("a drift back from a battery dropout stands lower, but it fell in no one reading",
     lambda h: -0.3 * np.clip(h - 2.0, 0, None), (2.5, 4.0)),
])
def test_no_warning_for_a_step_that_returns_is_small_or_spans_a_silence(site, why, shape, silent) -> None:  # type: ignore[no-untyped-def]
    df = lake_day(site, shape)
    if silent is not None:
        lake = ((df["station"] == "lake-cha-1") & (df["sensor"] == "water_level")).to_numpy()
        h = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
        df = df[~(lake & (h >= silent[0]) & (h < silent[1]))]
    assert warnings_for_cha1(site, df) == [], why
