"""A station falling silent: in event time, how many reporting intervals a station has missed.

Floods destroy the sensors that watch them: a lake station that stops talking during a storm-free
afternoon may be a flat battery, or the lake may be gone. Alone it is a reason to look; together
with downstream evidence (a geophone shaking, a gauge rising) it is an outburst that took its own
sensor. The fusion combines it; this plug-in measures it, with the same rule as
:func:`glofwatch.telemetry.health.state_of` (missed = time since the newest reading / the station's
shortest interval; ``silent`` from ``silent_after`` missed intervals). Live, ``station_silent``
events of :func:`glofwatch.telemetry.health.check_silence` also make the engine evaluate when no
reading arrives at all.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from glofwatch.detection.detectors.base import Evidence, hhmm
from glofwatch.site.model import Station


class StationSilent:
    name: ClassVar[str] = "station_silent"

    @staticmethod
    def missed(station: Station, last_seen_ms: np.ndarray, tick_ms: np.ndarray) -> np.ndarray:
        """Missed reporting intervals at each tick (0 where the station never reported: nothing was lost)."""
        m = (tick_ms - last_seen_ms) / 1000.0 / station.report_interval_s
        return np.where(last_seen_ms > np.iinfo(np.int64).min, np.clip(m, 0.0, None), 0.0)

    def explain(self, station: Station, missed: float, last_seen_ms: int | None, tick_ms: int,
                battery_v: float | None = None) -> Evidence:
        """``battery_v``: the flat battery's voltage where the station's last battery reading explains the silence
        (detection.features.battery_flat); such a silence is told, and counts as no sign of a flood."""
        silent = missed >= station.silent_after
        since = f" since {hhmm(last_seen_ms)}" if last_seen_ms is not None else ""
        text = (f"{station.id} ({station.kind}) {'silent' if silent else 'late'}{since}: "
                f"{missed:.1f} missed {station.report_interval_s // 60}-min reports")
        details: dict[str, object] = {"missed_intervals": round(float(missed), 1)}
        if battery_v is not None:
            text += f"; its battery had sagged to {battery_v:.1f} V: a power failure, no sign of a flood"
            details["battery_v"] = round(float(battery_v), 2)
        return Evidence(self.name, station.id, float(missed), bool(silent) and battery_v is None, text, details)
