"""A debris flow in a long storm, seen by two sensors in the order and at the spacing of a wave.

Rain drumming on the geophone hut keeps a passing flow's STA/LTA under its trigger (4), and the river the storm
already lifted hides a 0.4 m surge under the gauge's front (0.5 m over its 3-hour median). Each alone is weak; the
geophone shaking to 3.5 and the gauge 7 km below surging 0.4 m half an hour later (a wave at 2-10 m/s) is a flow
(blind red-team debris flows in 11-21 h storms). Synthetic telemetry of the reference site through the real engine.
"""

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


def storm(site, *, shake_at: float | None, surge_at: float | None, surge_readings: int = 99,  # type: ignore[no-untyped-def]
          dropout_at: float | None = None) -> pd.DataFrame:
    """6 h: 12 mm/h from 01:00 at both weather stations (over Caine's threshold by 03:00); the rain drums on geo-cha
    (0.15 mm/s, noisy); a flow shakes it to ~3.5x for 8 min from ``shake_at`` (hours) and lifts gauge-cha by 0.4 m
    from ``surge_at`` for ``surge_readings`` readings, on a river the storm lifts 0.1 m an hour. ``dropout_at``: the
    gauge's logger reads 0 m for two readings from then (its own fault), the river unchanged."""
    df = quiet_day(site, START, hours=6.0, seed=3)
    t = pd.to_datetime(df["time"], utc=True)
    hours = ((t - pd.Timestamp(START)).dt.total_seconds() / 3600).to_numpy()
    rain = ((df["sensor"] == "precipitation") & (hours >= 1)).to_numpy()
    df.loc[rain, "value"] = 12.0 / 6
    rng = np.random.default_rng(11)
    g = ((df["station"] == "geo-cha") & (df["sensor"] == "ground_velocity")).to_numpy()
    h = hours[g]
    drum = np.where(h >= 1, 0.15, 0.05) * rng.lognormal(0.0, 0.25, len(h))
    if shake_at is not None:
        drum = drum + np.where((h >= shake_at) & (h < shake_at + 8 / 60), 0.4, 0.0)
    df.loc[g, "value"] = drum
    s = ((df["station"] == "gauge-cha") & (df["sensor"] == "stage")).to_numpy()
    h = hours[s]
    stage = 0.8 + 0.1 * np.clip(h - 1.5, 0, None) + rng.normal(0, 0.005, len(h))
    if surge_at is not None:
        on = (h >= surge_at) & (h < surge_at + surge_readings * 5 / 60 - 1e-9)
        stage = stage + np.where(on, 0.4 - 0.2 * np.clip(h - surge_at, 0, None), 0.0)
    if dropout_at is not None:
        stage = np.where((h >= dropout_at) & (h < dropout_at + 10 / 60 - 1e-9), 0.0, stage)
    df.loc[s, "value"] = stage
    return df


def evacuations(site, **kw) -> list:  # type: ignore[no-untyped-def]
    return [d for d in replay_frame(site, storm(site, **kw)) if d.level == "evacuate"]


def test_a_surge_the_geophone_above_saw_coming_evacuates_the_valley(site) -> None:  # type: ignore[no-untyped-def]
    ev = evacuations(site, shake_at=3.0, surge_at=3.5)
    assert ev and ev[0].hazard == "debris_flow" and ev[0].zones[0] == "cha-upper"
    assert ev[0].time <= "2026-07-01T03:36:00Z"  # on the reading that holds the surge (03:35)


@pytest.mark.parametrize("case", [
    {"shake_at": None, "surge_at": 3.5},  # the gauge alone: a storm flood's step
    {"shake_at": 3.0, "surge_at": None},  # the geophone alone, under its trigger: rain, thunder
    {"shake_at": 3.75, "surge_at": 3.5},  # the wrong order: the river surged before the ground shook
    {"shake_at": 1.5, "surge_at": 3.5},  # two hours apart: no wave takes that long 7 km (2 m/s: 58 min)
    {"shake_at": 3.0, "surge_at": 3.5, "surge_readings": 1},  # a one-reading stage glitch after a shake
    {"shake_at": 3.0, "surge_at": None, "dropout_at": 3.4},  # the river back from a logger's dropout to 0 m after a shake
])
def test_one_sensor_the_wrong_order_or_a_glitch_does_not_evacuate(site, case: dict) -> None:  # type: ignore[no-untyped-def]
    assert evacuations(site, **case) == []
