"""Was an event physically detectable in time? A judge of the telemetry, independent of any detector.

An outburst or debris flow is **detectable** when some *working* sensor on its path shows a signal
above that sensor's own noise before the wave reaches the first zone (``first_arrival``):

- the sensors: the hazard sensor of every station the truth says the front reached (``stations``:
  river stage at a gauge, ground velocity at a geophone) before ``first_arrival``, and for an outburst
  the lake station's water level (``params.lake_station``, reached at the onset);
- *working*: readings inside a fault window of that sensor or station (truth ``faults``: spikes,
  stuck values, drift, bursts...) do not count, and a dead or destroyed sensor has no readings;
- *signal above noise*: a straight line is fitted to the sensor's readings of the hour before the
  onset (its background, with its diurnal trend); the noise is the robust spread of the residuals
  (1.4826 x MAD, at least the 1e-4 rounding of the files); a reading between the front's arrival at
  the station (the onset for the lake station; a geophone hears the front coming a few minutes earlier,
  so from the onset on there) and ``first_arrival`` is a signal when it departs from the extrapolated
  line by more than ``K_SIGMA`` noise in the hazard's direction (lake down, stage and shaking up).
  Ground velocity is judged in logarithms (its noise is multiplicative: a lognormal background).

This deliberately asks much less than an evacuation needs (one reading at one sensor, no rule about
spikes): an event that fails it was invisible to *any* detector, not just to ours, so recall over the
detectable events tells detection's own misses from the physics' ones. It never removes an event
from the main figures. The first reading above noise also bounds the warning time any detector could
give: ``first_arrival`` minus that reading is the *signal time* (often much less than the time from the
onset for a debris flow that starts kilometres above the first sensor).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from glofwatch.clock import parse_iso

K_SIGMA = 5.0
BASELINE_MS = 3_600_000
MIN_NOISE = 1e-4
HAZARD_SENSORS = {"gauge": ("stage", 1.0), "geophone": ("ground_velocity", 1.0), "lake": ("water_level", -1.0)}


@dataclass(frozen=True)
class SensorCheck:
    """One sensor's view of the event: its best signal-to-noise before the first arrival and why not more."""

    station: str
    sensor: str
    reached_ms: int | None  # when the front reached it (None: not before first_arrival)
    readings: int  # usable readings between reached and first_arrival
    snr: float  # largest departure / noise (0 when no reading)
    above: int  # readings above K_SIGMA
    note: str = ""
    first_above_ms: int | None = None  # the first of them

    def as_dict(self) -> dict[str, Any]:
        return {"station": self.station, "sensor": self.sensor, "readings": self.readings,
                "snr": round(self.snr, 1), "above": self.above, **({"note": self.note} if self.note else {})}


@dataclass(frozen=True)
class Detectability:
    detectable: bool
    reason: str | None  # why not: no_sensor_reached, faulted, below_noise (None when detectable)
    checks: list[SensorCheck] = field(default_factory=list)

    @property
    def first_signal_ms(self) -> int | None:
        """When the first reading above noise came in (the earliest any detector could have known)."""
        hits = [c.first_above_ms for c in self.checks if c.first_above_ms is not None]
        return min(hits) if hits else None

    def as_dict(self) -> dict[str, Any]:
        return {"detectable": self.detectable, "reason": self.reason, "sensors": [c.as_dict() for c in self.checks]}


def _ms(s: str | None) -> int | None:
    if s is None:
        return None
    return int(parse_iso(s).timestamp() * 1000)


def _fault_windows(truth: Mapping[str, Any], station: str, sensor: str) -> list[tuple[int, int]]:
    out = []
    for f in truth.get("faults") or []:
        if f.get("station") == station and f.get("sensor") in (sensor, "*"):
            a, b = _ms(f.get("start")), _ms(f.get("end"))
            if a is not None:
                out.append((a, b if b is not None else np.iinfo(np.int64).max))
    return out


