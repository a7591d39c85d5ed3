"""A river swelling for hours with no rain below a lake nobody watches raises one WARNING for that lake, and holds it.

cha-2 is ice-dammed and has no lake station: when it drains through a tunnel, its water arrives at gauge-cha as the
river rising hour after hour, night or day, with no storm to explain it, for 6-20 hours before the peak (blind red-team
drainages; the system used to say nothing all night). The melt rhythm's few centimetres do not warn, nor does the
river swelling after a storm (its runoff lags the rain by hours). Synthetic telemetry of the reference site through
the real engine."""

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


def day(site, *, rise_m_h: float, storm_mm: float = 0.0, until_h: float = 14.0) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """14 h of a dry quiet day; gauge-cha rises ``rise_m_h`` an hour from 05:00 to ``until_h`` (over the melt
    recession's -3 cm an hour), then recedes 3 cm an hour; ``storm_mm`` of rain falls 02:30-04:30."""
    df = quiet_day(site, START, hours=14.0, seed=5)
    hours = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    m = ((df["station"] == "gauge-cha") & (df["sensor"] == "stage")).to_numpy()
    h = hours[m]
    df.loc[m, "value"] = df.loc[m, "value"].to_numpy() + rise_m_h * (np.clip(h, 5.0, until_h) - 5.0) - \
        0.03 * np.clip(h - until_h, 0, None)
    df.loc[(df["sensor"] == "precipitation").to_numpy(), "value"] = 0.0  # a dry day (the quiet day drizzles at times)
    if storm_mm:
        wet = ((df["sensor"] == "precipitation") & (hours >= 2.5) & (hours < 4.5)).to_numpy()
        df.loc[wet, "value"] = storm_mm / 12  # 10-minute amounts over 2 hours
    return df


def test_a_river_swelling_with_no_rain_warns_of_the_lake_nobody_watches(site) -> None:  # type: ignore[no-untyped-def]
    ds = [d for d in replay_frame(site, day(site, rise_m_h=0.08)) if d.hazard == "glof"]
    up = [d for d in ds if d.level in ("warning", "evacuate")]
    assert up and up[0].lake == "cha-2" and up[0].level == "warning"
    assert up[0].zones == ["cha-upper", "cha-town", "cha-shore"]
    assert "2026-07-01T07:00:00Z" < up[0].time < "2026-07-01T09:00:00Z"  # 0.15 m in 3 h, every hour
    text = " ".join(up[0].explanation)
    assert "gauge-cha" in text and "in 3 h, every hour" in text and "safety rules" in up[0].explanation[0]
    # which rule, in words the duty officer can act on
    assert up[0].explanation[1].startswith("safety rule (warning): the river below has risen 0.15 m")
    assert "no station watches this lake" in up[0].explanation[1] and "have someone look" in up[0].explanation[1]
    assert not any(d.level == "evacuate" for d in ds)
    # one alert, held while the river swells (5 more hours): not a new warning every hour as the model's level lapses
    cha2 = [d for d in ds if d.lake == "cha-2"]
    assert [d.level for d in cha2] == ["warning"], [(d.time, d.level) for d in cha2]


@pytest.mark.parametrize("case", [
    {"rise_m_h": 0.0},  # the melt rhythm alone (the quiet day's river rises up to 9 cm in 3 h in the afternoon)
    # a storm's runoff: the river rises for 4.5 h after the rain stopped (3 dry hours: rain_i3 alone would let it warn)
    {"rise_m_h": 0.08, "storm_mm": 12.0, "until_h": 9.0},
])
def test_melt_or_a_storm_runoff_does_not_warn(site, case: dict) -> None:  # type: ignore[no-untyped-def]
    ds = [d for d in replay_frame(site, day(site, **case)) if d.level in ("warning", "evacuate")]
    assert ds == [], [(d.time, d.level, d.lake) for d in ds]


def creeping_day(site, rain_mm_h: float) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """A slow flood under rain: from 04:00 geo-cha's shaking grows x1.5 an hour and gauge-cha climbs 3 cm an hour over
    its melt recession; ``rain_mm_h`` falls from 02:00 on."""
    df = quiet_day(site, START, hours=10.0, seed=5)
    hours = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    geo = ((df["station"] == "geo-cha") & (df["sensor"] == "ground_velocity")).to_numpy()
    df.loc[geo, "value"] = df.loc[geo, "value"].to_numpy() * 1.5 ** np.clip(hours[geo] - 4.0, 0, None)
    m = ((df["station"] == "gauge-cha") & (df["sensor"] == "stage")).to_numpy()
    df.loc[m, "value"] = df.loc[m, "value"].to_numpy() + 0.065 * np.clip(hours[m] - 4.0, 0, None)
    rain = (df["sensor"] == "precipitation").to_numpy()
    df.loc[rain, "value"] = np.where(hours[rain] >= 2.0, rain_mm_h / 6, 0.0)
    return df


def test_a_slow_flood_creeping_in_a_drizzle_warns_and_in_a_storm_does_not(site) -> None:  # type: ignore[no-untyped-def]
    """In dry weather the creep evacuates (slow_outburst); in a drizzle the drumming could grow it too, so it warns; in a
    storm (over Guzzetti's 1-hour minimum) the storm's own signs take over."""
    wet = [d for d in replay_frame(site, creeping_day(site, 0.6)) if d.hazard == "glof" and d.level in ("warning", "evacuate")]
    assert wet and wet[0].lake == "cha-2" and wet[0].level == "warning", [(d.time, d.level, d.lake) for d in wet]
    assert "2026-07-01T06:00:00Z" < wet[0].time < "2026-07-01T08:30:00Z"
    assert "geo-cha" in " ".join(wet[0].explanation) and not any(d.level == "evacuate" for d in wet)
    assert "in a drizzle" in wet[0].explanation[1]
    storm = [d for d in replay_frame(site, creeping_day(site, 3.0)) if d.hazard == "glof" and d.level in ("warning", "evacuate")]
    assert storm == [], [(d.time, d.level, d.lake) for d in storm]


def test_each_safety_rule_says_what_it_saw() -> None:
    """An alert whose level a rule set names the rule: an evacuation the rules of the evacuation floor that hold, a
    warning those of the warning floor; nothing when none holds."""
    from glofwatch.detection.features import RAW
    from glofwatch.detection.fusion import RULE_TEXT, FusionScorer

    raw = {k: np.zeros(2) for k in RAW}
    raw["lake_has"][:] = 1.0
    raw["drop2"][1], raw["fall"][1], raw["below"][1] = 0.4, 0.05, 0.45  # a confirmed lake fall at tick 1
    scorer = FusionScorer()
    assert scorer.rule_reasons("glof", raw, 1, 4) == [RULE_TEXT["lake_fall"]]
    assert scorer.rule_reasons("glof", raw, 0, 4) == []
    assert scorer.rule_reasons("glof", raw, 1, 3) == []  # a lake fall is no warning-floor rule
    assert scorer.rule_reasons("debris_flow", raw, 1, 4) == []
