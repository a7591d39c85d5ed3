"""A small flood wave passing a gauge (a step from a river at rest, then receding reading after reading) is a debris flow.

Independent red-team debris flows of Chong-Ak-Suu came with no rain measured near them (the valley borrows its rain from
the weather stations 30 km away) and stepped gauge-cak 0.15-0.5 m in one reading, then tailed off; nothing was said of
38 of 300. A storm's runoff keeps rising or holds after its steps; a glitch holds its offset or drops straight back.
Synthetic telemetry of the reference site through the real engine, and gauge_rise's ``pulse`` on bare arrays."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from glofwatch.detection.detectors.gauge_rise import (
    PULSE_FALL2,
    PULSE_KEEP1,
    PULSE_KEEP2,
    PULSE_PAIR_STEP_M,
    PULSE_SIT,
    PULSE_STEP_M,
    _pulse,
)
from glofwatch.detection.fusion import FIRST_WET_MM, PAIR_RAIN_30M, RULE_TEXT
from glofwatch.detection.replay import replay_frame
from tests.detection.synthetic import Lift, Rain, rain_and_stage_day

STEP_H = 5.0
READING_H = 1 / 12


def wave(step: float, *, ebb: float = 0.03, rise_on: float = 0.0) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """+``step`` m into the 05:00 reading, then ``ebb`` m lower (or ``rise_on`` m higher) every reading after it."""
    def lift(h: np.ndarray, v: np.ndarray) -> np.ndarray:
        n = np.round((h - STEP_H) / READING_H)  # readings since the step
        after = step + n * (rise_on - ebb)
        return v + np.where(h < STEP_H - 1e-6, 0.0, np.clip(after, 0.0, None))
    return lift


def day(site, lift: Lift, gauge: str = "gauge-cak", rain_mm_h: Rain | None = None) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """8 hours of a quiet day, dry or with ``rain_mm_h(hour)`` at every weather station, ``gauge``'s stage ``lift``-ed."""
    return rain_and_stage_day(site, rain_mm_h, lift, gauge)


def evacuations(site, df: pd.DataFrame) -> list:  # type: ignore[no-untyped-def]
    return [d for d in replay_frame(site, df) if d.level == "evacuate"]


def first_cak_evacuation(ev: list, at: str, *, by_wave: bool = True):  # type: ignore[no-untyped-def]
    """The first of ``ev``: Grigorievka evacuated for a debris flow at the tick of ``at`` (HH:MM, on or a minute after),
    by the passing-wave rule unless ``by_wave`` is False."""
    assert ev and ev[0].hazard == "debris_flow" and ev[0].zones == ["cak-grig"]
    h, m = map(int, at.split(":"))
    assert f"2026-07-01T{at}:00Z" <= ev[0].time <= f"2026-07-01T{h:02d}:{m + 1:02d}:00Z", ev[0].time
    if by_wave:
        assert RULE_TEXT["wave_passing"] in ev[0].explanation
    return ev[0]


def test_a_small_wave_passing_the_only_gauge_evacuates_its_valley(site) -> None:  # type: ignore[no-untyped-def]
    ev = evacuations(site, day(site, wave(0.3)))
    # the step at 05:00, receding at 05:05 and 05:10: evacuated at the second receding reading's tick
    first_cak_evacuation(ev, "05:10")
    assert ev[0].evidence["features"]["gauge_pulse"] == pytest.approx(0.3, abs=0.02)
    assert any("m passed: risen from rest in one reading" in line for line in ev[0].explanation)


def test_the_same_wave_at_gauge_cha_evacuates_cholpon_ata(site) -> None:  # type: ignore[no-untyped-def]
    ev = evacuations(site, day(site, wave(0.3), gauge="gauge-cha"))
    assert ev and ev[0].hazard == "debris_flow" and ev[0].zones == ["cha-upper", "cha-town", "cha-shore"]
    assert RULE_TEXT["wave_passing"] in ev[0].explanation


