"""A wave through the lake, its station silent, then a front at the gauge below is the outburst's flood
(fusion.wave_then_silent).

A blind red-team avalanche wave lifted lake cak-1 0.53 m for one reading, the level fell back over three readings and
the station died; the flood stepped gauge-cak 76 min later and no outburst rule evacuated (the fall is from a peak, not
under the lake's 3-hour level). Synthetic telemetry of the reference site through the real engine, dry."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from glofwatch.detection.fusion import RULE_TEXT, SWING_WAVE_M
from glofwatch.detection.replay import replay_frame
from tests.detection.synthetic import START, rain_and_stage_day

RULE = RULE_TEXT["lake_wave_then_silent"]
READING_H = 1 / 12


def front(h: np.ndarray, v: np.ndarray) -> np.ndarray:
    """gauge-cak: +1 m into the 05:30 reading, then receding 2 cm a reading."""
    k = np.round((h - 5.5) / READING_H)
    return v + np.where(k < 0, 0.0, 1.0 - 0.02 * k)


def day(site, swing: float, *, silent: bool = True) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """lake-cak-1 lifted ``swing`` m at 04:00, back by thirds over the next three readings, silent from 04:20 (or not);
    the flood's front at gauge-cak at 05:30."""
    df = rain_and_stage_day(site, None, front, gauge="gauge-cak")
    h = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    lake = (df["station"] == "lake-cak-1").to_numpy()
    level = lake & (df["sensor"] == "water_level").to_numpy()
    k = np.round((h - 4.0) / READING_H)
    df.loc[level, "value"] = df.loc[level, "value"].to_numpy(float) + \
        np.where((k[level] >= 0) & (k[level] <= 3), swing * (1 - k[level] / 3), 0.0)
    if silent:
        df = df[~(lake & (h >= 4.3))]
    return df


def test_a_wave_through_the_lake_then_silence_then_a_front_below_evacuates_the_outburst(site) -> None:  # type: ignore[no-untyped-def]
    ev = [d for d in replay_frame(site, day(site, 0.5)) if d.level == "evacuate"]
    assert ev and ev[0].hazard == "glof" and ev[0].lake == "cak-1" and ev[0].zones == ["cak-grig"]
    assert "2026-07-01T05:30:00Z" <= ev[0].time <= "2026-07-01T05:36:00Z", ev[0].time  # the front, held by its median
    assert RULE in ev[0].explanation


@pytest.mark.parametrize(("swing", "silent"), [(SWING_WAVE_M - 0.1, True), (0.5, False)], ids=["small_swing", "reporting"])
def test_a_small_swing_or_a_station_still_reporting_is_not_this_rule(site, swing, silent) -> None:  # type: ignore[no-untyped-def]
    said = [d for d in replay_frame(site, day(site, swing, silent=silent)) if RULE in d.explanation]
    assert said == [], [(d.time, d.level) for d in said]
