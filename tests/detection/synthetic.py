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


def hours_since_start(df: pd.DataFrame) -> np.ndarray:
    """Hours since START of each row of long-form telemetry."""
    return (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600


def rain_from(h0: float, mm_h: float) -> Rain:
    """Rain of ``mm_h`` from hour ``h0``, dry before."""
    return lambda h: np.where(h >= h0, mm_h, 0.0)


def rain_and_stage_day(site, rain_mm_h: Rain | None, lift: Lift, gauge: str = "gauge-cha",  # type: ignore[no-untyped-def]
                       hours: float = 8.0, seed: int = 5) -> pd.DataFrame:
    """``hours`` of a quiet day from START with ``rain_mm_h(hour)`` at every weather station (None: dry) and ``gauge``'s
    stage ``lift``-ed."""
    df = quiet_day(site, START, hours=hours, seed=seed)
    h = hours_since_start(df)
    rain = (df["sensor"] == "precipitation").to_numpy()
    df.loc[rain, "value"] = rain_mm_h(h[rain]) / 6 if rain_mm_h is not None else 0.0  # 10-minute totals
    m = ((df["station"] == gauge) & (df["sensor"] == "stage")).to_numpy()
    df.loc[m, "value"] = lift(h[m], df.loc[m, "value"].to_numpy(float))
    return df


def ramp(m: np.ndarray, ramp_min: float) -> np.ndarray:
    """A tremor's envelope rising over ``ramp_min`` minutes from its first one (a flood's front); 0: at its peak from
    the first minute (a burst's)."""
    return np.clip((m + 1) / ramp_min, 0, 1) if ramp_min > 0 else np.ones_like(m)


def geophone_tremor(df: pd.DataFrame, at_h: float, minutes: float, peak_mm_s: float,
                    envelope: Callable[[np.ndarray], np.ndarray] | float = 1.0, station: str = "geo-cha") -> pd.DataFrame:
    """``station``'s ground velocity: its ~0.003 mm/s lognormal background (seeded), plus ``peak_mm_s`` x ``envelope``
    (of the minutes since ``at_h`` hours after START) for ``minutes`` from then."""
    h = hours_since_start(df)
    g = ((df["station"] == station) & (df["sensor"] == "ground_velocity")).to_numpy()
    m = (h[g] - at_h) * 60.0
    shape = envelope(m) if callable(envelope) else envelope
    rng = np.random.default_rng(7)
    df.loc[g, "value"] = 0.003 * rng.lognormal(0.0, 0.2, g.sum()) + np.where((m >= 0) & (m < minutes), peak_mm_s * shape, 0.0)
    return df
