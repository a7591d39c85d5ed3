"""A front that stood four readings at a gauge with no rain in 3 hours is a flood wave from upstream (fusion.front_kept_dry).

Independent red-team debris flows of Chong-Ak-Suu reached gauge-cak hours after their storm had passed the weather
stations next door, as fronts that stood 5-65 min before Grigorievka; the rain-next-door rule asks for rain in the last
3 hours and nothing evacuated. A stage glitch lasts 1-3 readings. Synthetic telemetry of the reference site through the
real engine."""

from __future__ import annotations

import numpy as np

from glofwatch.detection.fusion import RULE_TEXT
from glofwatch.detection.replay import replay_frame
from tests.detection.synthetic import rain_and_stage_day

RULE = RULE_TEXT["front_kept_dry"]
STEP = 1 / 12  # one 5-min reading, in hours


def standing(h: np.ndarray, v: np.ndarray) -> np.ndarray:
    """+0.8 m into the 05:00 reading, the crest 5 cm higher at 05:05, then receding 1 cm a reading."""
    k = np.round((h - 5.0) / STEP)
    return v + np.where(k < 0, 0.0, np.where(k == 0, 0.8, 0.85 - 0.01 * (k - 1)))


def glitch(h: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The same +0.8 m for three readings (05:00-05:10), then back: the longest stage glitch."""
    k = np.round((h - 5.0) / STEP)
    return v + np.where((k >= 0) & (k < 3), 0.8 + 0.05 * k, 0.0)


def evacuations(site, lift, rain=None):  # type: ignore[no-untyped-def]
    ds = replay_frame(site, rain_and_stage_day(site, rain, lift, gauge="gauge-cak"))
    return [d for d in ds if d.level == "evacuate"]


def test_a_front_that_stood_four_readings_in_dry_weather_evacuates_the_valley(site) -> None:  # type: ignore[no-untyped-def]
    ev = evacuations(site, standing)
    assert ev and ev[0].hazard == "debris_flow" and ev[0].zones == ["cak-grig"]
    assert "2026-07-01T05:15:00Z" <= ev[0].time <= "2026-07-01T05:16:00Z", ev[0].time  # its fourth reading
    assert RULE in ev[0].explanation
    assert ev[0].evidence["features"]["gauge_kept"] == 1.0


def test_a_three_reading_glitch_in_dry_weather_is_not_evacuated(site) -> None:  # type: ignore[no-untyped-def]
    ev = evacuations(site, glitch)
    assert ev == [], [(d.time, d.explanation[1]) for d in ev]


def test_with_rain_in_the_last_three_hours_the_front_is_the_rain_rules_business(site) -> None:  # type: ignore[no-untyped-def]
    ev = evacuations(site, standing, rain=lambda h: np.where((h >= 3.0) & (h < 4.0), 3.0, 0.0))
    assert ev and ev[0].zones == ["cak-grig"]  # rain next door in the last 3 hours: kept_far
    assert RULE_TEXT["front_rain_next_door"] in ev[0].explanation
    assert RULE not in ev[0].explanation
