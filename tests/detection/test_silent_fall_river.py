"""A lake station whose last reading fell a few centimetres before it fell silent, and the river below rising once the
flood could be there: the breach took the station, and the flood is on its way (fusion.silent_fall_river). A station
that fell silent where the lake stood, a river rising in the rain, or before the fastest wave could arrive, is no such
sign. Synthetic telemetry of the reference site replayed through the real engine."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from glofwatch.detection.fusion import RULE_TEXT, SILENT_RIVER_M
from glofwatch.detection.replay import replay_frame
from glofwatch.sim.day import quiet_day

START = datetime(2026, 7, 1, tzinfo=UTC)
SILENT_H = 2.5  # lake-cak-1's last reading at 02:25
RULE = RULE_TEXT["silent_fall_river"]
FALL = 0.075  # lake-cak-1's last reading's fall (m)


@pytest.fixture(scope="module")
def site():  # type: ignore[no-untyped-def]
    from glofwatch.cli import _site

    return _site(None)


def day(site, *, fall_m: float, rise_m: float, rise_h: float = 3.5, rain_mm_h: float = 0.0) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Six quiet hours. lake-cak-1's last reading (02:25) is ``fall_m`` under the one before, then the station is silent;
    gauge-cak stands ``rise_m`` higher from ``rise_h`` on (one reading), then it is silent too (the flood took both)."""
    df = quiet_day(site, START, hours=6.0, seed=7)
    h = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    lake = (df["station"] == "lake-cak-1").to_numpy()
    level = lake & (df["sensor"] == "water_level").to_numpy()
    last = level & (h >= SILENT_H - 5 / 60) & (h < SILENT_H)
    df.loc[last, "value"] = df.loc[last, "value"].astype(float) - fall_m
    gauge = (df["station"] == "gauge-cak").to_numpy()
    front = gauge & (df["sensor"] == "stage").to_numpy() & (h >= rise_h) & (h < rise_h + 5 / 60)
    df.loc[front, "value"] = df.loc[front, "value"].astype(float) + rise_m
    if rain_mm_h:
        df.loc[((df["sensor"] == "precipitation") & (h >= 2.0)).to_numpy(), "value"] = rain_mm_h / 6
    return df[~(lake & (h >= SILENT_H)) & ~(gauge & (h >= rise_h + 5 / 60))]


def evacuations(site, df: pd.DataFrame) -> list:  # type: ignore[no-untyped-def]
    return [d for d in replay_frame(site, df) if d.level == "evacuate" and d.lake == "cak-1"]


def test_a_river_rising_below_a_station_that_fell_then_went_silent_evacuates_at_its_first_reading(site) -> None:  # type: ignore[no-untyped-def]
    """A 0.075 m fall (under fell_silent's one-reading step of FELL_SILENT_STEP_M; 0.033 m after the CUSUM's drift
    allowance, under its 0.08) and a 0.5 m step (no front: the river 0.25 m over its 3-hour median): evacuated at the
    gauge's one reading, saying why."""
    ev = evacuations(site, day(site, fall_m=FALL, rise_m=0.5))
    assert ev and ev[0].time == "2026-07-01T03:30:00Z"
    assert RULE in ev[0].explanation and ev[0].zones == ["cak-grig"]


@pytest.mark.parametrize(("why", "kw"), [
    ("the station fell silent where the lake stood", {"fall_m": 0.0, "rise_m": 0.5}),
    ("a fall under SILENT_FELL_M after the drift allowance", {"fall_m": 0.05, "rise_m": 0.5}),
    ("a rise under SILENT_RIVER_M", {"fall_m": FALL, "rise_m": SILENT_RIVER_M}),
    ("in the rain, the river rises for its own reasons", {"fall_m": FALL, "rise_m": 0.5, "rain_mm_h": 6.0}),
    ("sooner than the fastest wave could travel from the lake", {"fall_m": FALL, "rise_m": 0.5, "rise_h": 2.6}),
])
def test_no_evacuation_without_each_sign(site, why, kw) -> None:  # type: ignore[no-untyped-def]
    assert not evacuations(site, day(site, **kw)), why


def test_a_front_below_the_station_evacuates_in_the_rain_too(site) -> None:  # type: ignore[no-untyped-def]
    ev = evacuations(site, day(site, fall_m=FALL, rise_m=1.3, rain_mm_h=6.0))
    assert ev and ev[0].time == "2026-07-01T03:30:00Z" and RULE in ev[0].explanation