@pytest.mark.parametrize("shape", [
    wave(0.3, ebb=0.0),  # a glitch offsetting the readings by one amount: holds
    wave(0.3, ebb=0.0, rise_on=0.05),  # a storm flood's step: the river rises on
    wave(0.3, ebb=0.2),  # a glitch dropping back to the river (the second reading keeps a third of it)
    wave(PULSE_STEP_M - 0.03),  # a step under the threshold
], ids=["holds", "rises_on", "drops_back", "too_small"])
def test_steps_that_hold_rise_on_drop_back_or_are_small_do_not(site, shape) -> None:  # type: ignore[no-untyped-def]
    said = [d for d in replay_frame(site, day(site, shape)) if RULE_TEXT["wave_passing"] in d.explanation]
    assert said == []
    assert evacuations(site, day(site, shape)) == []


def test_a_wave_when_the_rain_bursts_is_left_to_the_other_rules(site) -> None:  # type: ignore[no-untyped-def]
    """A storm's runoff steps the river when its rain bursts (fusion.bursting): a blind red-team storm day's step that
    receded in a burst of 14 mm/h after 4 mm/h would have evacuated Cholpon-Ata."""
    def burst(h: np.ndarray) -> np.ndarray:
        return np.where(h < 4.0, 2.0, 12.0)  # 2 mm/h, then 12 from 04:00: at 05:10 the last hour is 3.5x the 6-hour mean

    said = [d for d in replay_frame(site, day(site, wave(0.3), gauge="gauge-cha", rain_mm_h=burst))
            if RULE_TEXT["wave_passing"] in d.explanation]
    assert said == []
    steady = [d for d in replay_frame(site, day(site, wave(0.3), gauge="gauge-cha", rain_mm_h=lambda h: np.full(len(h), 4.0)))
              if RULE_TEXT["wave_passing"] in d.explanation]
    assert steady and steady[0].level == "evacuate"


def test_a_wave_in_the_drizzle_after_a_storm_evacuates_the_drizzle_is_no_new_storm(site) -> None:  # type: ignore[no-untyped-def]
    """A storm that rained itself out and drizzles again has not just begun (fusion.storm_just_began's rain_wet). An
    independent red-team debris flow of Chong-Ak-Suu after 13 hours of rain reached gauge-cak as a 5.4 m surge that
    tailed off, under 0.3 mm/h of drizzle after a dry hour and a half: read as a storm's first half hour, it was never
    evacuated. A drizzle that is all the rain there was is still held as a storm's first flush."""
    def tapered(h: np.ndarray) -> np.ndarray:
        return np.where(h < 1.5, 6.0, np.where(h < 4.5, 0.0, 0.6))  # 9 mm, dry for 3 h, then a drizzle from 04:30

    ev = evacuations(site, day(site, wave(0.3), rain_mm_h=tapered))
    first_cak_evacuation(ev, "05:10", by_wave=False)
    assert ev[0].evidence["features"]["rain_wet"] >= FIRST_WET_MM
    assert evacuations(site, day(site, wave(0.3), rain_mm_h=lambda h: np.where(h < 4.5, 0.0, 0.6))) == []


def test_a_surge_gone_in_ten_minutes_evacuates(site) -> None:  # type: ignore[no-untyped-def]
    """A small flow's surge: +0.5 m into a reading, half of it the next, a sixth the one after (PULSE_KEEP2)."""
    def surge(h: np.ndarray, v: np.ndarray) -> np.ndarray:
        n = np.round((h - STEP_H) / READING_H)
        return v + np.select([n == 0, n == 1, n == 2], [0.5, 0.26, 0.08], 0.0)

    first_cak_evacuation(evacuations(site, day(site, surge)), "05:10")


