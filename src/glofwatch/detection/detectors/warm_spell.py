"""Precursor for ``watch``: a warm spell at the lakes (fast melt fills lakes and weakens ice dams).

``t24`` = mean air temperature over the last 24 hours at the weather station. The source layer
moves it to each lake's elevation with the standard lapse rate (6.5 K/km) and calls it a warm spell
at or above ``WARM_C`` (5 °C as a 24-hour mean at the lake).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from glofwatch.detection.detectors.base import Detector, Evidence, rolling
from glofwatch.site.model import SensorSpec, Station

WARM_C = 5.0
LAPSE_K_PER_M = 0.0065
MIN_SPAN_MS = 18 * 3_600_000  # a 24-h mean needs most of the day


class WarmSpell(Detector):
    name: ClassVar[str] = "warm_spell"
    sensors: ClassVar[tuple[str, ...]] = ("air_temperature",)
    kinds: ClassVar[tuple[str, ...]] = ("weather",)
    lookback_ms: ClassVar[int] = 24 * 3_600_000
    features: ClassVar[tuple[str, ...]] = ("t24",)

    def compute(self, t_ms: np.ndarray, value: np.ndarray, station: Station, sensor: SensorSpec) -> dict[str, np.ndarray]:
        r = rolling(t_ms, value.astype(float), 24 * 3_600_000)
        mean = r.mean().to_numpy().copy()
        first = rolling(t_ms, t_ms.astype(float), 24 * 3_600_000).min().to_numpy()
        mean[(t_ms - first) < MIN_SPAN_MS] = np.nan
        return {"t24": mean}

    def explain(self, station: Station, sensor: SensorSpec, feats: dict[str, float], tick_ms: int,
                series: tuple[np.ndarray, np.ndarray]) -> Evidence:
        t_lake = feats.get("t_lake", np.nan)
        fires = bool(np.isfinite(t_lake) and t_lake >= WARM_C)
        text = f"24-hour mean air temperature {t_lake:.1f} °C at the lake (from {station.id})"
        return Evidence(self.name, station.id, float(np.nan_to_num(t_lake, nan=-99)), fires, text)
