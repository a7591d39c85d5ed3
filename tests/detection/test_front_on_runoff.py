"""A front onto a river its storm's runoff had already lifted is a debris flow whatever the rain gauges say
(fusion.runoff_front).

The holdout red team's storms over Chong-Ak-Suu rain nothing on the weather stations 30 km away, and over Cholpon-Ata's
torrents little on its gauges below them: their runoff lifts the river by decimetres, then a flow's front steps it and
holds, and every rule asked for rain we measure. A glitch on a river at rest has no runoff under it, and a storm flood's
limb climbs on as steeply as it stepped. Synthetic telemetry of the reference site through the real engine, dry at every
weather station."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from glofwatch.detection.fusion import RISE_ON, RULE_TEXT, RUNOFF_M
from glofwatch.detection.replay import replay_frame
from tests.detection.synthetic import rain_and_stage_day

RULE = RULE_TEXT["front_on_runoff"]
READING_H = 1 / 12
STEP_H = 5.0


def stage(runoff: float, step: float, on: float) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """The river lifted ``runoff`` m evenly over the hour before 04:55 (a storm's runoff), stepped ``step`` m into the
    05:00 reading, then ``on`` m more at 05:05 and standing there."""
    def lift(h: np.ndarray, v: np.ndarray) -> np.ndarray:
        ramp = runoff * np.clip((h - (STEP_H - 1.0 - READING_H)) / 1.0, 0.0, 1.0)
        k = np.round((h - STEP_H) / READING_H)
        return v + ramp + np.where(k < 0, 0.0, step + np.where(k >= 1, on, 0.0))
    return lift


def drizzle(h: np.ndarray) -> np.ndarray:
    """1.5 mm/h at every weather station from 03:30: the edge of a storm whose core sits over the torrents."""
    return np.where(h >= 3.5, 1.5, 0.0)


def decisions(site, lift, gauge: str = "gauge-cak", rain=None):  # type: ignore[no-untyped-def]
    return replay_frame(site, rain_and_stage_day(site, rain, lift, gauge=gauge))


@pytest.mark.parametrize(("gauge", "zones", "rain"), [
    ("gauge-cak", ["cak-grig"], None),  # dry at the weather stations 30 km away
    # (a river rising in dry weather below Cholpon-Ata's unwatched ice-dammed lake is that lake's business: drizzle)
    ("gauge-cha", ["cha-upper", "cha-town", "cha-shore"], drizzle),
], ids=["only_eye_dry", "own_rain_gauges_drizzle"])
def test_a_front_onto_a_river_the_unseen_storm_lifted_evacuates_at_its_holding_reading(site, gauge, zones, rain) -> None:  # type: ignore[no-untyped-def]
    ev = [d for d in decisions(site, stage(0.4, 0.5, -0.05), gauge, rain) if d.level == "evacuate"]
    assert ev and ev[0].hazard == "debris_flow" and ev[0].zones == zones
    assert "2026-07-01T05:05:00Z" <= ev[0].time <= "2026-07-01T05:06:00Z", ev[0].time  # the reading that held it
    assert RULE in ev[0].explanation
    f = ev[0].evidence["features"]
    assert f["rain_c"] < 1.0 and f["rain_g"] < 1.0  # no storm that the rain gauges see
    assert RUNOFF_M < f["gauge_step_pre"] < 0.4  # over the 3-hour median, which the runoff lifted too


@pytest.mark.parametrize("lift", [
    stage(0.0, 0.5, -0.05),  # the same step on a river at rest: a glitch is as likely (other rules wait for more readings)
    stage(RUNOFF_M - 0.04, 0.5, -0.05),  # runoff under the rule's
    stage(0.4, 0.5, RISE_ON * 0.5 + 0.05),  # the holding reading climbs on: a storm flood's limb
], ids=["at_rest", "little_runoff", "climbs_on"])
def test_no_runoff_before_or_a_river_climbing_on_is_not_this_rule(site, lift) -> None:  # type: ignore[no-untyped-def]
    said = [d for d in decisions(site, lift) if RULE in d.explanation]
    assert said == [], [(d.time, d.level) for d in said]
