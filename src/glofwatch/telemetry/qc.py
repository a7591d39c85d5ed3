"""Quality control of readings: flags that say why a value is doubtful, never deletions.

Pure functions over numpy arrays of one sensor's readings in time order. The checks (after
Delft-FEWS validation rules and the WMO guidance on AWS quality control):

========  ======  ==============================================================  =========
flag      bit     meaning                                                         quality
========  ======  ==============================================================  =========
range     1       outside the sensor's ``valid`` range from the site file          bad
spike     2       jumps away from *both* neighbours (3-point test) by > ``spike``  suspect
flat      4       ``flat_n`` identical values in a row: a stuck sensor             suspect
rate      8       changes faster than ``max_rate_per_h`` since the last good value suspect
future    16      timestamp more than ``future_tolerance`` ahead of now           bad
past      32      timestamp before ``earliest`` or, live, older than ``max_age``   bad
========  ======  ==============================================================  =========

Detectors use ``good`` and ``suspect`` values with care and never ``bad`` ones. A spike can only
be judged once the next reading exists: the check re-runs over the previous readings of a sensor
(the "context") and may add the flag to a reading stored earlier.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntFlag

import numpy as np

from glofwatch.site.model import QCSpec, SensorSpec


class Flag(IntFlag):
    RANGE = 1
    SPIKE = 2
    FLAT = 4
    RATE = 8
    FUTURE = 16
    PAST = 32


BAD = Flag.RANGE | Flag.FUTURE | Flag.PAST
SUSPECT = Flag.SPIKE | Flag.FLAT | Flag.RATE


def flag_names(flags: int) -> list[str]:
    """``["range", "spike"]`` for a flag mask."""
    return [f.name.lower() for f in Flag if flags & f]  # type: ignore[union-attr]


def quality(flags: int) -> str:
    """``good``, ``suspect`` or ``bad`` for a flag mask."""
    if flags & BAD:
        return "bad"
    if flags & SUSPECT:
        return "suspect"
    return "good"


# Defaults by quantity, used where the site file gives no ``qc`` for a sensor. A debris-flow
# geophone's surges and an outburst's level drop are what we watch for: no spike test on
# ground_velocity, and lake-level rate limits far above a real outburst's drawdown (metres/hour).
DEFAULT_QC: dict[str, QCSpec] = {
    "water_level": QCSpec(spike=0.5, max_rate_per_h=30.0, flat_n=36),
    "stage": QCSpec(spike=1.0, max_rate_per_h=20.0, flat_n=36),
    "air_temperature": QCSpec(spike=8.0, max_rate_per_h=15.0, flat_n=18),
    "water_temperature": QCSpec(spike=5.0),
    "relative_humidity": QCSpec(spike=50.0),
    "snow_depth": QCSpec(spike=0.5),
    "ground_velocity": QCSpec(flat_n=30),
    "air_pressure": QCSpec(spike=10.0, max_rate_per_h=10.0, flat_n=36),
}


def qc_spec(sensor: SensorSpec) -> QCSpec:
    if sensor.qc is not None:
        return sensor.qc
    return DEFAULT_QC.get(sensor.id) or DEFAULT_QC.get(sensor.standard_name or "", QCSpec())


@dataclass(frozen=True)
class TimeLimits:
    """Bounds on believable timestamps, in epoch ms. ``min_ms``: earliest accepted time."""

    now_ms: int
    min_ms: int
    future_tolerance_ms: int = 5 * 60_000


EARLIEST_MS = 946_684_800_000  # 2000-01-01T00:00:00Z: older timestamps are a reset logger clock
DEFAULT_MAX_AGE_MS = 30 * 86_400_000  # live data older than 30 days is suspicious


def time_limits(now_ms: int, *, live: bool, max_age_ms: int = DEFAULT_MAX_AGE_MS) -> TimeLimits:
    """Limits for live ingest (reject the far past relative to now) or files (only a reset clock)."""
    return TimeLimits(now_ms=now_ms, min_ms=max(EARLIEST_MS, now_ms - max_age_ms) if live else EARLIEST_MS)


def check_series(
    t_ms: np.ndarray,
    values: np.ndarray,
    sensor: SensorSpec,
    limits: TimeLimits,
    prior_flags: np.ndarray | None = None,
) -> np.ndarray:
    """Flags for one sensor's readings, sorted by time (context first, new readings after).

    ``prior_flags`` holds flags already known (of context readings): time flags are kept from them.
    Returns an int32 array of flag masks.
    """
    n = len(values)
    flags = np.zeros(n, dtype=np.int32) if prior_flags is None else prior_flags.astype(np.int32).copy()
    if n == 0:
        return flags
    if sensor.valid is not None:
        lo, hi = sensor.valid
        flags[(values < lo) | (values > hi)] |= Flag.RANGE
    flags[t_ms > limits.now_ms + limits.future_tolerance_ms] |= Flag.FUTURE
    flags[t_ms < limits.min_ms] |= Flag.PAST
    spec = qc_spec(sensor)
    usable = (flags & BAD) == 0
    idx = np.flatnonzero(usable)
    if spec.spike is not None and len(idx) >= 3:
        v = values[idx]
        prev, cur, nxt = v[:-2], v[1:-1], v[2:]
        score = np.abs(cur - (prev + nxt) / 2.0) - np.abs(nxt - prev) / 2.0
        hit = idx[1:-1][score > spec.spike]
        flags[hit] |= Flag.SPIKE
    if spec.flat_n is not None and len(idx) >= spec.flat_n:
        v = values[idx]
        change = np.empty(len(v), dtype=bool)
        change[0] = True
        change[1:] = v[1:] != v[:-1]
        run_start = np.maximum.accumulate(np.where(change, np.arange(len(v)), 0))
        pos = np.arange(len(v)) - run_start
        flags[idx[pos >= spec.flat_n - 1]] |= Flag.FLAT
    if spec.max_rate_per_h is not None:
        ok = np.flatnonzero((flags & (BAD | Flag.SPIKE)) == 0)
        if len(ok) >= 2:
            dv = np.abs(np.diff(values[ok]))
            dt_h = np.diff(t_ms[ok]) / 3_600_000.0
            with np.errstate(divide="ignore", invalid="ignore"):
                rate = np.where(dt_h > 0, dv / dt_h, 0.0)
            # a jump over a long gap is not a rate: compare only readings at most an hour apart
            fast = (rate > spec.max_rate_per_h) & (dv > 0) & (dt_h <= 1.0)
            flags[ok[1:][fast]] |= Flag.RATE
    return flags
