"""A front that steps the river while the rain is steady is a debris flow; a storm flood steps when its rain bursts.

Blind red-team debris flows released late in long storms stepped gauge-cha by 0.3-0.5 m in one reading, 10-30 min before
Cholpon-Ata, with nothing else to see: the geophone under the storm's drumming, the front under gauge_rise's 0.45 m
jump. Storm floods' steps of that size came, on every development storm day of the three generators, with the last
hour's rain 2.6-6 times its 6-hour mean, or an hour after a one-hour storm's burst. Synthetic telemetry of the reference site through the real engine."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from glofwatch.detection.fusion import (
    OLD_STORM_3H_6H,
    RULE_TEXT,
    STEADY_BURST_30M_6H,
    STEADY_RAIN_6H,
    STEADY_STAIR_6H,
    steady_front,
)
from glofwatch.detection.replay import replay_frame
from tests.detection.synthetic import rain_and_stage_day, rain_from

CHA = ["cha-upper", "cha-town", "cha-shore"]


def front(h: np.ndarray, v: np.ndarray) -> np.ndarray:
    """+0.4 m into the 05:00 reading, the flow's crest 5 cm higher at 05:05, then receding 2 cm a reading."""
    lift = np.select([h < 5.0 - 1e-6, h < 5.0 + 1 / 12 - 1e-6, h < 5.0 + 2 / 12 - 1e-6],
                     [0.0, 0.4, 0.45], 0.45 - 0.02 * (h - 5.0 - 2 / 12) * 12)
    return v + np.clip(lift, 0.0, None)


def day(site, rain_mm_h, lift=front) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """8 h of a quiet day with ``rain_mm_h(hour)`` at every weather station and gauge-cha ``lift``-ed."""
    return rain_and_stage_day(site, rain_mm_h, lift)


def steady(h: np.ndarray) -> np.ndarray:
    return np.full(len(h), 6.0)  # 6 mm/h all day: Caine's threshold for 5 h is 7.5 mm/h, Guzzetti's minimum 1.1


def bursting(h: np.ndarray) -> np.ndarray:
    return np.where(h < 4.0, 1.0, 12.0)  # a drizzle, then a burst of 12 mm/h from 04:00: 4.5x the 6-hour mean at 05:00


def young(h: np.ndarray) -> np.ndarray:
    return np.where(h < 3.0, 0.0, np.where(h < 4.0, 20.0, 4.0))  # a one-hour storm, then 4 mm/h: at 05:00 the last hour is
    # 1x the 6-hour mean, but the storm is two hours old (its runoff lags its burst by an hour)


def test_a_front_in_steady_rain_evacuates_the_valley(site) -> None:  # type: ignore[no-untyped-def]
    ds = replay_frame(site, day(site, steady))
    ev = [d for d in ds if d.level == "evacuate" and d.hazard == "debris_flow"]
    assert ev and ev[0].zones == CHA
    # the front at 05:00, held and moving at 05:05: evacuated at the second reading's tick
    assert "2026-07-01T05:05:00Z" <= ev[0].time <= "2026-07-01T05:06:00Z", ev[0].time
    assert RULE_TEXT["front_steady_rain"] in ev[0].explanation
    assert ev[0].evidence["features"]["gauge_step"] == pytest.approx(0.4, abs=0.02)


def burst_after_lull(h: np.ndarray) -> np.ndarray:
    """6 mm/h from midnight, a lull from 04:30, a burst of 30 mm/h from 04:45: at 05:05 the last hour (12 mm/h) is under
    twice the 6-hour mean (6.2), its last half hour (20) over three times it."""
    return np.where(h < 4.5, 6.0, np.where(h < 4.75, 0.0, 30.0))


@pytest.mark.parametrize("rain", [bursting, young, burst_after_lull])
def test_the_same_front_when_the_rain_bursts_or_the_storm_is_young_is_not_this_rule(site, rain) -> None:  # type: ignore[no-untyped-def]
    ds = replay_frame(site, day(site, rain))
    assert not [d for d in ds if RULE_TEXT["front_steady_rain"] in d.explanation]


