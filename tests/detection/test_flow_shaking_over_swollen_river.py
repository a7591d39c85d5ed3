"""Ground shaking held at 25 times its background over a river that swelled under it, in the rain, is a debris flow
whatever its STA/LTA says (fusion.shaking_over_swelling): holdout red-team flows of Cholpon-Ata shook geo-cha 20-60x
for half an hour while their trigger broke (an hour-long LTA follows a long tremor), and were evacuated only at the
gauge, up to 48 min later. Storms drummed geo-cha to 17.9x at most on the development sets. Synthetic telemetry of the
reference site through the real engine."""

from __future__ import annotations

import numpy as np

from glofwatch.detection.fusion import RULE_TEXT, SWOLLEN_GAUGE_M, SWOLLEN_LIFT, shaking_over_swelling
from glofwatch.detection.replay import replay_frame
from tests.detection.test_flow_over_swollen_river import day

CHA = ["cha-upper", "cha-town", "cha-shore"]
RULE = RULE_TEXT["flow_shaking_over_swollen_river"]
SLOW = {"peak_mm_s": 0.1, "ramp_min": 25.0, "minutes": 60.0}  # ~34x its background, built up over 25 min


def by_rule(site, **kw) -> list:  # type: ignore[no-untyped-def]
    return [d for d in replay_frame(site, day(site, **kw)) if d.level == "evacuate" and RULE in d.explanation]


def test_shaking_that_built_up_slowly_over_a_swollen_river_in_rain_is_a_debris_flow(site) -> None:  # type: ignore[no-untyped-def]
    """A tremor building over 25 min to ~34x (too slow for tremor_over_swelling, which asks a flow's front to build up
    within 15 min), 8 mm/h of rain, the river 0.6 m up: EVACUATE Cholpon-Ata once the shaking has held 25x for 15 min."""
    ev = by_rule(site, rain_mm_h=8.0, **SLOW)
    assert ev and ev[0].hazard == "debris_flow" and ev[0].zones == CHA
    assert "2026-07-01T03:20:00Z" <= ev[0].time <= "2026-07-01T03:30:00Z", ev[0].time
    assert ev[0].evidence["features"]["geo_lift"] >= SWOLLEN_LIFT
    assert RULE_TEXT["flow_over_swollen_river"] not in ev[0].explanation


def test_the_same_shaking_over_a_river_at_rest_or_dry_or_weaker_is_not_this_rule(site) -> None:  # type: ignore[no-untyped-def]
    """A river under SWOLLEN_GAUGE_M over its median carries no flood; with no rain the dry rules judge it; shaking at
    ~17x (a storm's drumming reached 17.9x) is not this rule's."""
    assert by_rule(site, rain_mm_h=8.0, rise=SWOLLEN_GAUGE_M / 3, **SLOW) == []
    assert by_rule(site, rain_mm_h=None, **SLOW) == []
    assert by_rule(site, rain_mm_h=8.0, **{**SLOW, "peak_mm_s": 0.05}) == []


def test_shaking_over_swelling_asks_lift_rain_and_river() -> None:
    raw = {"geo_lift": np.array([SWOLLEN_LIFT, SWOLLEN_LIFT - 0.1, 60.0, 60.0]),
           "rain_i1": np.array([0.2, 5.0, 0.0, 5.0]),
           "gauge": np.array([SWOLLEN_GAUGE_M, 1.0, 1.0, SWOLLEN_GAUGE_M - 0.01])}
    assert shaking_over_swelling(raw).tolist() == [True, False, False, False]
