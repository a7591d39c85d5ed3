"""A river rising 1.5 m in two hours with no rain at the valley's rain gauges is a flood coming down: a WARNING for the
zones below (``fusion.warning_rules``' ``river_in_spate``, ``SPATE_M``).

Chong-Ak-Suu has no rain gauge of its own; it borrows Cholpon-Ata's, 30 km away. A storm cell over its catchment raised
gauge-cak 2-3 m in under an hour on the fourth red-team generator's days (``benchmarks/holdout_scenarios.py``), with a
debris flow behind it an hour later, and nothing was said until the flow (or never): 17 of 586 development events more
warned in time, one no-hazard day more warned. Where the storm is seen, its runoff is expected and the storm rules judge
it. Synthetic telemetry of the demo site through the real engine."""

from __future__ import annotations

import numpy as np
import pytest

from glofwatch.detection.replay import replay_frame
from glofwatch.site import load_site
from tests.detection.synthetic import rain_and_stage_day

RISE_FROM_H = 3.0


@pytest.fixture(scope="module")
def site():  # type: ignore[no-untyped-def]
    return load_site(None)


def spate(metres: float):  # type: ignore[no-untyped-def]
    """gauge-cak rising ``metres`` over 90 min from 03:00, then standing."""
    def lift(h: np.ndarray, v: np.ndarray) -> np.ndarray:
        return np.round(v + metres * np.clip((h - RISE_FROM_H) / 1.5, 0, 1), 4)
    return lift


def alerts(site, metres: float, rain_mm_h: float | None = None) -> list:  # type: ignore[no-untyped-def,type-arg]
    rain = (lambda h: np.where(h >= RISE_FROM_H - 1, rain_mm_h, 0.0)) if rain_mm_h else None
    df = rain_and_stage_day(site, rain, spate(metres), gauge="gauge-cak", hours=7)
    return [d for d in replay_frame(site, df) if d.zones == ["cak-grig"] and d.level in ("warning", "evacuate")]


def test_a_river_in_spate_with_no_rain_seen_warns_the_valley_below(site) -> None:  # type: ignore[no-untyped-def]
    got = alerts(site, 2.2)
    assert got and got[0].level == "warning" and got[0].hazard == "debris_flow", [(d.time, d.level) for d in got]
    assert "2026-07-01T04:00:00Z" <= got[0].time <= "2026-07-01T04:45:00Z", got[0].time
    assert any(x.startswith("safety rule (warning): the river at the gauge has risen 1.5 m") for x in got[0].explanation)


def test_a_smaller_rise_or_one_the_rain_gauges_explain_is_not_a_spate(site) -> None:  # type: ignore[no-untyped-def]
    assert not alerts(site, 1.0)
    seen = alerts(site, 2.2, rain_mm_h=3.0)  # a storm the valley's (borrowed) rain gauges see: the storm rules judge it
    assert not any("river at the gauge has risen" in x for d in seen for x in d.explanation), \
        [(d.time, d.level, d.explanation[:2]) for d in seen]
