"""Precursor for ``watch``: a lake whose level has slid down for hours, lower every half hour.

An ice-dammed lake that drains through a tunnel under its glacier falls a few centimetres to decimetres an hour for
hours before its flood grows (Nye 1976): blind red-team drainages of cha-2, with a level station added, fell 0.4-0.6 m in
the 4-6 h before their water reached Cholpon-Ata, steadily, and nothing told the duty officer (the lake rules take such
a fall for a drifting sensor: the generators' drift faults fall as steadily, at up to 0.44 m/h, for hours, on about 1 %
of the days with no hazard). A slide is therefore worth a WATCH, for the officer, not a warning to every family: have
someone look at the lake.

``slide`` = the 30-minute median level ``SLIDE_MS`` ago minus the one now, where each of the ``SLIDE_MS / HALF_MS``
half hours in between lowered that median (0 elsewhere; a reading-less half hour breaks it). Medians of six readings
let a glitch run of two readings pass; a stuck channel does not slide.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from glofwatch.detection.detectors.base import Detector, Evidence, windowed
from glofwatch.site.model import SensorSpec, Station

HALF_MS = 30 * 60_000
SLIDE_MS = 2 * 3_600_000
SLIDE_WATCH_M = 0.15  # a WATCH (engine.precursors) from this slide


class LevelSlide(Detector):
    name: ClassVar[str] = "level_slide"
    sensors: ClassVar[tuple[str, ...]] = ("water_level",)
    kinds: ClassVar[tuple[str, ...]] = ("lake",)
    lookback_ms: ClassVar[int] = SLIDE_MS + HALF_MS
    features: ClassVar[tuple[str, ...]] = ("slide",)

    def compute(self, t_ms: np.ndarray, value: np.ndarray, station: Station, sensor: SensorSpec) -> dict[str, np.ndarray]:
        n = len(t_ms)
        if n == 0:
            return {"slide": np.zeros(0)}
        t = np.asarray(t_ms, dtype=np.int64)
        med = windowed(t_ms, value.astype(float), HALF_MS, "median")
        slide = np.ones(n, dtype=bool)
        newer = med
        for k in range(1, SLIDE_MS // HALF_MS + 1):
            at = t - k * HALF_MS
            j = np.searchsorted(t, at, side="right") - 1
            ok = (j >= 0) & (at - t[np.clip(j, 0, None)] < HALF_MS)  # a reading within the half hour before that time
            older = np.where(ok, med[np.clip(j, 0, None)], np.nan)
            with np.errstate(invalid="ignore"):
                slide &= ok & (older > newer)
            newer = older
        return {"slide": np.where(slide, np.nan_to_num(newer - med), 0.0)}

    def explain(self, station: Station, sensor: SensorSpec, feats: dict[str, float], tick_ms: int,
                series: tuple[np.ndarray, np.ndarray]) -> Evidence:
        slide = float(np.nan_to_num(feats.get("slide", 0.0)))
        hours = SLIDE_MS / 3_600_000
        text = (f"{station.id} water level has slid {slide:.2f} m in {hours:g} h, lower every half hour: a lake draining "
                "slowly (through its ice, a breach opening) or a drifting sensor; have someone look at the lake")
        return Evidence(self.name, station.id, slide, slide >= SLIDE_WATCH_M, text, {"slide_m": round(slide, 3)})
