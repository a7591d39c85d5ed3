"""A river that steps up a few centimetres from rest in one reading and stays there, with no rain in the valley, below a
lake nobody watches, evacuates that lake's valley: water let go upstream (``fusion.lifted_dry``, gauge_rise's ``lift``).

cha-2 is ice-dammed and has no lake station. Its tunnel drainages begin at a few m3/s: their first water reaches
gauge-cha as a step of 3-10 cm that holds, hours before the drainage peaks, while the geophone above stays under its
trigger (blind red-team drainages were missed until their water reached Cholpon-Ata). Rain, a glitch, a stuck channel
coming back, a noisy gauge's scatter or the melt rhythm's slow rise must not evacuate. Synthetic telemetry of the
reference site through the real engine."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from glofwatch.detection.replay import replay_frame
from tests.detection.synthetic import START, rain_and_stage_day

STEP_H = 4.0  # the step reaches gauge-cha at 04:00


@pytest.fixture(scope="module")
def site():  # type: ignore[no-untyped-def]
    from glofwatch.cli import _site

    return _site(None)


def day(site, stage, *, rain_mm: float = 0.0) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """8 h of a dry quiet day; gauge-cha reads ``stage(hours)``; ``rain_mm`` falls 02:00-03:00."""
    rain = (lambda h: np.where((h >= 2.0) & (h < 3.0), rain_mm, 0.0)) if rain_mm else None
    return rain_and_stage_day(site, rain, lambda h, v: np.round(stage(h), 4), seed=11)


def river(h: np.ndarray, noise_m: float = 0.003) -> np.ndarray:
    """gauge-cha at rest: 0.7 m, the melt rhythm's centimetre an hour, the stage's millimetres of noise."""
    return 0.7 + 0.01 * h + np.random.default_rng(3).normal(0, noise_m, len(h))


def drainage(h: np.ndarray, step_m: float = 0.05) -> np.ndarray:
    """A tunnel drainage's first water: the river steps ``step_m`` at 04:00, then rises 2 cm an hour as the tunnel opens."""
    return river(h) + np.where(h >= STEP_H, step_m + 0.02 * (h - STEP_H), 0.0)


def evacuations(site, stage, **kw) -> list:  # type: ignore[no-untyped-def]
    return [d for d in replay_frame(site, day(site, stage, **kw)) if d.level == "evacuate"]


def test_a_step_that_stood_with_no_rain_evacuates_the_valley_of_the_lake_nobody_watches(site) -> None:  # type: ignore[no-untyped-def]
    ev = evacuations(site, drainage)
    assert ev and ev[0].hazard == "glof" and ev[0].lake == "cha-2"
    assert ev[0].zones == ["cha-upper", "cha-town", "cha-shore"]
    # on the fourth reading from the step (04:15): a glitch lasts at most three
    assert "2026-07-01T04:14:00Z" < ev[0].time <= "2026-07-01T04:16:00Z", ev[0].time
    assert any(x.startswith("safety rule: the river below a lake nobody watches (or whose station shows it falling) stepped up") for x in ev[0].explanation)
    # the gauge's own words: how far it stepped and that it stood (what the duty officer checks on the console's plot)
    said = [x for x in ev[0].explanation if x.startswith("gauge-cha river stage")]
    assert said and "stepped up from rest in one reading and has stood 4 readings +0.05 m" in said[0], said


def test_three_centimetres_that_stood_are_enough(site) -> None:  # type: ignore[no-untyped-def]
    assert evacuations(site, lambda h: drainage(h, 0.032))


def test_a_step_after_rain_in_the_valley_does_not_evacuate(site) -> None:  # type: ignore[no-untyped-def]
    # 1 mm an hour before it: storm runoff steps a river too (the rain may reach it before the weather station)
    assert evacuations(site, drainage, rain_mm=1.0) == []


def test_a_step_while_the_rain_gauges_are_silent_does_not_evacuate(site) -> None:  # type: ignore[no-untyped-def]
    # the weather stations' last reports at 03:30: no rain measured is not no rain (the storm may have taken them)
    df = day(site, drainage)
    hours = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    assert evacuations(site, drainage)  # (as the first test)
    assert [d for d in replay_frame(site, df[~((df["sensor"] == "precipitation").to_numpy() & (hours > 3.5))])
            if d.level == "evacuate"] == []


@pytest.mark.parametrize("readings", [1, 2, 3])
def test_a_glitch_of_one_to_three_readings_does_not_evacuate(site, readings: int) -> None:  # type: ignore[no-untyped-def]
    def glitch(h: np.ndarray) -> np.ndarray:
        return river(h) + np.where((h >= STEP_H) & (h < STEP_H + readings * 5 / 60 - 1e-9), 0.06, 0.0)

    assert evacuations(site, glitch) == []


def test_a_stuck_channel_coming_back_does_not_evacuate(site) -> None:  # type: ignore[no-untyped-def]
    def stuck(h: np.ndarray) -> np.ndarray:  # one value 03:00-04:00 while the melt lifts the river 6 cm, then caught up
        v = 0.7 + 0.06 * np.clip(h - 3.0, 0, None) + np.random.default_rng(3).normal(0, 0.003, len(h))
        return np.where((h >= 3.0) & (h < STEP_H), v[np.searchsorted(h, 3.0)], v)

    assert evacuations(site, stuck) == []


def test_a_noisy_gauges_scatter_does_not_evacuate(site) -> None:  # type: ignore[no-untyped-def]
    # a gauge whose readings scatter by 1.5 cm: a 3.5 cm step is within five of its typical steps
    assert evacuations(site, lambda h: river(h, 0.015) + np.where(h >= STEP_H, 0.035, 0.0)) == []


def test_a_river_rising_reading_by_reading_does_not_evacuate(site) -> None:  # type: ignore[no-untyped-def]
    # 12 cm in the hour after 04:00, a centimetre a reading: twice the melt rhythm's fastest rise on the generators'
    # quiet days (0.145 m in 3 h), and no step
    assert evacuations(site, lambda h: river(h) + 0.12 * np.clip(h - STEP_H, 0, 1.0)) == []


def test_a_smaller_step_that_stood_warns_and_does_not_evacuate(site) -> None:  # type: ignore[no-untyped-def]
    ds = [d for d in replay_frame(site, day(site, lambda h: drainage(h, 0.024))) if d.hazard == "glof"]
    up = [d for d in ds if d.level in ("warning", "evacuate")]
    assert up and up[0].level == "warning" and up[0].lake == "cha-2", [(d.time, d.level, d.lake) for d in up]
    assert "2026-07-01T04:14:00Z" < up[0].time <= "2026-07-01T04:16:00Z", up[0].time
    assert any(x.startswith("safety rule (warning): the river below a lake nobody watches (or whose station shows it falling) stepped up") for x in
               up[0].explanation)
    said = [x for x in up[0].explanation if x.startswith("gauge-cha river stage")]
    assert said and "stepped up from rest in one reading and has stood 4 readings +0.02 m" in said[0], said
    assert not [d for d in ds if d.level == "evacuate"]  # 2.4 cm: under lifted_dry's 3 cm
