"""A plausible quiet day of telemetry for any site: diurnal temperature, a slowly filling lake,
geophone background noise, river stage following melt, batteries charging by day.

Used by the demo and by tests that need realistic, repeatable data (``seed``).
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from glofwatch.site.model import SensorSpec, Site, Station


def _signal(st: Station, se: SensorSpec, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    hours = (t / 3_600_000.0) % 24.0
    day = np.sin((hours - 9.0) / 24.0 * 2 * np.pi)  # UTC+6: warmest mid-afternoon local
    elev = st.elevation_m or 2000.0
    n = len(t)
    match se.id:
        case "air_temperature":
            return 22.0 - 0.0065 * elev + 6.0 * day + rng.normal(0, 0.3, n)
        case "precipitation":
            return np.where(rng.random(n) < 0.03, rng.gamma(1.5, 0.4, n), 0.0).round(1)
        case "relative_humidity":
            return np.clip(60 - 20 * day + rng.normal(0, 3, n), 5, 100)
        case "wind_speed":
            return np.abs(3 + 2 * day + rng.normal(0, 1, n))
        case "snow_depth":
            return np.full(n, 0.0)
        case "battery":
            return 12.6 + 0.8 * np.clip(day, 0, None) + rng.normal(0, 0.02, n)
        case "water_level":
            return -0.40 + 0.02 * (t - t[0]) / 86_400_000.0 + rng.normal(0, 0.003, n)
        case "water_temperature":
            return np.clip(1.5 + 1.0 * day + rng.normal(0, 0.1, n), 0, None)
        case "ground_velocity":
            return np.abs(rng.lognormal(np.log(0.02), 0.4, n))
        case "stage":
            return 0.6 + 0.15 * np.sin((hours - 15.0) / 24.0 * 2 * np.pi) + rng.normal(0, 0.005, n)
    lo, hi = se.valid or (0.0, 1.0)
    return (lo + hi) / 2 + rng.normal(0, (hi - lo) / 100, n)


def quiet_day(site: Site, start: datetime, *, hours: float = 24.0, seed: int = 0) -> pd.DataFrame:
    """Long-form telemetry (time, station, sensor, value) of every sensor of ``site``."""
    rng = np.random.default_rng(seed)
    t0 = int(pd.Timestamp(start).tz_convert("UTC").timestamp() * 1000) if pd.Timestamp(start).tzinfo else \
        int(pd.Timestamp(start, tz="UTC").timestamp() * 1000)
    frames = []
    for st in site.stations:
        for se in st.sensors:
            t = np.arange(t0, t0 + int(hours * 3_600_000), se.interval_s * 1000, dtype=np.int64)
            v = _signal(st, se, t, rng)
            frames.append(pd.DataFrame({"t_ms": t, "station": st.id, "sensor": se.id, "value": np.round(v, 4)}))
    df = pd.concat(frames, ignore_index=True).sort_values(["t_ms", "station", "sensor"], kind="stable")
    df.insert(0, "time", pd.to_datetime(df.pop("t_ms"), unit="ms", utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return df.reset_index(drop=True)