def _series(telemetry: pd.DataFrame, station: str, sensor: str) -> tuple[np.ndarray, np.ndarray]:
    m = (telemetry["station"] == station) & (telemetry["sensor"] == sensor)
    sub = telemetry.loc[m, ["time", "value"]]
    if sub.empty:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    t = pd.to_datetime(sub["time"], utc=True, errors="coerce", format="ISO8601")
    v = pd.to_numeric(sub["value"], errors="coerce").to_numpy(dtype=float)
    ok = t.notna().to_numpy() & np.isfinite(v)
    tm = t[ok].to_numpy(dtype="datetime64[ms]").astype(np.int64)
    tv = v[ok]
    o = np.argsort(tm, kind="stable")
    tm, tv = tm[o], tv[o]
    first = np.r_[True, tm[1:] != tm[:-1]] if len(tm) else np.zeros(0, dtype=bool)
    return tm[first], tv[first]


def check_sensor(truth: Mapping[str, Any], telemetry: pd.DataFrame, station: str, sensor: str, sign: float,
                 reached_ms: int, onset_ms: int, first_ms: int, *, log: bool = False) -> SensorCheck:
    t, v = _series(telemetry, station, sensor)
    faults = _fault_windows(truth, station, sensor)
    good = np.ones(len(t), dtype=bool)
    for a, b in faults:
        good &= ~((t >= a) & (t < b))
    if log:
        v = np.log(np.clip(v, 1e-4, None))
    base = good & (t >= onset_ms - BASELINE_MS) & (t < onset_ms)
    win = good & (t >= reached_ms) & (t < first_ms)
    n_win = int(win.sum())
    in_window = (t >= reached_ms) & (t < first_ms)
    if n_win == 0:
        note = "faulted" if in_window.any() or faults else "no readings"
        return SensorCheck(station, sensor, reached_ms, 0, 0.0, 0, note)
    if base.sum() < 4:
        return SensorCheck(station, sensor, reached_ms, n_win, 0.0, 0, "no background before the onset")
    tb, vb = (t[base] - onset_ms) / 3_600_000.0, v[base]
    slope, icpt = np.polyfit(tb, vb, 1) if np.ptp(tb) > 0 else (0.0, float(np.median(vb)))
    resid = vb - (slope * tb + icpt)
    noise = max(1.4826 * float(np.median(np.abs(resid - np.median(resid)))), MIN_NOISE)
    tw = (t[win] - onset_ms) / 3_600_000.0
    dep = sign * (v[win] - (slope * tw + icpt)) / noise
    hit = np.flatnonzero(dep >= K_SIGMA)
    return SensorCheck(station, sensor, reached_ms, n_win, float(max(dep.max(), 0.0)), len(hit),
                       first_above_ms=int(t[win][hit[0]]) if len(hit) else None)


def detectability(truth: Mapping[str, Any], telemetry: pd.DataFrame, kinds: Mapping[str, str]) -> Detectability | None:
    """Whether the event of ``truth`` showed above noise on a working sensor before ``first_arrival``.

    ``kinds``: station id -> station kind (``lake``, ``gauge``, ``geophone``, ...). None for a scenario
    without hazard.
    """
    if not truth.get("hazard"):
        return None
    onset, first = _ms(truth.get("onset")), _ms(truth.get("first_arrival"))
    if onset is None or first is None:
        return None
    reached: dict[str, int] = {}
    lake_st = (truth.get("params") or {}).get("lake_station")
    if truth["hazard"] == "glof" and lake_st:
        reached[lake_st] = onset
    for st, when in (truth.get("stations") or {}).items():
        ms = _ms(when)
        if ms is not None and ms < first:
            # a geophone hears the front coming: count its readings from the onset on
            reached[st] = onset if kinds.get(st) == "geophone" else ms
    checks = []
    for st, ms in sorted(reached.items(), key=lambda kv: kv[1]):
        spec = HAZARD_SENSORS.get(kinds.get(st, ""))
        if spec is None:
            continue
        sensor, sign = spec
        checks.append(check_sensor(truth, telemetry, st, sensor, sign, ms, onset, first, log=sensor == "ground_velocity"))
    if any(c.above > 0 for c in checks):
        return Detectability(True, None, checks)
    if not checks:
        return Detectability(False, "no_sensor_reached", checks)
    if all(c.readings == 0 for c in checks):
        return Detectability(False, "faulted" if any(c.note == "faulted" for c in checks) else "no_readings", checks)
    return Detectability(False, "below_noise", checks)
