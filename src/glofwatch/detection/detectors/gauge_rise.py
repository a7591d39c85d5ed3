"""River gauge rise: the stage now against the stage of the last three hours.

``rise`` = median of the last 10 minutes minus the median of the last 3 hours (time windows). The
3-hour median is a baseline that ignores short glitches and lags behind a flood wave, which is
what we want: a wave lifts the river by decimetres to metres within minutes, melt and runoff by
centimetres an hour. Storm runoff can lift a river by a metre or two as well, but step by step
(decimetres per reading over an hour): ``jump`` = the largest rise from one reading to the next in
the last 10 minutes tells a front (most of its height in one step) from a swelling river. The
detector fires on both. Features: ``rise``, ``jump``, ``stage`` (m).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from glofwatch.detection.detectors.base import Detector, Evidence, rolling
from glofwatch.site.model import SensorSpec, Station

NOW_MS = 600_000
BASE_MS = 3 * 3_600_000
FIRE_M = 0.5
JUMP_M = 0.45


class GaugeRise(Detector):
    name: ClassVar[str] = "gauge_rise"
    sensors: ClassVar[tuple[str, ...]] = ("stage", "water_surface_height_above_reference_datum")
    kinds: ClassVar[tuple[str, ...]] = ("gauge",)
    lookback_ms: ClassVar[int] = BASE_MS
    features: ClassVar[tuple[str, ...]] = ("rise", "jump", "stage")

    def compute(self, t_ms: np.ndarray, value: np.ndarray, station: Station, sensor: SensorSpec) -> dict[str, np.ndarray]:
        v = value.astype(float)
        now = rolling(t_ms, v, NOW_MS).median().to_numpy()
        base = rolling(t_ms, v, BASE_MS).median().to_numpy()
        step = np.r_[0.0, np.diff(v)]
        jump = rolling(t_ms, step, NOW_MS).max().to_numpy()
        return {"rise": now - base, "jump": jump, "stage": now}

    def explain(self, station: Station, sensor: SensorSpec, feats: dict[str, float], tick_ms: int,
                series: tuple[np.ndarray, np.ndarray]) -> Evidence:
        rise, jump, stage = feats.get("rise", 0.0), feats.get("jump", 0.0), feats.get("stage", 0.0)
        fires = rise >= FIRE_M and jump >= JUMP_M
        text = (f"{station.id} river stage {stage:.2f} m, {rise:+.2f} m against its 3-hour median, "
                f"largest step {jump:+.2f} m ({'a front' if fires else 'no front'})")
        return Evidence(self.name, station.id, rise, fires, text, {"rise_m": round(rise, 3), "jump_m": round(jump, 3)})
