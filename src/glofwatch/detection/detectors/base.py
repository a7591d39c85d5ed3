"""What a detector is: per-reading features of one sensor, computed causally, plus words for them.

A detector looks at **one sensor's** quality-controlled readings (irregular times, gaps, late rows
all normal) and returns, for every reading, a few numbers that only depend on that reading and the
readings before it within ``lookback_ms`` (so live, which keeps a bounded buffer, and replay, which
sees the whole file, compute the same numbers). The engine then takes, at each evaluation instant
(tick), the features of the newest reading at or before it (an *as-of* join) and hands them to the
fusion. :meth:`Detector.explain` turns the features at one tick into an :class:`Evidence` with a
score and a sentence an operator can act on; it runs only when a decision is made.

Detectors never assume a regular frequency: windows are time windows (pandas time-based rolling
windows, ``(t - w, t]``), not counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import bottleneck as bn
import numpy as np
import pandas as pd

from glofwatch.site.model import SensorSpec, Station


@dataclass(frozen=True)
class Evidence:
    """One detector's view at one instant.

    score: the detector's statistic in its own unit (``fires`` says whether it passed its threshold).
    text: why, in one line (station, what changed, by how much, since when).
    details: numbers for machines (``Decision.evidence``).
    onset_ms: when the change began, when the detector can tell (a change point).
    """

    detector: str
    station: str
    score: float
    fires: bool
    text: str
    details: dict[str, Any] = field(default_factory=dict)
    onset_ms: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"detector": self.detector, "station": self.station, "score": round(float(self.score), 4),
                "fires": self.fires, "text": self.text, **({"onset_ms": self.onset_ms} if self.onset_ms else {}),
                **self.details}


class Detector:
    """Base class of the per-sensor detectors (one subclass a file under ``detection/detectors``).

    Subclasses set ``name``, ``sensors`` (sensor ids or standard names they read), ``kinds`` (station
    kinds, empty for any), ``lookback_ms`` and ``features`` (names of the per-reading outputs), and
    implement :meth:`compute` and :meth:`explain`.
    """

    name: ClassVar[str] = ""
    sensors: ClassVar[tuple[str, ...]] = ()
    kinds: ClassVar[tuple[str, ...]] = ()
    lookback_ms: ClassVar[int] = 3_600_000
    features: ClassVar[tuple[str, ...]] = ()

    def applies(self, station: Station, sensor: SensorSpec) -> bool:
        if self.kinds and station.kind not in self.kinds:
            return False
        return sensor.id in self.sensors or (sensor.standard_name or "") in self.sensors

    def compute(self, t_ms: np.ndarray, value: np.ndarray, station: Station, sensor: SensorSpec) -> dict[str, np.ndarray]:
        """Per-reading features over usable readings in time order (unique times). Causal, window-bounded."""
        raise NotImplementedError

    def explain(self, station: Station, sensor: SensorSpec, feats: dict[str, float], tick_ms: int,
                series: tuple[np.ndarray, np.ndarray]) -> Evidence:
        """Evidence at ``tick_ms`` from the as-of features (and the usable series up to the tick, for details)."""
        raise NotImplementedError


def rolling(t_ms: np.ndarray, value: np.ndarray, window_ms: int) -> Any:
    """A pandas time-based rolling window ``(t - window, t]`` over an irregular series."""
    idx = pd.DatetimeIndex(np.asarray(t_ms, dtype=np.int64).astype("datetime64[ms]"))  # no parsing: a view
    return pd.Series(value, index=idx, copy=False).rolling(f"{int(window_ms)}ms")


def windowed(t_ms: np.ndarray, value: np.ndarray, window_ms: int, stat: str) -> np.ndarray:
    """``rolling(t_ms, value, window_ms)`` reduced by ``stat`` (``"median"``, ``"max"`` or ``"min"``), as an array.

    A logger reports at a fixed interval, with readings missing here and there: its readings sit on a grid of that
    interval. Laid on the grid (missing slots NaN), the window ``(t - window, t]`` is a fixed number of slots, and
    bottleneck's moving-window functions, which skip NaN, give the same values as pandas' time-based rolling about 5x
    faster (pandas' skip list serves any spacing; the replay spent a sixth of its time in these windows). Series off any
    grid (or with gaps that would make it over GRID_SPARSE times longer) go through pandas. Order statistics, so exactly
    the same numbers; sums are left to pandas (a running sum's rounding would make an exact 0 of rain a 1e-16)."""
    t = np.asarray(t_ms, dtype=np.int64)
    n = len(t)
    if n >= 2:
        d = np.diff(t)
        step = int(d.min())
        if step > 0 and not (d % step).any():
            slot = (t - t[0]) // step
            m = int(slot[-1]) + 1
            if m <= GRID_SPARSE * n:
                grid = np.full(m, np.nan)
                grid[slot] = value
                return _MOVING[stat](grid, min(m, -(-int(window_ms) // step)), min_count=1)[slot]
    return getattr(rolling(t, value, window_ms), stat)().to_numpy()


GRID_SPARSE = 4
_MOVING = {"median": bn.move_median, "max": bn.move_max, "min": bn.move_min}


def last_n_min(x: np.ndarray, k: int, fill: float | bool) -> np.ndarray:
    """The lowest of each reading's value and the k-1 before it (``fill`` standing in for readings before the first):
    a condition that held k readings in a row, for booleans."""
    n = len(x)
    out = x.copy()
    for j in range(1, k):
        out = np.minimum(out, np.r_[np.full(min(j, n), fill, dtype=x.dtype), x[:-j]][:n])
    return out


def identical_run(v: np.ndarray) -> np.ndarray:
    """How many readings in a row, ending at each one, hold exactly its value (1 for a reading unlike the one before).
    A live sensor's noise never repeats a value to the last digit for long; a stuck channel does."""
    n = len(v)
    same = np.r_[False, v[1:] == v[:-1]] if n else np.zeros(0, dtype=bool)
    start = np.maximum.accumulate(np.where(same, 0, np.arange(n))) if n else np.zeros(0, dtype=int)
    return np.arange(n) - start + 1


def follows_stuck(v: np.ndarray, n: int) -> np.ndarray:
    """True at each reading that follows ``n`` or more identical readings (:func:`identical_run`): a stuck channel that
    comes back catches up with the quantity in one step, which is no movement of it."""
    return np.r_[False, identical_run(v)[:-1] >= n][:len(v)] if len(v) else np.zeros(0, dtype=bool)


def hourly_medians(t_ms: np.ndarray, value: np.ndarray, hours: int, window_ms: int) -> list[np.ndarray]:
    """The ``window_ms`` rolling median now and as of 1..``hours`` hours before each reading (index 0 = now), NaN
    where that window would start before the series does (too short a record says nothing about a trend)."""
    t = np.asarray(t_ms, dtype=np.int64)
    if len(t) == 0:
        return [np.zeros(0) for _ in range(hours + 1)]
    med = windowed(t, value, window_ms, "median")
    out = [med]
    for h in range(1, hours + 1):
        j = np.searchsorted(t, t - h * 3_600_000, side="right") - 1
        jj = np.clip(j, 0, None)
        out.append(np.where((j >= 0) & (t[jj] - window_ms >= t[0]), med[jj], np.nan))
    return out


def hhmm(t_ms: int) -> str:
    return pd.Timestamp(int(t_ms), unit="ms", tz="UTC").strftime("%H:%M")