def test_no_front_no_evacuation_in_steady_rain(site) -> None:  # type: ignore[no-untyped-def]
    ds = replay_frame(site, day(site, steady, lift=lambda h, v: v))
    assert not [d for d in ds if d.level == "evacuate"]


def test_steady_means_the_last_hour_at_most_twice_the_six_hour_mean() -> None:
    i6 = np.array([4.0, 4.0, 4.0, 4.0])
    raw = {"gauge_step": np.array([0.4, 0.4, 0.4, 0.0]), "gauge_stair": np.zeros(4), "rain_far": np.zeros(4),
           "rain_i1": np.array([4.0, STEADY_RAIN_6H * 4.0, STEADY_RAIN_6H * 4.0 + 0.2, 4.0]), "rain_i6": i6,
           "rain_i3": i6.copy(), "rain_i30": i6.copy()}
    assert steady_front(raw).tolist() == [True, True, False, False]
    # the last half hour bursting after a quiet half hour: the hour reads steady, the burst is the storm's runoff
    raw["rain_i30"] = np.array([STEADY_BURST_30M_6H * 4.0 + 0.1, STEADY_BURST_30M_6H * 4.0, np.inf, 4.0])
    assert steady_front(raw).tolist() == [False, True, False, False]
    raw["rain_i30"] = np.array([4.0, np.inf, 4.0, 4.0])  # the half hour unknown (a gauge's reading late): the hour decides
    assert steady_front(raw).tolist() == [True, True, False, False]
    raw["rain_i3"] = np.array([OLD_STORM_3H_6H * 4.0 + 0.1, 4.0, 4.0, 4.0])  # all the rain in the last 3 hours: young
    assert steady_front(raw).tolist() == [False, True, False, False]
    raw["rain_far"] = np.ones(4)  # a valley that borrows its rain: the storm over it is not measured (kept_far's business)
    assert not steady_front(raw).any()


def stair(h: np.ndarray, v: np.ndarray) -> np.ndarray:
    """+0.2 m into the 05:00 reading, +0.2 m more into 05:05, the crest 4 cm higher at 05:10, then receding 2 cm a
    reading: a front over two readings (a storm flood's rising limb makes such stairs too)."""
    lift = np.select([h < 5.0 - 1e-6, h < 5.0 + 1 / 12 - 1e-6, h < 5.0 + 2 / 12 - 1e-6, h < 5.0 + 3 / 12 - 1e-6],
                     [0.0, 0.2, 0.4, 0.44], 0.44 - 0.02 * (h - 5.0 - 3 / 12) * 12)
    return v + np.clip(lift, 0.0, None)


def freshening(h: np.ndarray) -> np.ndarray:
    return np.where(h < 4.0, 4.0, 7.5)  # 4 mm/h, then 7.5 from 04:00: at 05:05 the last hour is ~1.9x the 6-hour mean


def test_a_two_reading_front_needs_steadier_rain_than_a_one_reading_one(site) -> None:  # type: ignore[no-untyped-def]
    ev = [d for d in replay_frame(site, day(site, steady, lift=stair)) if d.level == "evacuate"]
    assert ev and ev[0].hazard == "debris_flow" and ev[0].zones == CHA
    assert "2026-07-01T05:10:00Z" <= ev[0].time <= "2026-07-01T05:11:00Z", ev[0].time  # held and moving at 05:10
    assert RULE_TEXT["front_steady_rain"] in ev[0].explanation
    assert ev[0].evidence["features"]["gauge_stair"] == pytest.approx(0.4, abs=0.02)
    # in freshening rain (1.5-2x) the one-reading front still evacuates, the two-reading one is left to the other rules
    said = [d for d in replay_frame(site, day(site, freshening, lift=stair)) if RULE_TEXT["front_steady_rain"] in d.explanation]
    assert said == [], [(d.time, d.evidence["features"]["rain_i1"], d.evidence["features"]["rain_i6"]) for d in said]
    one = [d for d in replay_frame(site, day(site, freshening)) if RULE_TEXT["front_steady_rain"] in d.explanation]
    assert one and STEADY_STAIR_6H < one[0].evidence["features"]["rain_i1"] / one[0].evidence["features"]["rain_i6"] <= \
        STEADY_RAIN_6H