def pair_wave(h: np.ndarray, v: np.ndarray) -> np.ndarray:
    """A flow's front over two readings (+0.12 m into 05:00, +0.40 m by 05:05), receding from 05:10."""
    n = np.round((h - STEP_H) / READING_H)
    return v + np.select([n == 0, n == 1, n == 2, n == 3], [0.12, 0.40, 0.26, 0.13], 0.0)


def test_a_wave_whose_front_rose_over_two_readings_evacuates_when_dry_or_as_the_rain_eases(site) -> None:  # type: ignore[no-untyped-def]
    for rain in (None, lambda h: np.where(h < 4.5, 6.0, 2.0)):  # dry; 6 mm/h easing to 2 from 04:30
        ev = evacuations(site, day(site, pair_wave, rain_mm_h=rain))
        first_cak_evacuation(ev, "05:15")  # the second receding reading
        assert ev[0].evidence["features"]["gauge_pulse_pair"] == pytest.approx(0.40, abs=0.02)
        # the gauge's own words for the duty officer
        assert any("m passed: risen from rest in two readings" in line for line in ev[0].explanation)


def test_a_two_reading_wave_while_the_rain_picks_up_is_left_to_the_other_rules(site) -> None:  # type: ignore[no-untyped-def]
    """A storm's runoff makes that shape as its rain bursts: read only while the last 30 min's rate is at most
    PAIR_RAIN_30M of the hour's. 4 mm/h, then 8 from 04:45: at 05:15 the last 30 min are 1.33x the hour (not over
    fusion.bursting's 1.5x the 3-hour mean)."""
    said = [d for d in replay_frame(site, day(site, pair_wave, rain_mm_h=lambda h: np.where(h < 4.75, 4.0, 8.0)))
            if RULE_TEXT["wave_passing"] in d.explanation]
    assert said == [] and PAIR_RAIN_30M < 1.33


def test_pulse_pair_reads_a_two_reading_front_and_its_recession() -> None:
    v = readings(0.12, 0.40, 0.26, 0.13)
    n = len(v)
    one, pair = _pulse(v, np.r_[0.0, np.diff(v)], np.zeros(n, dtype=bool), np.zeros(n))
    assert pair[-1] == pytest.approx(0.40) and not pair[:-1].any() and not one.any()
    v = readings(PULSE_PAIR_STEP_M - 0.01, 0.40, 0.26, 0.13)  # its first step too small: no two-reading front
    assert not _pulse(v, np.r_[0.0, np.diff(v)], np.zeros(n, dtype=bool), np.zeros(n))[1].any()

def readings(*values: float, rest: float = 0.0) -> np.ndarray:
    """Seven readings of a river at rest (``rest`` m steps, up and down), then ``values`` over it."""
    quiet = np.array([1.0 + (rest if k % 2 else 0.0) for k in range(7)])
    return np.r_[quiet, 1.0 + np.asarray(values, dtype=float)]


def pulse(v: np.ndarray) -> np.ndarray:
    n = len(v)
    step = np.r_[0.0, np.diff(v)]
    return _pulse(v, step, np.zeros(n, dtype=bool), np.zeros(n))[0]


