"""Sensor faults and transport noise: what field telemetry looks like on a normal bad day.

Each fault kind is one function registered in :data:`FAULTS` by name; it changes one sensor's (or
one station's) series in place and returns the :class:`Fault` record that goes into the truth file.
Series are held as ``{(station, sensor): Series}`` with epoch-ms times and float values; dropping
rows (gaps, dead sensors, destroyed stations) is done by masking them out.

Kinds: ``spike`` (1-3 single outliers), ``stuck`` (the same value repeated), ``gap`` (no rows for a
while), ``drift`` (a linear creep), ``dead`` (the sensor stops, or reports NAN, until the end),
``battery_dropout`` (the battery sags, then the whole station is silent for a while),
``destroyed`` (the whole station silent until the end: the flood took it), ``burst`` (minutes of strong
ground motion at a geophone with no flow: rockfall, a quake, a vehicle).
Transport noise (:func:`transport_noise`): NAN values, duplicated rows, late (out-of-order) rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from glofwatch.site.model import Site

MIN_MS = 60_000
STATION = "*"  # the sensor of a fault that hits every sensor of a station


@dataclass
class Series:
    """One sensor's readings: epoch-ms times, values, and which rows are sent (``keep``)."""

    t: np.ndarray
    v: np.ndarray
    keep: np.ndarray
    lo: float
    hi: float

    @classmethod
    def of(cls, t: np.ndarray, v: np.ndarray, valid: tuple[float, float] | None) -> Series:
        lo, hi = valid or (-np.inf, np.inf)
        return cls(t=t, v=v.astype(float), keep=np.ones(len(t), dtype=bool), lo=float(lo), hi=float(hi))

    @property
    def span(self) -> float:
        return (self.hi - self.lo) if np.isfinite(self.hi - self.lo) else max(1.0, float(np.nanstd(self.v)) * 10)


@dataclass(frozen=True)
class Fault:
    station: str
    sensor: str
    kind: str
    start_ms: int
    end_ms: int

    def to_dict(self) -> dict[str, str]:
        from glofwatch.sim.scenarios import iso

        return {"station": self.station, "sensor": self.sensor, "kind": self.kind,
                "start": iso(self.start_ms), "end": iso(self.end_ms)}


Store = dict[tuple[str, str], Series]
FaultFn = Callable[[Store, str, str, int, int, np.random.Generator], Fault]
FAULTS: dict[str, FaultFn] = {}


def fault(name: str) -> Callable[[FaultFn], FaultFn]:
    def deco(fn: FaultFn) -> FaultFn:
        FAULTS[name] = fn
        return fn
    return deco


def _window(s: Series, t0: int, dur_ms: int) -> np.ndarray:
    return (s.t >= t0) & (s.t < t0 + dur_ms)


@fault("spike")
def spike(series: Store, station: str, sensor: str, t0: int, end: int, rng: np.random.Generator) -> Fault:
    """1-3 single readings jump by 20-60 % of the valid range (electrical glitch, a stone on the geophone)."""
    s = series[(station, sensor)]
    idx = np.flatnonzero(_window(s, t0, 30 * MIN_MS))[: int(rng.integers(1, 4))]
    if len(idx) == 0:
        idx = np.array([int(np.searchsorted(s.t, t0)) % len(s.t)])
    sign = 1.0 if sensor in ("ground_velocity", "precipitation") else rng.choice([-1.0, 1.0])
    s.v[idx] = np.clip(s.v[idx] + sign * rng.uniform(0.2, 0.6) * s.span, s.lo, s.hi)
    return Fault(station, sensor, "spike", int(s.t[idx[0]]), int(s.t[idx[-1]]))


@fault("stuck")
def stuck(series: Store, station: str, sensor: str, t0: int, end: int, rng: np.random.Generator) -> Fault:
    """The sensor repeats its last value for 30-180 min (frozen logger channel, iced float)."""
    s = series[(station, sensor)]
    dur = int(rng.uniform(30, 180)) * MIN_MS
    w = _window(s, t0, dur)
    if w.any():
        s.v[w] = s.v[np.argmax(w)]
    return Fault(station, sensor, "stuck", t0, min(t0 + dur, end))


