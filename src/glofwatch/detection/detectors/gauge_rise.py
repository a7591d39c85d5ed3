"""River gauge rise: the stage now against the stage of the last three hours.

``rise`` = median of the last 10 minutes minus the median of the last 3 hours (time windows). The
3-hour median is a baseline that ignores short glitches and lags behind a flood wave, which is
what we want: a wave lifts the river by decimetres to metres within minutes, melt and runoff by
centimetres an hour. Storm runoff can lift a river by a metre or two as well, but step by step
(decimetres per reading over an hour): ``jump`` = the largest rise from one reading to the next in
the last 10 minutes tells a front (most of its height in one step) from a swelling river. The
detector fires on both. ``held`` = the lower of the last two readings minus the 3-hour median: a
front stays up, a one-reading glitch (which QC's spike test can only flag once the next reading
shows it) does not, so a rise that ``held`` confirms is two readings' word, not one; and a flood
moves between the two (rising to its peak or receding) while a glitch that offsets two or three
readings by one amount does not (``MOVING_M``). ``thaw`` = 1
when a reading of the last 10 minutes followed ``FROZEN_N`` identical readings: a frozen sensor (an
iced float, a stuck logger channel) that comes back jumps to where the storm-swollen river already
is, a step that is no front (a live sensor's noise never repeats a value to the millimetre three times).
Features: ``rise``, ``jump``, ``held``, ``thaw``, ``stage`` (m).
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
FROZEN_N = 3
MOVING_M = 0.03  # a front's second reading differs from its first by more than this (6x the stage noise)


class GaugeRise(Detector):
    name: ClassVar[str] = "gauge_rise"
    sensors: ClassVar[tuple[str, ...]] = ("stage", "water_surface_height_above_reference_datum")
    kinds: ClassVar[tuple[str, ...]] = ("gauge",)
    lookback_ms: ClassVar[int] = BASE_MS
    features: ClassVar[tuple[str, ...]] = ("rise", "jump", "held", "thaw", "stage")

    def compute(self, t_ms: np.ndarray, value: np.ndarray, station: Station, sensor: SensorSpec) -> dict[str, np.ndarray]:
        v = value.astype(float)
        now = rolling(t_ms, v, NOW_MS).median().to_numpy()
        base = rolling(t_ms, v, BASE_MS).median().to_numpy()
        step = np.r_[0.0, np.diff(v)]
        jump = rolling(t_ms, step, NOW_MS).max().to_numpy()
        prev = np.r_[-np.inf, v[:-1]] if len(v) else v
        same = np.r_[False, v[1:] == v[:-1]]  # reading i repeats reading i-1
        frozen = np.zeros(len(v), dtype=bool)  # the FROZEN_N readings before reading i were one value
        if len(v) > FROZEN_N:
            run = np.ones(len(v) - FROZEN_N, dtype=bool)
            for k in range(1, FROZEN_N):
                run &= same[k:len(v) - FROZEN_N + k]
            frozen[FROZEN_N:] = run
        thaw = rolling(t_ms, frozen.astype(float), NOW_MS).max().to_numpy()
        # a flood moves (rises to its peak or recedes: decimetres in an interval after a metre step); a glitch
        # that offsets 2-3 readings by the same amount sits still: two readings at one level are no front
        held = np.where(np.abs(v - prev) >= MOVING_M, np.minimum(v, prev) - base, -np.inf)
        return {"rise": now - base, "jump": jump, "held": held, "thaw": thaw, "stage": now}

    def explain(self, station: Station, sensor: SensorSpec, feats: dict[str, float], tick_ms: int,
                series: tuple[np.ndarray, np.ndarray]) -> Evidence:
        rise, jump, stage = feats.get("rise", 0.0), feats.get("jump", 0.0), feats.get("stage", 0.0)
        fires = rise >= FIRE_M and jump >= JUMP_M
        text = (f"{station.id} river stage {stage:.2f} m, {rise:+.2f} m against its 3-hour median, "
                f"largest step {jump:+.2f} m ({'a front' if fires else 'no front'})")
        return Evidence(self.name, station.id, rise, fires, text, {"rise_m": round(rise, 3), "jump_m": round(jump, 3)})