def test_pulse_reads_the_step_two_readings_back_and_its_recession() -> None:
    out = pulse(readings(0.3, 0.27, 0.24))
    assert out[-1] == pytest.approx(0.3) and not out[:-1].any()
    # each reading after the step must be lower than the one before, keeping PULSE_KEEP1 then PULSE_KEEP2 of it
    assert pulse(readings(0.3, 0.3, 0.24))[-1] == 0.0  # the first held
    assert pulse(readings(0.3, 0.27, 0.27))[-1] == 0.0  # the second held
    assert pulse(readings(0.3, 0.3 * PULSE_KEEP1 - 0.01, 0.1))[-1] == 0.0  # the first fell back too far
    assert pulse(readings(0.3, 0.27, 0.3 * PULSE_KEEP2 - 0.01))[-1] == 0.0  # the second fell back too far
    # a surge that loses half its height at once still counts (independent red-team flows: 0.23, 0.16, 0.09 m)
    assert pulse(readings(0.3, 0.3 * PULSE_KEEP1 + 0.01, 0.3 * PULSE_KEEP2 + 0.01))[-1] == pytest.approx(0.3)
    # a small flow's surge is gone in ten minutes: three quarters of it by the second reading (independent red team:
    # +0.55 m, then 0.29 and 0.13 m over the river before it)
    assert pulse(readings(0.55, 0.29, 0.13))[-1] == pytest.approx(0.55)
    # ... or more than half of it at once (+0.43 m, then 0.19 and 0.05 m over the river)
    assert pulse(readings(0.43, 0.19, 0.05))[-1] == pytest.approx(0.43)
    # a slow recession (a storm flood's step that sags a little) is no surge tailing off
    assert pulse(readings(0.3, 0.29, 0.3 * (1 - PULSE_FALL2) + 0.005))[-1] == 0.0
    assert pulse(readings(0.3, 0.29, 0.3 * (1 - PULSE_FALL2) - 0.005))[-1] == pytest.approx(0.3)
    # from a river already moving by a fifth of the step or more: no pulse
    assert pulse(readings(0.3, 0.27, 0.24, rest=0.07))[-1] == 0.0
    assert pulse(readings(0.3, 0.27, 0.24, rest=0.05))[-1] == pytest.approx(0.3)


def test_no_pulse_across_a_gap_or_after_a_frozen_sensor() -> None:
    v = readings(0.3, 0.27, 0.24)
    n = len(v)
    step = np.r_[0.0, np.diff(v)]
    gap = np.zeros(n, dtype=bool)
    gap[-2] = True
    assert _pulse(v, step, gap, np.zeros(n))[0][-1] == 0.0
    thaw = np.zeros(n)
    thaw[-3] = 1.0
    assert _pulse(v, step, np.zeros(n, dtype=bool), thaw)[0][-1] == 0.0


def test_pulse_reads_a_crest_one_reading_after_the_step() -> None:
    """A flood's crest can follow its front by a reading (an independent red-team flow: +0.47 m, 1.4 cm higher, then 0.18
    and 0.12 m lower) and was evacuated only once it had stood four readings, after the village."""
    assert pulse(readings(0.3, 0.31, 0.25, 0.2))[-1] == pytest.approx(0.3)
    assert pulse(readings(0.3, 0.3, 0.25, 0.2))[-1] == pytest.approx(0.3)  # the crest sat
    assert pulse(readings(0.3, 0.3 * (1 + PULSE_SIT) + 0.01, 0.25, 0.2))[-1] == 0.0  # no crest but a second step
    assert pulse(readings(0.3, 0.3, 0.0, 0.0))[-1] == 0.0  # a glitch of two readings dropping straight back
    assert pulse(readings(0.3, 0.35, 0.4, 0.45))[-1] == 0.0  # a storm flood rising on
    assert pulse(readings(0.3, 0.3, 0.29, 0.3 * (1 - PULSE_FALL2) + 0.005))[-1] == 0.0  # a slow sag after the crest


def test_a_wave_whose_crest_follows_its_front_evacuates_at_its_second_receding_reading(site) -> None:  # type: ignore[no-untyped-def]
    def crest_late(h: np.ndarray, v: np.ndarray) -> np.ndarray:  # +0.3 m at 05:00, +0.01 m at 05:05, then 0.06 m a reading
        n = np.round((h - STEP_H) / READING_H)
        after = np.where(n <= 0, 0.3, np.where(n == 1, 0.31, 0.31 - 0.06 * (n - 1)))
        return v + np.where(h < STEP_H - 1e-6, 0.0, np.clip(after, 0.0, None))

    ev = evacuations(site, day(site, crest_late))
    first_cak_evacuation(ev, "05:15")
