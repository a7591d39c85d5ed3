"""A front held decimetres over the river under a drizzle at the valley's own rain gauges is a debris flow
(fusion.front_in_drizzle): holdout red-team storms over Cholpon-Ata's torrents rained 0.6-1.6 mm/h on its gauges below
them while their flows' fronts stood 0.7-2 m at gauge-cha, and nothing was said. Synthetic telemetry of the reference
site through the real engine."""

from __future__ import annotations

import numpy as np
import pandas as pd

from glofwatch.detection.fusion import DRIZZLE_FRONT_M, RULE_TEXT
from glofwatch.detection.replay import replay_frame
from tests.detection.synthetic import rain_and_stage_day, rain_from

CHA = ["cha-upper", "cha-town", "cha-shore"]
RULE = RULE_TEXT["front_in_drizzle"]


def front(size: float):  # type: ignore[no-untyped-def]
    """A ``size``-m front into the 05:00 reading, its crest 5 % higher at 05:05, then receding 3 % of it a reading."""
    def lift(h: np.ndarray, v: np.ndarray) -> np.ndarray:
        k = np.round((h - 5.0) * 12)
        return v + np.where(h >= 5.0 - 1e-6, size * np.where(k == 1, 1.05, 1.0 - 0.03 * np.clip(k - 1, 0, 20)), 0.0)
    return lift


def decisions(site, rain, size: float, gauge: str = "gauge-cha") -> list:  # type: ignore[no-untyped-def]
    df: pd.DataFrame = rain_and_stage_day(site, rain, front(size), gauge=gauge)
    return replay_frame(site, df)


def by_rule(ds: list) -> list:
    return [d for d in ds if d.level == "evacuate" and RULE in d.explanation]


def test_a_held_front_under_a_drizzle_is_a_debris_flow(site) -> None:  # type: ignore[no-untyped-def]
    """A 1-m front held at gauge-cha while the valley's gauges measure 0.8 mm/h (under Guzzetti's minimum: no other flow
    rule reads it as rain): EVACUATE Cholpon-Ata as a debris flow at the holding reading, also when the drizzle began
    only 20 min before (a drizzle's first flush does not step a river by decimetres)."""
    for start in (2.0, 4.0 + 2 / 3):
        ev = by_rule(decisions(site, rain_from(start, 0.8), 1.0))
        assert ev, start
        assert ev[0].hazard == "debris_flow" and ev[0].zones == CHA and ev[0].time <= "2026-07-01T05:06:00Z"
        assert 0 < ev[0].evidence["features"]["rain_g"] < 1.0


def test_no_rain_rain_over_guzzettis_minimum_or_a_smaller_front_is_not_this_rule(site) -> None:  # type: ignore[no-untyped-def]
    """Dry weather is other rules' (a front kept in dry weather, water let go from a lake nobody watches); rain over
    Guzzetti's minimum at the gauges is a storm the rules that read the storm decide on (its own flood steps the river);
    a front standing under DRIZZLE_FRONT_M over the river in a drizzle is a storm flood's or a glitch's size."""
    assert by_rule(decisions(site, None, 1.0)) == []
    assert by_rule(decisions(site, rain_from(2.0, 6.0), 1.0)) == []
    assert by_rule(decisions(site, rain_from(2.0, 0.8), DRIZZLE_FRONT_M)) == []  # stands 0.55 m over the median


def test_a_valley_whose_rain_is_measured_next_door_is_not_read_by_its_drizzle(site) -> None:  # type: ignore[no-untyped-def]
    """Chong-Ak-Suu borrows Cholpon-Ata's rain gauges (30 km away): their drizzle says nothing of its storm (other rules,
    fusion.kept_far and runoff_front, read its fronts)."""
    assert by_rule(decisions(site, rain_from(2.0, 0.8), 1.0, gauge="gauge-cak")) == []