def metre(h: np.ndarray, v: np.ndarray, size: float = 1.0) -> np.ndarray:
    """A 1-m front (or ``size``) at 05:00, receding a tenth of it a reading."""
    return v + np.where(h >= 5.0 - 1e-6, size * (1.0 - 0.1 * np.clip(np.round((h - 5.0) * 12), 0, 8)), 0.0)


def flush(h: np.ndarray, v: np.ndarray) -> np.ndarray:
    """A first flush's front: 0.6 m at 05:00 (the valley's first bursts stepped gauge-cha 0.3-0.6 m), receding."""
    return metre(h, v, 0.6)


def no_flush_set(site):  # type: ignore[no-untyped-def]
    """The site with no gauge's first flush set (stations' flush_step_m): fusion.FLUSH_MAX_M everywhere."""
    d = site.model_dump()
    for st in d["stations"]:
        st["flush_step_m"] = None
    return type(site).model_validate(d)


def evacuations(site, rain, lift):  # type: ignore[no-untyped-def]
    return [d for d in replay_frame(site, day(site, rain, lift=lift)) if d.level == "evacuate"]


def test_a_front_in_the_first_hour_of_the_valleys_own_storm_is_its_first_flush(site) -> None:  # type: ignore[no-untyped-def]
    """A 1-m front at 05:00, receding 0.1 m a reading, when the storm began at 04:30 (12 mm/h, under Caine's threshold):
    a storm's first burst drums the geophone and steps the river (blind red-team storm days evacuated Cholpon-Ata so:
    fusion.storm_just_began); no debris-flow evacuation where the site says nothing of the gauge's flushes. In a storm
    that began at 03:30 the same front evacuates. The demo site says gauge-cha's first flushes step it under 0.65 m
    (flush_step_m, fusion.over_flush): a 0.6-m front is held back there, the 1-m one evacuates in the first hour too."""
    bare = no_flush_set(site)
    young = evacuations(bare, rain_from(4.5, 12.0), metre)
    assert young == [], [(d.time, d.explanation[1]) for d in young]
    older = evacuations(bare, rain_from(3.5, 12.0), metre)
    assert older and older[0].hazard == "debris_flow" and older[0].zones == CHA
    assert older[0].time <= "2026-07-01T05:06:00Z"
    assert evacuations(site, rain_from(4.5, 12.0), flush) == []
    big = evacuations(site, rain_from(4.5, 12.0), metre)
    assert big and big[0].hazard == "debris_flow" and big[0].zones == CHA and big[0].time <= "2026-07-01T05:06:00Z"


def test_a_front_in_the_first_half_hour_of_a_burst_over_caines_threshold_is_its_first_flush(site) -> None:  # type: ignore[no-untyped-def]
    """A storm that begins with a burst of 40 mm/h at 04:40 is over Caine's threshold within minutes, and the 1-m front
    at 05:00 comes 20 min into it: the burst's first flush and drumming (blind red-team storm days evacuated Cholpon-Ata
    10-16 min into such bursts: fusion.storm_just_began, FIRST_HALF_SHARE); no debris-flow evacuation in the burst's first
    half hour (a front that still stands after it is read then), where the site says nothing of the gauge's flushes, nor
    for a flush-sized front at gauge-cha. The same front when the burst began at 04:00 evacuates at its second reading."""
    bare = no_flush_set(site)
    for s, lift in ((bare, metre), (site, flush)):
        young = evacuations(s, rain_from(4.0 + 2 / 3, 40.0), lift)
        assert all(d.time >= "2026-07-01T05:10:00Z" for d in young), [(d.time, d.explanation[1]) for d in young]
    older = evacuations(bare, rain_from(4.0, 40.0), metre)
    assert older and older[0].hazard == "debris_flow" and older[0].zones == CHA
    assert older[0].time <= "2026-07-01T05:06:00Z"
