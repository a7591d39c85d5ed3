"""A lake whose level slides down for hours, lower every half hour, raises a WATCH for the duty officer, not a warning
(``detectors.level_slide``, ``engine.precursors``): a slow drainage through the ice, or a drifting sensor.

A tunnel drainage lowers the lake a decimetre an hour for hours before its flood grows; the lake rules take that for a
drifting sensor and said nothing for hours (blind red-team drainages of cha-2 with a station added). A glitch, a stuck
channel, a gap or a lake that stands must not slide."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from glofwatch.detection.detectors.level_slide import SLIDE_WATCH_M, LevelSlide
from glofwatch.detection.replay import replay_frame
from glofwatch.sim.day import quiet_day
from tests.detection.synthetic import START

FIVE_MIN = 300_000


def slide_of(v: np.ndarray, t: np.ndarray | None = None) -> np.ndarray:
    t = np.arange(len(v), dtype=np.int64) * FIVE_MIN if t is None else t
    return LevelSlide().compute(t, np.asarray(v, dtype=float), None, None)["slide"]  # type: ignore[arg-type]


def noise(n: int, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, 0.004, n)


def test_a_steady_slide_counts_from_two_hours_on() -> None:
    h = np.arange(48) / 12  # 4 h of 5-min readings
    s = slide_of(np.where(h >= 1.0, -0.1 * (h - 1.0), 0.0) + noise(48))
    assert np.all(s[h < 2.5] < SLIDE_WATCH_M)  # an hour and a half of it, at 0.1 m/h, before 0.15 m of slide shows
    assert np.all(s[h >= 2.75] >= SLIDE_WATCH_M)
    assert s[-1] == pytest.approx(0.2, abs=0.03)  # the last two hours' fall of the half-hour medians


@pytest.mark.parametrize("case", ["standing", "rising", "glitch", "stuck", "gap", "seiche"])
def test_what_does_not_slide(case: str) -> None:
    h = np.arange(48) / 12
    v = noise(48)
    t = np.arange(48, dtype=np.int64) * FIVE_MIN
    if case == "rising":
        v = v + 0.1 * h
    elif case == "glitch":  # two readings 2 m down, back at the third: the medians of six do not move
        v[30:32] -= 2.0
    elif case == "stuck":
        v[:] = 0.0
    elif case == "gap":  # a slide with an hour without readings in it
        v = v - 0.15 * h
        keep = (h < 2.0) | (h >= 3.0)
        v, t = v[keep], t[keep]
    elif case == "seiche":  # the lake rocking 0.1 m up and down once an hour in the wind
        v = v + 0.1 * np.sin(2 * np.pi * h)
    s = slide_of(v, t)
    assert np.all(s < SLIDE_WATCH_M), (case, float(s.max()))


def sliding_day(site) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """8 quiet hours; lake-cak-1 slides 0.12 m an hour from 02:00."""
    df = quiet_day(site, START, hours=8.0, seed=3)
    h = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    lake = ((df["station"] == "lake-cak-1") & (df["sensor"] == "water_level")).to_numpy()
    df.loc[lake, "value"] = df.loc[lake, "value"].to_numpy(float) - 0.12 * np.clip(h[lake] - 2.0, 0, None)
    return df


def test_a_lake_sliding_for_hours_raises_a_watch_not_a_warning(site) -> None:  # type: ignore[no-untyped-def]
    ds = [d for d in replay_frame(site, sliding_day(site)) if d.lake == "cak-1"]
    slid = [d for d in ds if any("has slid" in x for x in d.explanation)]
    assert slid and slid[0].level == "watch", [(d.time, d.level) for d in ds]
    # 0.15 m of slide at 0.12 m/h, lower every half hour for two hours: from about 03:15
    assert "2026-07-01T03:10:00Z" <= slid[0].time <= "2026-07-01T04:30:00Z", slid[0].time
    assert any(x.startswith("lake-cak-1 water level has slid") and "have someone look at the lake" in x
               for x in slid[0].explanation)
    assert not [d for d in ds if d.level in ("warning", "evacuate")]  # a drift looks the same: nobody is warned


def test_live_watches_the_slide_as_replay(site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # the live path (5-min messages through the Ingestor and the listener, the plug-in's 2.5 h lookback) says the same
    from tests.detection.test_live_replay import _key, live_decisions

    df = sliding_day(site)
    rep = replay_frame(site, df)
    assert any(any("has slid" in x for x in d.explanation) for d in rep)
    assert _key(live_decisions(site, df, tmp_path, 5)) == _key(rep)


@pytest.fixture(scope="module")
def site():  # type: ignore[no-untyped-def]
    from glofwatch.cli import _site

    return _site(None)