@fault("gap")
def gap(series: Store, station: str, sensor: str, t0: int, end: int, rng: np.random.Generator) -> Fault:
    """No readings for 20-120 min (radio link down, logger busy)."""
    s = series[(station, sensor)]
    dur = int(rng.uniform(20, 120)) * MIN_MS
    s.keep &= ~_window(s, t0, dur)
    return Fault(station, sensor, "gap", t0, min(t0 + dur, end))


@fault("drift")
def drift(series: Store, station: str, sensor: str, t0: int, end: int, rng: np.random.Generator) -> Fault:
    """A linear creep of 0.1-1 % of the valid range an hour, up or down, until the end (fouling, ice, a sinking mount)."""
    s = series[(station, sensor)]
    rate = rng.uniform(0.001, 0.01) * s.span * rng.choice([-1.0, 1.0])
    after = s.t >= t0
    s.v[after] = np.clip(s.v[after] + rate * (s.t[after] - t0) / 3_600_000.0, s.lo, s.hi)
    return Fault(station, sensor, "drift", t0, end)


@fault("dead")
def dead(series: Store, station: str, sensor: str, t0: int, end: int, rng: np.random.Generator) -> Fault:
    """The sensor dies: its rows stop, or (half the time) the logger keeps writing NAN for it."""
    s = series[(station, sensor)]
    after = s.t >= t0
    if rng.random() < 0.5:
        s.keep &= ~after
    else:
        s.v[after] = np.nan
    return Fault(station, sensor, "dead", t0, end)


@fault("burst")
def burst(series: Store, station: str, sensor: str, t0: int, end: int, rng: np.random.Generator) -> Fault:
    """2-10 min of strong ground motion with no flow behind it (rockfall, a quake, a vehicle at the sensor):
    RMS jumps 20-300x its background and decays. A geophone-only false trigger detection must not believe."""
    s = series[(station, sensor)]
    dur = int(rng.uniform(2, 10)) * MIN_MS
    w = _window(s, t0, dur)
    base = float(np.nanmedian(s.v)) if np.isfinite(s.v).any() else 0.02
    decay = np.exp(-(s.t[w] - t0) / (dur / 3))
    s.v[w] = np.clip(s.v[w] + base * rng.uniform(20, 300) * decay * rng.lognormal(0, 0.3, int(w.sum())), s.lo, s.hi)
    return Fault(station, sensor, "burst", t0, min(t0 + dur, end))


def _silence(series: Store, station: str, t0: int, t1: int) -> None:
    for (st, _), s in series.items():
        if st == station:
            s.keep &= ~((s.t >= t0) & (s.t < t1))


@fault("battery_dropout")
def battery_dropout(series: Store, station: str, sensor: str, t0: int, end: int, rng: np.random.Generator) -> Fault:
    """The battery sags to 10.5-11.2 V over the hour before ``t0``; the station is then silent for 30-180 min."""
    dur = int(rng.uniform(30, 180)) * MIN_MS
    b = series.get((station, "battery"))
    if b is not None:
        low = rng.uniform(10.5, 11.2)
        ramp = (b.t >= t0 - 60 * MIN_MS) & (b.t < t0)
        frac = (b.t[ramp] - (t0 - 60 * MIN_MS)) / (60 * MIN_MS)
        b.v[ramp] = b.v[ramp] * (1 - frac) + low * frac
        b.v[(b.t >= t0) & (b.t < t0 + dur + 60 * MIN_MS)] = low + 0.8  # recharging after the outage
    _silence(series, station, t0, t0 + dur)
    return Fault(station, STATION, "battery_dropout", t0, min(t0 + dur, end))


@fault("destroyed")
def destroyed(series: Store, station: str, sensor: str, t0: int, end: int, rng: np.random.Generator) -> Fault:
    """The station is gone (taken by the flood it measures): nothing from ``t0`` to the end."""
    _silence(series, station, t0, end + 1)
    return Fault(station, STATION, "destroyed", t0, end)


