"""A lake logger that reports in centimetres for two hours (the crosscheck red-team generator's ``wrong_unit``): cha-1 at
-0.12 m reads -12 m, a "fall" of 12 m in one reading, more than the lake can physically fall in five minutes (Huggel's
bound, ``drop_cap``: 6.5 m). With a truck passing geo-cha at that minute it evacuated Cholpon-Ata on a quiet day. A move by
a unit factor beyond the bound voids the lake's falls for three hours (features.void_rescaled); a breach that falls as
fast but not by a factor (the blind red-team overtopping breach: 0.03, -10.1, -19.5 m) still evacuates."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from glofwatch.detection.detectors import level_drop
from glofwatch.detection.replay import replay_frame
from glofwatch.sim.day import quiet_day

START = datetime(2026, 7, 1, tzinfo=UTC)
SWITCH = pd.Timestamp("2026-07-01T02:00:00Z")


@pytest.fixture(scope="module")
def site():  # type: ignore[no-untyped-def]
    from glofwatch.cli import _site

    return _site(None)


def day(site, lake_values, hours: float = 6.0) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Quiet ``hours``; cha-1's level near -0.12 m, then ``lake_values(t, v)``; a 3-min truck at geo-cha at 02:00."""
    df = quiet_day(site, START, hours=hours, seed=8)
    t = pd.to_datetime(df["time"], utc=True)
    lake = ((df["station"] == "lake-cha-1") & (df["sensor"] == "water_level")).to_numpy()
    v = df.loc[lake, "value"].to_numpy(float) + 0.28
    df.loc[lake, "value"] = lake_values(t[lake].reset_index(drop=True), v)
    geo = ((df["station"] == "geo-cha") & (df["sensor"] == "ground_velocity")).to_numpy() & \
        ((t >= SWITCH) & (t < SWITCH + pd.Timedelta(minutes=3))).to_numpy()
    df.loc[geo, "value"] = df.loc[geo, "value"].to_numpy(float) * 12.0
    return df


def in_centimetres(t: pd.Series, v: np.ndarray) -> np.ndarray:
    cm = ((t >= SWITCH) & (t < SWITCH + pd.Timedelta(hours=2))).to_numpy()
    return np.where(cm, v * 100.0, v)


def in_centimetres_for_hours(t: pd.Series, v: np.ndarray) -> np.ndarray:
    cm = ((t >= SWITCH) & (t < SWITCH + pd.Timedelta(hours=5))).to_numpy()
    return np.where(cm, v * 100.0, v)


def breach(t: pd.Series, v: np.ndarray) -> np.ndarray:
    k = ((t - SWITCH) / pd.Timedelta(minutes=5)).to_numpy()
    return np.where(k >= 0, np.maximum(-10.1 - 9.4 * k, -25.0), v)


def evacuations(site, df: pd.DataFrame) -> list:  # type: ignore[no-untyped-def]
    return [d for d in replay_frame(site, df) if d.level == "evacuate"]


def test_unit_change_finds_metres_to_centimetres_and_back_not_a_breach() -> None:
    v = np.array([-0.12, -0.121, -12.05, -11.9, -12.2, -0.119, 0.03, -10.1, -19.5, 0.001, 0.1])
    assert level_drop.unit_change(v).tolist() == [False, False, True, False, False, True, False, False, False, False,
                                                   False]


def test_a_lake_logger_reporting_in_centimetres_evacuates_nobody(site) -> None:  # type: ignore[no-untyped-def]
    assert evacuations(site, day(site, in_centimetres)) == []


def test_without_the_unit_check_it_evacuated(site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(level_drop, "UNIT_FACTORS", ())
    ev = evacuations(site, day(site, in_centimetres))
    assert ev and ev[0].lake == "cha-1" and ev[0].time <= "2026-07-01T02:10:00Z"


def test_a_breach_as_fast_is_no_unit_change_and_evacuates(site) -> None:  # type: ignore[no-untyped-def]
    ev = evacuations(site, day(site, breach))
    assert ev and ev[0].lake == "cha-1" and ev[0].time <= "2026-07-01T02:10:00Z"


def test_a_logger_left_in_centimetres_for_five_hours_evacuates_nobody(site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The lake's noise in centimetres is metres: QC's spike test takes out the first readings after the switch (the unit
    change is then read across the gap), and the readings stay in centimetres past 3 h (level_drop.RESCALED_MS: 6 h)."""
    df = day(site, in_centimetres_for_hours, hours=9.0)
    assert evacuations(site, df) == []
    monkeypatch.setattr(level_drop, "RESCALED_MS", 3 * 3_600_000)
    assert [d.lake for d in evacuations(site, df)] == ["cha-1"]
