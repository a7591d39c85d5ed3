"""River gauge rise: the stage now against the stage of the last three hours.

``rise`` = median of the last 10 minutes minus the median of the last 3 hours (time windows). The
3-hour median is a baseline that ignores short glitches and lags behind a flood wave, which is
what we want: a wave lifts the river by decimetres to metres within minutes, melt and runoff by
centimetres an hour. Features: ``rise`` (m), ``stage`` (m).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from glofwatch.detection.detectors.base import Detector, Evidence, rolling
from glofwatch.site.model import SensorSpec, Station

NOW_MS = 600_000
BASE_MS = 3 * 3_600_000
FIRE_M = 0.5


class GaugeRise(Detector):
    name: ClassVar[str] = "gauge_rise"
    sensors: ClassVar[tuple[str, ...]] = ("stage", "water_surface_height_above_reference_datum")
    kinds: ClassVar[tuple[str, ...]] = ("gauge",)
    lookback_ms: ClassVar[int] = BASE_MS
    features: ClassVar[tuple[str, ...]] = ("rise", "stage")

    def compute(self, t_ms: np.ndarray, value: np.ndarray, station: Station, sensor: SensorSpec) -> dict[str, np.ndarray]:
        v = value.astype(float)
        now = rolling(t_ms, v, NOW_MS).median().to_numpy()
        base = rolling(t_ms, v, BASE_MS).median().to_numpy()
        return {"rise": now - base, "stage": now}

    def explain(self, station: Station, sensor: SensorSpec, feats: dict[str, float], tick_ms: int,
                series: tuple[np.ndarray, np.ndarray]) -> Evidence:
        rise, stage = feats.get("rise", 0.0), feats.get("stage", 0.0)
        text = f"{station.id} river stage {stage:.2f} m, {rise:+.2f} m against its 3-hour median"
        return Evidence(self.name, station.id, rise, rise >= FIRE_M, text, {"rise_m": round(rise, 3)})