def visit(series: Store, station: str, t0: int, end: int, rng: np.random.Generator) -> tuple[Fault, int]:
    """A technician at ``station`` for 15-120 min from ``t0`` (not a fault: the ``maintenance`` scenario's work, told to
    the system as a window). Its hazard sensor reads nonsense while handled (a transducer in the air, a radar pointed
    at the bank, a geophone knocked) or nothing (logger unplugged, half the time), and is re-mounted off its old
    datum: a lake level 0.05-0.9 m, a river stage 0.03-0.3 m, either way; a geophone's coupling 0.5-2x. Returns the
    record and the visit's end (ms)."""
    dur = int(rng.uniform(15, 120)) * MIN_MS
    t1 = min(t0 + dur, end)
    unplug = rng.random() < 0.5
    for (st, se), s in series.items():
        if st != station:
            continue
        inside = (s.t >= t0) & (s.t < t1)
        after = s.t >= t1
        if se == "water_level":
            s.v[inside] = rng.uniform(-3.0, -2.0) + rng.normal(0, 0.05, int(inside.sum()))
            s.v[after] += rng.choice([-1.0, 1.0]) * rng.uniform(0.05, 0.9)
        elif se == "stage":
            s.v[inside] = rng.choice([0.0, s.hi if np.isfinite(s.hi) else 10.0]) + rng.normal(0, 0.02, int(inside.sum()))
            s.v[after] += rng.choice([-1.0, 1.0]) * rng.uniform(0.03, 0.3)
        elif se == "ground_velocity":
            s.v[inside] = s.v[inside] * rng.uniform(20, 300, int(inside.sum()))  # handling it
            s.v[after] *= rng.uniform(0.5, 2.0)
        s.v = np.clip(s.v, s.lo, s.hi)
        if unplug:
            s.keep &= ~inside
    return Fault(station, STATION, "visit", t0, t1), t1


#: the fault kinds a ``fault`` scenario draws from, with the sensors each makes sense on (None = any)
DRAWABLE: dict[str, tuple[str, ...] | None] = {
    "spike": ("water_level", "ground_velocity", "stage", "precipitation"),
    "stuck": None,
    "gap": None,
    "drift": ("water_level", "stage", "air_temperature"),
    "dead": None,
    "battery_dropout": None,
}


def pick_sensor(site: Site, kind: str, rng: np.random.Generator, *, prefer_hazard: bool) -> tuple[str, str] | None:
    """A (station, sensor) fit for ``kind``; with ``prefer_hazard`` a lake/geophone/gauge sensor when there is one."""
    allowed = DRAWABLE.get(kind)
    pairs = [(st.id, se.id, st.kind) for st in site.stations for se in st.sensors
             if (allowed is None or se.id in allowed) and se.id != "battery"]
    if prefer_hazard:
        hz = [p for p in pairs if p[2] in ("lake", "geophone", "gauge")]
        pairs = hz or pairs
    if not pairs:
        return None
    st, se, _ = pairs[int(rng.integers(len(pairs)))]
    return st, se


def transport_noise(df: pd.DataFrame, rng: np.random.Generator, *, nan_share: float, dup_share: float,
                    late_share: float) -> tuple[pd.DataFrame, dict[str, int]]:
    """NAN values, duplicated rows and late rows, as data links deliver them.

    ``df`` is sorted by time (columns t_ms, station, sensor, value). Late rows are a run of one station's
    readings moved 10-60 min later in the file (a logger's backlog sent after an outage), so the file is
    out of time order there. Returns the new frame and the counts written to the truth.
    """
    n = len(df)
    v = df["value"].to_numpy(copy=True)
    nan_idx = rng.choice(n, size=int(nan_share * n), replace=False) if n else np.array([], dtype=int)
    nan_new = int(np.isfinite(v[nan_idx]).sum())
    v[nan_idx] = np.nan
    df = df.assign(value=v)
    dup_idx = np.sort(rng.choice(n, size=int(dup_share * n), replace=True)) if n else np.array([], dtype=int)
    order = np.concatenate([np.arange(n), dup_idx])
    key = np.concatenate([np.arange(n, dtype=float), dup_idx + 0.5])  # a duplicate follows its original
    late = 0
    if late_share > 0 and n:
        stations = df["station"].to_numpy()
        st = stations[int(rng.integers(n))]
        t = df["t_ms"].to_numpy()
        t0 = t[int(rng.integers(n))]
        run = np.flatnonzero((stations == st) & (t >= t0))[: max(1, int(late_share * n))]
        delay = rng.uniform(10, 60) * MIN_MS
        pos_after = np.searchsorted(t, t[run] + delay)  # where rows stamped ``delay`` later sit
        run_set = np.isin(order, run)
        key[run_set] = pos_after[np.searchsorted(run, order[run_set])] - 0.25
        late = len(run)
    out = df.iloc[order[np.argsort(key, kind="stable")]].reset_index(drop=True)
    return out, {"nan": nan_new, "duplicates": len(dup_idx), "late": late}
