"""A lake station that falls silent after its battery sagged lost its power, not its lake: its silence is told to the duty
officer but counts as no sign of a flood (detection.features.battery_flat)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from glofwatch.detection.features import _by_station, battery_flat
from glofwatch.detection.replay import load_engine, replay_frame
from glofwatch.sim.day import quiet_day

START = datetime(2026, 7, 1, tzinfo=UTC)


def _day(site, battery_at_2h: float | None, *, silent_from_h: float = 2.5, front: bool = True) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Six quiet hours; lake-cak-1's battery reads ``battery_at_2h`` at 02:00 (None: as charged as ever), the station is
    silent from ``silent_from_h``; gauge-cak 1.5 m higher from 04:30 (a front 19 km below the lake, 2 h later)."""
    df = quiet_day(site, START, hours=6.0, seed=4)
    h = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    lake = (df["station"] == "lake-cak-1").to_numpy()
    if battery_at_2h is not None:
        df.loc[lake & (df["sensor"] == "battery").to_numpy() & (h >= 2.0) & (h < 2.5), "value"] = battery_at_2h
    if front:
        m = ((df["station"] == "gauge-cak") & (df["sensor"] == "stage")).to_numpy() & (h >= 4.5)
        df.loc[m, "value"] = df.loc[m, "value"].astype(float) + 1.5
    return df[~(lake & (h >= silent_from_h))]


def _evacuations(site, df: pd.DataFrame) -> list:  # type: ignore[no-untyped-def]
    return [d for d in replay_frame(site, df) if d.level == "evacuate" and d.lake == "cak-1"]


def test_a_front_below_a_station_silent_for_want_of_power_does_not_evacuate_an_outburst(site) -> None:  # type: ignore[no-untyped-def]
    """The same silence and the same front: after a charged battery's last reading the fusion evacuates Grigorievka (the
    flood may have taken the station); after a sagged one it does not, and the silence's evidence line says why."""
    assert _evacuations(site, _day(site, None))
    assert not _evacuations(site, _day(site, 11.0))
    told = [line for d in replay_frame(site, _day(site, 11.0)) if d.lake == "cak-1" for line in d.explanation
            if line.startswith("lake-cak-1 (lake) silent")]
    assert told and all("battery had sagged to 11.0 V" in line for line in told)


@pytest.mark.parametrize(("volts", "silent_from_h", "flat"), [
    (None, 2.5, False),  # charged (12.6 V): a silence a flood may have made
    (11.0, 2.5, True),  # under BATTERY_FLAT_V
    (11.75, 2.5, True),  # over it, but 0.81 V under the reading before (12.56 V at 01:00): BATTERY_SAG_V
    (11.9, 2.5, False),  # 0.66 V under the reading before: a night's discharge, not a dropout
    (11.0, 4.5, False),  # the station reported for 2.5 h more, and its newest battery reading (04:00) was charged
])
def test_battery_flat_reads_the_last_battery_reading_before_the_silence(site, volts, silent_from_h, flat) -> None:  # type: ignore[no-untyped-def]
    df = _day(site, volts, silent_from_h=silent_from_h, front=False)
    eng, _ = load_engine(site, df)
    tick = np.array([int(pd.Timestamp("2026-07-01T05:00:00Z").value // 1_000_000)])
    v = battery_flat(_by_station(eng.states), "lake-cak-1", tick)[0]
    assert (not np.isnan(v)) == flat
    if flat:
        assert v == volts
