"""An outburst of the lake nobody watches, evacuated on the geophone below it: a tremor that lasts.

cha-2 has no lake station. Its flood shakes geo-cha 20-30 min before it steps gauge-cha 7 km further down, and the
gauge used to be the second sign the valley waited for. In dry weather a tremor that has held 12 minutes unbroken, not
decaying, is the flood passing: a rockfall, a quake or a logger's burst shakes a geophone for minutes, and a debris
flow needs rain. 8 minutes, where the shaking built up over minutes as a flood's front does (a burst starts at its
peak). Synthetic telemetry of the reference site through the real engine.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from glofwatch.detection.replay import replay_frame
from glofwatch.sim.day import quiet_day
from tests.detection.synthetic import geophone_tremor, ramp

START = datetime(2026, 7, 1, tzinfo=UTC)
SHAKE_AT = 3.0  # hours


def day(site, *, shake_min: float, decay: bool = False, rain_mm_h: float = 0.0, ramp_min: float = 3.0) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """5 h of a quiet day; from 03:00 geo-cha shakes at ~40x its background for ``shake_min`` minutes (rising over
    ``ramp_min`` min, a flood's front; 0: at its peak from its first minute, a burst's; ``decay``: falling to a tenth over
    its course, an impulse's shape) and nothing else moves; ``rain_mm_h`` at both weather stations from 01:00."""
    df = quiet_day(site, START, hours=5.0, seed=5)
    t = pd.to_datetime(df["time"], utc=True)
    hours = ((t - pd.Timestamp(START)).dt.total_seconds() / 3600).to_numpy()
    if rain_mm_h:
        rain = ((df["sensor"] == "precipitation") & (hours >= 1)).to_numpy()
        df.loc[rain, "value"] = rain_mm_h / 6
    return geophone_tremor(df, SHAKE_AT, shake_min, 0.12,
                           lambda m: ramp(m, ramp_min) * (np.exp(-np.log(10) * m / shake_min) if decay else 1.0))


def evacuations(site, **kw) -> list:  # type: ignore[no-untyped-def]
    return [d for d in replay_frame(site, day(site, **kw)) if d.level == "evacuate"]


def test_a_tremor_that_holds_in_dry_weather_evacuates_the_valley_below_the_unwatched_lake(site) -> None:  # type: ignore[no-untyped-def]
    ev = evacuations(site, shake_min=40.0)
    assert ev, "a flood passing the geophone below cha-2 must evacuate before its front reaches the gauge"
    first = ev[0]
    assert (first.hazard, first.lake, first.zones[0]) == ("glof", "cha-2", "cha-upper")
    # 8 minutes of trigger after it starts (03:00 + the ramp: a shaking that built up, fusion.FLOOD_EARLY_MIN), not at
    # the gauge half an hour later
    assert "2026-07-01T03:08:00Z" <= first.time <= "2026-07-01T03:11:00Z", first.time
    # the same shaking at its peak from its first minute (a burst's onset) waits 12 minutes (GEO_SUSTAIN_MIN)
    first = evacuations(site, shake_min=40.0, ramp_min=0.0)[0]
    assert first.lake == "cha-2" and "2026-07-01T03:12:00Z" <= first.time <= "2026-07-01T03:14:00Z", first.time


@pytest.mark.parametrize("case", [
    {"shake_min": 9.0, "ramp_min": 0.0},  # a rockfall's or a logger's burst: minutes, at its peak from the first
    {"shake_min": 20.0, "decay": True},  # an impulse that decays to a tenth over its 20 min
    {"shake_min": 40.0, "rain_mm_h": 3.0},  # in rain a lasting tremor is a debris flow's sign, not an outburst's alone
])
def test_a_short_a_decaying_or_a_rainy_tremor_does_not_evacuate_an_outburst(site, case: dict) -> None:  # type: ignore[no-untyped-def]
    assert [d for d in evacuations(site, **case) if d.hazard == "glof"] == []


def test_a_burst_after_the_geophone_was_dead_for_long_is_no_flood_passing(site) -> None:  # type: ignore[no-untyped-def]
    """A geophone that sent empty values for 44 min, then a rockfall's 4-min burst: its first reading alone is not "the
    shaking held 3x its background for 35 min" (sta_lta's lift_long needs readings over half of that window; a blind
    red-team fault day evacuated Cholpon-Ata at the burst's first minute)."""
    for minutes in (4.0, 7.0):  # 7: nor is it credited with the gap's minutes (geo_run, features.run_minutes), 12 at 03:07
        df = day(site, shake_min=minutes, ramp_min=0.0)
        hours = ((pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds() / 3600).to_numpy()
        g = ((df["station"] == "geo-cha") & (df["sensor"] == "ground_velocity")).to_numpy()
        df.loc[g & (hours >= SHAKE_AT - 44 / 60) & (hours < SHAKE_AT), "value"] = np.nan
        assert [d.time for d in replay_frame(site, df) if d.level == "evacuate"] == [], minutes
