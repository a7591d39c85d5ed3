"""Synthetic telemetry for the detection tests: a quiet day of the reference site with rain and a gauge reshaped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from glofwatch.sim.day import quiet_day

START = datetime(2026, 7, 1, tzinfo=UTC)
Lift = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (hours since START, stage m) -> stage m
Rain = Callable[[np.ndarray], np.ndarray]  # hours since START -> mm/h


def rain_from(h0: float, mm_h: float) -> Rain:
    """Rain of ``mm_h`` from hour ``h0``, dry before."""
    return lambda h: np.where(h >= h0, mm_h, 0.0)


def rain_and_stage_day(site, rain_mm_h: Rain | None, lift: Lift, gauge: str = "gauge-cha",  # type: ignore[no-untyped-def]
                       hours: float = 8.0, seed: int = 5) -> pd.DataFrame:
    """``hours`` of a quiet day from START with ``rain_mm_h(hour)`` at every weather station (None: dry) and ``gauge``'s
    stage ``lift``-ed."""
    df = quiet_day(site, START, hours=hours, seed=seed)
    h = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    rain = (df["sensor"] == "precipitation").to_numpy()
    df.loc[rain, "value"] = rain_mm_h(h[rain]) / 6 if rain_mm_h is not None else 0.0  # 10-minute totals
    m = ((df["station"] == gauge) & (df["sensor"] == "stage")).to_numpy()
    df.loc[m, "value"] = lift(h[m], df.loc[m, "value"].to_numpy(float))
    return df
