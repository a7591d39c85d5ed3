"""A geophone's knock alone is a WATCH for the duty officer, not an outburst warning to every family below.

Rockfall, a quake, a vehicle or a logger's burst shake a geophone for seconds to minutes; on our simulator's fault days
such bursts raised an outburst WARNING on about a third of the days. A flood passing the geophone keeps it shaking:
after a few minutes of tremor that does not decay it warns. Synthetic telemetry of the reference site through the real
engine."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from glofwatch.detection.replay import replay_frame
from glofwatch.sim.day import quiet_day

START = datetime(2026, 7, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def site():  # type: ignore[no-untyped-def]
    from glofwatch.cli import _site

    return _site(None)


def shaken(site, minutes: float) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """5 h of a dry quiet day; geo-cha shakes 80x its ground velocity for ``minutes`` from 03:00."""
    df = quiet_day(site, START, hours=5.0, seed=3)
    df.loc[(df["sensor"] == "precipitation").to_numpy(), "value"] = 0.0
    hours = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    m = ((df["station"] == "geo-cha") & (df["sensor"] == "ground_velocity")).to_numpy()
    on = m & (hours >= 3.0) & (hours < 3.0 + minutes / 60)
    df.loc[on, "value"] = df.loc[on, "value"].to_numpy(dtype=float) * 80.0
    return df


def outburst_levels(site, df: pd.DataFrame) -> list[tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    return [(d.level, d.lake) for d in replay_frame(site, df) if d.hazard == "glof" and d.level != "all_clear"]


def test_a_knock_of_three_minutes_is_a_watch(site) -> None:  # type: ignore[no-untyped-def]
    levels = outburst_levels(site, shaken(site, 3.0))
    assert levels and all(lv in ("advisory", "watch") for lv, _ in levels), levels
    assert ("watch", "cha-2") in levels  # the duty officer sees it
    watch = next(d for d in replay_frame(site, shaken(site, 3.0)) if d.level == "watch" and d.lake == "cha-2")
    assert watch.explanation[1].startswith("held at WATCH: only the geophone has shaken")  # says why not a warning


def test_a_tremor_that_lasts_warns(site) -> None:  # type: ignore[no-untyped-def]
    levels = outburst_levels(site, shaken(site, 8.0))
    assert any(lv == "warning" for lv, _ in levels), levels
    # not yet an evacuation: below the lake nobody watches, 12 minutes of it in dry weather are (test_flood_passing)
    assert not any(lv == "evacuate" for lv, _ in levels)


def test_without_the_rule_the_knock_warned(site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The first test can fail: with the knock rule off the same burst raises a warning."""
    from glofwatch.detection import fusion

    monkeypatch.setattr(fusion, "knock", lambda hazard, raw: np.zeros(len(raw["drop"]), dtype=bool))
    assert any(lv == "warning" for lv, _ in outburst_levels(site, shaken(site, 3.0)))
