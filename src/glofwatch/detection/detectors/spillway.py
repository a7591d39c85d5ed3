"""Precursor for ``watch``: a lake rising toward (or over) its spillway.

``freeboard`` = spillway level (site file, ``spillway_level_m``) minus the lake level (median of the
last 30 minutes); ``rise6h`` = that level minus the median of the last 6 hours. A lake within
``NEAR_M`` of its spillway and still rising, or already over it, is worth a watch: overtopping
erodes moraine dams.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from glofwatch.detection.detectors.base import Detector, Evidence, windowed
from glofwatch.site.model import SensorSpec, Station

NEAR_M = 0.10
RISING_M = 0.02


class Spillway(Detector):
    name: ClassVar[str] = "spillway"
    sensors: ClassVar[tuple[str, ...]] = ("water_level",)
    kinds: ClassVar[tuple[str, ...]] = ("lake",)
    lookback_ms: ClassVar[int] = 6 * 3_600_000
    features: ClassVar[tuple[str, ...]] = ("level30", "rise6h")
    spillway_m: float = 0.0

    def compute(self, t_ms: np.ndarray, value: np.ndarray, station: Station, sensor: SensorSpec) -> dict[str, np.ndarray]:
        v = value.astype(float)
        now = windowed(t_ms, v, 1_800_000, "median")
        base = windowed(t_ms, v, 6 * 3_600_000, "median")
        return {"level30": now, "rise6h": now - base}

    def explain(self, station: Station, sensor: SensorSpec, feats: dict[str, float], tick_ms: int,
                series: tuple[np.ndarray, np.ndarray]) -> Evidence:
        free = feats.get("freeboard", np.inf)
        rise = feats.get("rise6h", 0.0)
        fires = bool(free <= 0.0 or (free <= NEAR_M and rise >= RISING_M))
        text = (f"lake at {station.id} {abs(free):.2f} m {'over' if free < 0 else 'below'} its spillway, "
                f"{rise:+.2f} m in 6 h")
        return Evidence(self.name, station.id, -free, fires, text, {"freeboard_m": round(float(free), 3)})
