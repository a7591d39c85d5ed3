"""A watched lake draining over hours (a piping or overtopping breach opening slowly) raises a WARNING once its water
lifts the gauge below out of its rhythm; the same lake fall with the river unmoved (a drifting level sensor), or the
river rising in the rain, does not. The lake falls 0.3 m an hour, as fast as a sensor can drift, so the CUSUM never
fires on it (blind red-team breaches of cak-1 and cha-1); it does not evacuate: a sensor drifting at 0.4 m/h meets the
gauge's melt rhythm a few times a day. Synthetic telemetry of the reference site through the real engine."""

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


def day(site, *, lake_falls: bool, river_rises: bool, rain_mm_h: float = 0.0) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """6 h of a quiet day; lake-cak-1 falls 0.3 m an hour from 01:30; gauge-cak rises 15 cm an hour from 03:00."""
    df = quiet_day(site, START, hours=6.0, seed=11)
    hours = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    if lake_falls:
        m = ((df["station"] == "lake-cak-1") & (df["sensor"] == "water_level")).to_numpy()
        df.loc[m, "value"] = df.loc[m, "value"].to_numpy() - 0.3 * np.clip(hours[m] - 1.5, 0, None)
    if river_rises:
        m = ((df["station"] == "gauge-cak") & (df["sensor"] == "stage")).to_numpy()
        df.loc[m, "value"] = df.loc[m, "value"].to_numpy() + 0.15 * np.clip(hours[m] - 3.0, 0, None)
    if rain_mm_h:
        df.loc[((df["sensor"] == "precipitation") & (hours >= 2.0)).to_numpy(), "value"] = rain_mm_h / 6
    return df


def alerts(site, df: pd.DataFrame) -> list:  # type: ignore[no-untyped-def]
    return [d for d in replay_frame(site, df) if d.level in ("warning", "evacuate")]


def test_a_lake_draining_slowly_warns_once_the_river_below_rises(site) -> None:  # type: ignore[no-untyped-def]
    al = alerts(site, day(site, lake_falls=True, river_rises=True))
    assert al and al[0].level == "warning" and al[0].lake == "cak-1" and al[0].zones == ["cak-grig"]
    assert "2026-07-01T03:00:00Z" < al[0].time < "2026-07-01T03:45:00Z"
    assert not any(d.level == "evacuate" for d in al)
    text = " ".join(al[0].explanation)  # the duty officer reads why: the lake's slow fall and the river below
    assert "lake-cak-1 water level" in text and "under its 3-hour median level" in text and "gauge-cak" in text
    assert "safety rules" in al[0].explanation[0]  # the model's probability is low: the headline says who set the level
    assert al[0].explanation[1].startswith("safety rule (warning): the lake stands under its 3-hour level")


@pytest.mark.parametrize("case", [
    {"lake_falls": True, "river_rises": False},  # a level sensor drifting down: the river does not move
    {"lake_falls": False, "river_rises": True},  # the river rising alone (melt): the lake is full
    {"lake_falls": True, "river_rises": True, "rain_mm_h": 6.0},  # in the rain: runoff lifts the river
])
def test_one_of_the_two_or_rain_does_not_warn(site, case: dict) -> None:  # type: ignore[no-untyped-def]
    assert alerts(site, day(site, **case)) == []
