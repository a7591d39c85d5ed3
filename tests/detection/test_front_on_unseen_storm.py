"""A flow's front arriving on the rising limb of a storm the rain gauges do not see is a debris flow
(fusion.surge_on_limb, gauge_rise's ``kick``).

The holdout red team's storms over Chong-Ak-Suu rain nothing on the weather stations 30 km away: their runoff lifts
gauge-cak by a metre in an hour, a few centimetres to 0.15 m a reading, and a flow's front arrives on that limb as one
step of 0.16-0.47 m. runoff_front asks a step of eight times the river's steps, which a limb's steps of a decimetre
hide. Synthetic telemetry of the reference site through the real engine."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from glofwatch.detection.detectors.gauge_rise import KICK_KEEP, KICK_Z, GaugeRise
from glofwatch.detection.fusion import LIMB_DRY_MM_H, RULE_TEXT
from glofwatch.detection.replay import replay_frame
from tests.detection.synthetic import rain_and_stage_day

RULE = RULE_TEXT["front_on_unseen_storm"]
READING_H = 1 / 12
STEP_H = 5.0


def limb(per_reading: float, kick: float, after: float) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """A storm's runoff lifting the river ``per_reading`` m a reading from 04:00, a flow's front adding ``kick`` m into
    the 05:00 reading, the reading after it ``after`` m on from there, then the limb going on as before."""
    def lift(h: np.ndarray, v: np.ndarray) -> np.ndarray:
        k = np.round((h - 4.0) / READING_H)
        runoff = per_reading * np.clip(k, 0.0, None)
        j = np.round((h - STEP_H) / READING_H)
        front = np.where(j < 0, 0.0, kick + np.where(j >= 1, after - per_reading, 0.0))
        return v + runoff + front
    return lift


def passing(per_reading: float, kick: float, r1: float, r2: float) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """The limb of :func:`limb`, a front stepping the 05:00 reading ``kick`` m over the limb's own step, the two readings
    after it standing ``r1`` and ``r2`` of that whole step over the 04:55 reading (a surge passing), then the limb going
    on from there."""
    s = per_reading + kick

    def lift(h: np.ndarray, v: np.ndarray) -> np.ndarray:
        k = np.round((h - 4.0) / READING_H)
        j = np.round((h - STEP_H) / READING_H)
        off = np.select([j < 0, j == 0, j == 1], [0.0, kick, r1 * s - 2 * per_reading], r2 * s - 3 * per_reading)
        return v + per_reading * np.clip(k, 0.0, None) + off
    return lift


def decisions(site, lift, rain=None):  # type: ignore[no-untyped-def]
    return replay_frame(site, rain_and_stage_day(site, rain, lift, gauge="gauge-cak"))


def test_a_front_on_the_limb_of_an_unseen_storm_evacuates_at_its_holding_reading(site) -> None:  # type: ignore[no-untyped-def]
    # the limb 0.08 m a reading (0.96 m in the hour before), the front 0.25 m (3x), the next reading 0.02 m lower
    ev = [d for d in decisions(site, limb(0.08, 0.25, -0.02)) if d.level == "evacuate"]
    assert ev and ev[0].hazard == "debris_flow" and ev[0].zones == ["cak-grig"]
    assert "2026-07-01T05:05:00Z" <= ev[0].time <= "2026-07-01T05:06:00Z", ev[0].time  # the reading that kept it
    assert RULE in ev[0].explanation
    f = ev[0].evidence["features"]
    assert f["gauge_kick"] == pytest.approx(0.25 + 0.08, abs=0.01)  # the front and the limb's own step under it
    assert f["rain_i1"] < LIMB_DRY_MM_H


def test_a_surge_on_the_limb_that_recedes_evacuates_at_its_second_reading(site) -> None:  # type: ignore[no-untyped-def]
    # the front 0.33 m (0.25 over the limb's 0.08), then 0.6 and 0.45 of it over the reading before it: it passes
    ev = [d for d in decisions(site, passing(0.08, 0.25, 0.6, 0.45)) if d.level == "evacuate"]
    assert ev and ev[0].hazard == "debris_flow" and ev[0].zones == ["cak-grig"]
    assert "2026-07-01T05:10:00Z" <= ev[0].time <= "2026-07-01T05:11:00Z", ev[0].time  # the second reading after it
    assert RULE in ev[0].explanation
    assert ev[0].evidence["features"]["gauge_kick"] == pytest.approx(0.33, abs=0.01)
    # receding then climbing back on the limb (0.6, then 0.7 of it): no wave passed, a step that dropped back
    assert not [d for d in decisions(site, passing(0.08, 0.25, 0.6, 0.7)) if RULE in d.explanation]


def raining(h: np.ndarray) -> np.ndarray:
    """6 mm/h at every weather station from 03:00: a storm the rain gauges see (its bursts kick the limb too)."""
    return np.where(h >= 3.0, 6.0, 0.0)


@pytest.mark.parametrize(("lift", "rain"), [
    (limb(0.08, 0.0, 0.08), None),  # the limb alone, however far it rises
    (limb(0.1, 0.08, 0.1), None),  # a step of 0.18 m on a limb of 0.1 m a reading: a storm's limb steepens so
    (limb(0.08, 0.25, 0.3), None),  # ... and goes on steepening (0.33, then 0.3 m a reading): a storm's flood
    (limb(0.08, 0.25, -0.12), None),  # the next reading drops back by half of it: a noisy crest, a glitch
    (limb(0.0, 0.25, -0.02), None),  # on a river at rest: no limb (a glitch is as likely: other rules wait for more)
    (limb(0.08, 0.25, -0.02), raining),  # in rain the gauges measure: the storm rules read it
], ids=["limb_alone", "steepening", "steepens_on", "drops_back", "at_rest", "measured_rain"])
def test_no_kick_on_a_seen_storm_a_steepening_limb_or_a_step_that_drops_back(site, lift, rain) -> None:  # type: ignore[no-untyped-def]
    said = [d for d in decisions(site, lift, rain) if RULE in d.explanation]
    assert said == [], [(d.time, d.level) for d in said]


def test_the_kick_is_against_the_limbs_last_steps_and_must_be_kept() -> None:
    t = np.arange(48, dtype=np.int64) * 300_000
    v = 1.0 + np.r_[np.zeros(24), 0.1 * np.arange(1, 25)]  # at rest two hours, then 0.1 m a reading
    det = GaugeRise()

    def kick_at(values: np.ndarray) -> np.ndarray:
        return det.compute(t, values, None, None)["kick"]  # type: ignore[arg-type]

    assert not kick_at(v).any()
    w = v.copy()
    w[36:] += KICK_Z * 0.1 + 0.01 - 0.1  # the step into reading 36 is 0.21 m, over twice the limb's 0.1
    k = kick_at(w)
    assert k[37] == pytest.approx(KICK_Z * 0.1 + 0.01) and np.count_nonzero(k) == 1  # said at the reading that kept it
    w[37] = w[35] + (KICK_KEEP - 0.05) * (w[36] - w[35])  # the next reading keeps under KICK_KEEP of it
    assert not kick_at(w)[37]
