"""benchmarks/detection_rules_at.py: a source's raw features and the safety rules that hold, tick by tick (the quickest
way to see why a rule did not fire)."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from glofwatch.sim.day import quiet_day
from glofwatch.site import load_site
from tests.benchmark_scripts import run

START = datetime(2026, 7, 1, tzinfo=UTC)


def tool(*args: str) -> subprocess.CompletedProcess:
    return run("detection_rules_at", *args)


def test_it_shows_the_rule_that_fires_once_the_fallen_station_missed_two_reports(tmp_path: Path) -> None:
    """lake-cha-1 falls 0.12 m at 03:00, reports two more readings there, and dies after 03:10."""
    df = quiet_day(load_site(None), START, hours=6.0, seed=8)
    h = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    lake = (df["station"] == "lake-cha-1").to_numpy()
    level = lake & (df["sensor"] == "water_level").to_numpy()
    df.loc[level, "value"] = df.loc[level, "value"].to_numpy(float) - np.where(h[level] >= 3.0, 0.12, 0.0)
    csv = tmp_path / "day.csv"
    df[~(lake & (h >= 3.17))].to_csv(csv, index=False)
    out = tool(str(csv), "glof:cha-1", "2026-07-01T03:15", "2026-07-01T03:25", "stepped_last", "lake_missed")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 11 and lines[0].startswith("2026-07-01 03:15 stepped_last=0.1")
    assert "lake_fell_silent" not in lines[0] and "rules: lake_fell_silent" in lines[5]  # 03:20: two reports missed


def test_an_unknown_source_or_feature_names_the_ones_there_are(tmp_path: Path) -> None:
    csv = tmp_path / "day.csv"
    quiet_day(load_site(None), START, hours=1.0, seed=8).to_csv(csv, index=False)
    out = tool(str(csv), "glof:nowhere", "2026-07-01T00:00", "2026-07-01T00:10")
    assert out.returncode != 0 and "glof:cha-1" in out.stderr
    out = tool(str(csv), "glof:cha-1", "2026-07-01T00:00", "2026-07-01T00:10", "no_such_feature")
    assert out.returncode != 0 and "no_such_feature" in out.stderr
