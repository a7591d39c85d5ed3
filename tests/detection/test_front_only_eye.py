"""A front at a valley's only gauge, onto a river a storm's runoff had already lifted, is a debris flow whatever the rain
next door says (fusion.eye_front).

The holdout red team's storms over Chong-Ak-Suu rain nothing on the weather stations 30 km away: their runoff lifts
gauge-cak by decimetres, then a flow's front steps it and holds, and every rule asked for rain we measure. A glitch on a
river at rest has no runoff under it, and a storm flood's limb climbs on as steeply as it stepped. Synthetic telemetry of
the reference site through the real engine, dry at every weather station."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from glofwatch.detection.fusion import EYE_RISE_ON, EYE_RUNOFF_M, RULE_TEXT
from glofwatch.detection.replay import replay_frame
from tests.detection.synthetic import rain_and_stage_day

RULE = RULE_TEXT["front_only_eye"]
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


def decisions(site, lift):  # type: ignore[no-untyped-def]
    return replay_frame(site, rain_and_stage_day(site, None, lift, gauge="gauge-cak"))


def test_a_front_onto_a_river_the_unseen_storm_lifted_evacuates_at_its_holding_reading(site) -> None:  # type: ignore[no-untyped-def]
    ev = [d for d in decisions(site, stage(0.4, 0.5, -0.05)) if d.level == "evacuate"]
    assert ev and ev[0].hazard == "debris_flow" and ev[0].zones == ["cak-grig"]
    assert "2026-07-01T05:05:00Z" <= ev[0].time <= "2026-07-01T05:06:00Z", ev[0].time  # the reading that held it
    assert RULE in ev[0].explanation
    f = ev[0].evidence["features"]
    assert f["rain_i3"] == 0.0 and f["rain_far"] == 1.0  # not a drop of rain next door
    assert EYE_RUNOFF_M < f["gauge_step_pre"] < 0.4  # over the 3-hour median, which the runoff lifted too


@pytest.mark.parametrize("lift", [
    stage(0.0, 0.5, -0.05),  # the same step on a river at rest: a glitch is as likely (other rules wait for more readings)
    stage(EYE_RUNOFF_M - 0.04, 0.5, -0.05),  # runoff under the rule's
    stage(0.4, 0.5, EYE_RISE_ON * 0.5 + 0.05),  # the holding reading climbs on: a storm flood's limb
], ids=["at_rest", "little_runoff", "climbs_on"])
def test_no_runoff_before_or_a_river_climbing_on_is_not_this_rule(site, lift) -> None:  # type: ignore[no-untyped-def]
    said = [d for d in decisions(site, lift) if RULE in d.explanation]
    assert said == [], [(d.time, d.level) for d in said]
