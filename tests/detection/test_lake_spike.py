"""One lake reading 1.7 m low (a pressure transducer's glitch: red-team fault days have them at 5 % of the sensor's
range) is as plausible a fall as a breach's first interval: it is a WATCH for the duty officer (no message to the
families), and evacuates only once the station then falls silent (destroyed at the breach) or a second reading confirms
the fall; a spike's next reading is back."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from glofwatch.detection.replay import replay_frame
from glofwatch.sim.day import quiet_day

START = datetime(2026, 7, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def site():  # type: ignore[no-untyped-def]
    from glofwatch.cli import _site

    return _site(None)


def lake_day(site, *, silent_after: bool) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    df = quiet_day(site, START, hours=5.0, seed=8)
    lake = ((df["station"] == "lake-cha-1") & (df["sensor"] == "water_level")).to_numpy()
    t = pd.to_datetime(df["time"], utc=True)
    at = pd.Timestamp("2026-07-01T03:00:00Z")
    hit = lake & (t == at).to_numpy()
    assert hit.sum() == 1
    df.loc[hit, "value"] = df.loc[hit, "value"].to_numpy(float) - 1.7
    if silent_after:  # the breach took the station: nothing from it after the fall
        df = df[~((df["station"] == "lake-cha-1") & (t > at).to_numpy())]
    return df


def glof(site, df: pd.DataFrame, level: str) -> list:  # type: ignore[no-untyped-def]
    return [d for d in replay_frame(site, df) if d.level == level and d.lake == "cha-1"]


def test_a_single_lake_spike_is_a_watch_not_a_warning(site) -> None:  # type: ignore[no-untyped-def]
    df = lake_day(site, silent_after=False)
    assert glof(site, df, "evacuate") == [] and glof(site, df, "warning") == []
    watch = [d for d in glof(site, df, "watch") if d.time == "2026-07-01T03:00:00Z"]
    assert watch and any("held at WATCH: one lake reading fell" in r for r in watch[0].explanation)


def test_the_same_fall_then_silence_evacuates_one_interval_later(site) -> None:  # type: ignore[no-untyped-def]
    ev = glof(site, lake_day(site, silent_after=True), "evacuate")
    assert ev and "2026-07-01T03:00:00Z" < ev[0].time <= "2026-07-01T03:10:00Z"


def test_a_spike_whose_next_reading_is_two_seconds_late_does_not_evacuate(site) -> None:  # type: ignore[no-untyped-def]
    """A logger's clock jitters by seconds: the reading after the spike at 03:05:02 is no missed report at the 03:05 tick
    (fusion.SPIKE_SILENT_MISSED gives a minute's grace; the crosscheck red-team generator's jitter evacuated a rain day)."""
    df = lake_day(site, silent_after=False)
    after = ((df["station"] == "lake-cha-1") & (pd.to_datetime(df["time"], utc=True) > "2026-07-01T03:00:00Z")).to_numpy()
    df.loc[after, "time"] = (pd.to_datetime(df.loc[after, "time"], utc=True) + pd.Timedelta(seconds=2)).dt.strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    assert glof(site, df, "evacuate") == []
