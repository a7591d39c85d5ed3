"""A wave through the lake, seen whole at its station, evacuates the lake's outburst (fusion.wave_through_lake,
level_drop.wave_crests).

Blind red-team avalanche waves lifted lakes cak-1 and cha-1 0.30-0.54 m for one 5-min reading, and the level fell back
over the next two; the breach (or the overtopping wave alone) reached Grigorievka or Cholpon-Ata one to four and a half
hours later. Synthetic telemetry of the reference site through the real engine, dry, every station reporting, no sign
downstream: the lake's readings alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from glofwatch.detection.detectors.level_drop import WAVE_M, wave_crests
from glofwatch.detection.fusion import RULE_TEXT
from glofwatch.detection.replay import replay_frame
from tests.detection.synthetic import hours_since_start, rain_and_stage_day

RULE = RULE_TEXT["lake_wave"]
READING_H = 1 / 12


def day(site, shape: list[float], *, noise: float = 0.0, at_h: float = 4.0) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """lake-cak-1's level plus ``shape`` (m), one value a 5-min reading from ``at_h`` on (the last one kept after it),
    plus ``noise`` m of seeded scatter on every reading; the river and the weather quiet."""
    df = rain_and_stage_day(site, None, lambda h, v: v, gauge="gauge-cak")
    h = hours_since_start(df)
    level = ((df["station"] == "lake-cak-1") & (df["sensor"] == "water_level")).to_numpy()
    k = np.round((h[level] - at_h) / READING_H).astype(int)
    add = np.where(k < 0, 0.0, np.asarray(shape)[np.clip(k, 0, len(shape) - 1)])
    scatter = np.random.default_rng(3).uniform(-noise, noise, level.sum())
    df.loc[level, "value"] = df.loc[level, "value"].to_numpy(float) + add + scatter
    return df


WAVE = [0.55, 0.19, 0.02, 0.0]  # the blind generator's: a crest for one reading, back over two


def test_a_wave_through_the_lake_evacuates_its_outburst_at_the_waves_third_reading(site) -> None:  # type: ignore[no-untyped-def]
    ev = [d for d in replay_frame(site, day(site, WAVE)) if d.level == "evacuate"]
    assert ev and ev[0].hazard == "glof" and ev[0].lake == "cak-1" and ev[0].zones == ["cak-grig"]
    assert ev[0].time == "2026-07-01T04:10:00Z"  # crest 04:00, falling back 04:05, back 04:10
    assert RULE in ev[0].explanation
    assert any("a wave ran through the lake: its level leapt 0.5" in line for line in ev[0].explanation), ev[0].explanation


@pytest.mark.parametrize(("shape", "noise"), [
    ([0.55, 0.0], 0.0),                # a transducer's spike: one reading, the next one the lake's
    ([0.55, 0.55, 0.55], 0.0),         # a re-mounted sensor: a step that stays
    ([2.5, 0.8, 0.0], 0.0),            # a glitch metres off
    ([WAVE_M - 0.05, 0.1, 0.0], 0.0),  # a ripple under the rule's crest
    ([0.55, 0.35, 0.3, 0.0], 0.0),     # not falling back within two readings
    (WAVE, 0.06),                      # a lake whose readings scatter by decimetres says nothing of waves
], ids=["spike", "step", "glitch", "ripple", "slow", "noisy"])
def test_a_spike_a_step_a_glitch_a_ripple_or_a_noisy_lake_is_not_a_wave(site, shape, noise) -> None:  # type: ignore[no-untyped-def]
    said = [d for d in replay_frame(site, day(site, shape, noise=noise)) if RULE in d.explanation]
    assert said == [], [(d.time, d.level) for d in said]


def test_wave_crests_names_the_crest_at_the_waves_last_reading_only() -> None:
    t = np.arange(12) * 300_000
    v = np.r_[np.full(6, 0.1), 0.65, 0.3, 0.12, 0.1, 0.1, 0.1]
    w = wave_crests(t, v)
    assert w[8] == pytest.approx(0.55) and np.count_nonzero(w) == 1
    gap = t.copy()
    gap[8:] += 3_600_000  # the readings that would fall back come an hour later: a gap, not a wave
    assert not wave_crests(gap, v).any()


def test_live_in_small_batches_evacuates_as_replay(site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The wave's readings arrive over three messages or more: the live path (Ingestor + DetectionListener, one and five
    minutes of readings a message) decides as one replay of the day."""
    from tests.detection.test_live_replay import _key, live_decisions

    df = day(site, WAVE)
    replayed = replay_frame(site, df)
    assert [d for d in replayed if d.level == "evacuate" and RULE in d.explanation]
    for batch_min in (1, 5):
        assert _key(live_decisions(site, df, tmp_path, batch_min)) == _key(replayed), batch_min
