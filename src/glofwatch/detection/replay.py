"""Replay recorded telemetry in event time through the live detection code (DESIGN.md §3).

:func:`replay_frame` takes a long-form frame (``time, station, sensor, value``) exactly as loggers
and the simulator write it, with everything field data carries: NAN or empty values, duplicated
rows, rows out of order, unknown stations or sensors, unparseable times, spikes, gaps, dead
sensors. It keeps what ingest would store (first copy of a duplicate, numbers only, known sensors),
runs the same QC (:func:`glofwatch.telemetry.qc.check_series`) per sensor, and hands the series to
the :class:`~glofwatch.detection.engine.Engine` the live listener uses. Vectorised per sensor: no
per-row Python.

A replay has no wall clock: timestamps implausibly far after the rest of the file (a lone row more
than a week after the others, like a logger with a reset clock) are flagged ``future`` and ignored,
so one bad row cannot stretch the replay over years.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from glofwatch.detection.decision import Decision
from glofwatch.detection.engine import Engine, ceil_ticks, threads_for
from glofwatch.site.model import Site
from glofwatch.telemetry.batch import SiteIndex
from glofwatch.telemetry.maintenance import Window
from glofwatch.telemetry.qc import Flag, time_limits

LONE_GAP_MS = 7 * 86_400_000


def _arrow_cast(col: pd.Series, to: pa.DataType) -> np.ndarray | None:
    """Arrow's own cast of an Arrow-backed text column (pandas 3's default ``str``), or None to fall back.

    Why not pandas: ``astype("float64")`` and ``to_datetime`` on Arrow-backed strings first copy every
    string out to Python objects (~0.1 s each per 500k rows); ``pyarrow.compute.cast`` parses in C++
    (numbers with fast_float, correctly rounded like Python's ``float``; ISO 8601 times with a ``Z`` or
    an offset, up to milliseconds) ten times faster. It is all-or-nothing and strict: any string it
    does not take (no zone, more than ms precision, empty, junk) makes it raise, and the caller then
    takes the forgiving pandas path, so the numbers are the same either way.
    """
    if getattr(col.dtype, "storage", None) != "pyarrow" and not isinstance(col.dtype, pd.ArrowDtype):
        return None
    try:
        return pc.cast(pa.array(col.array), to).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, TypeError):
        return None


def _times(col: pd.Series) -> np.ndarray:
    """Epoch ms of a time column (ISO strings or datetimes); BAD (int64 min) where it does not parse."""
    if pd.api.types.is_integer_dtype(col.dtype):
        return col.to_numpy(dtype=np.int64)
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        ts = col if getattr(col.dtype, "tz", None) is not None else col.dt.tz_localize("UTC")
    else:  # many rows share a timestamp: parse each distinct string once
        fast = _arrow_cast(col, pa.timestamp("ms", tz="UTC"))
        if fast is not None:
            return fast.astype("datetime64[ms]").astype(np.int64)  # nulls come back as NaT == BAD
        codes, uniq = pd.factorize(col, use_na_sentinel=True)
        parsed = pd.to_datetime(pd.Series(uniq), utc=True, format="ISO8601", errors="coerce")
        u = parsed.to_numpy(dtype="datetime64[ms]").astype(np.int64)
        out = np.where(codes >= 0, u[np.clip(codes, 0, None)] if len(u) else np.iinfo(np.int64).min,
                       np.iinfo(np.int64).min)
        return out.astype(np.int64)
    out = ts.to_numpy(dtype="datetime64[ms]").astype(np.int64)
    return out


def _values(col: pd.Series) -> np.ndarray:
    if pd.api.types.is_float_dtype(col.dtype) or pd.api.types.is_integer_dtype(col.dtype):
        return col.to_numpy(dtype=np.float64)
    fast = _arrow_cast(col, pa.float64())
    if fast is not None:
        return fast.astype(np.float64)
    try:  # numbers and NAN as text: a plain cast is many times faster than to_numeric
        return col.astype("float64").to_numpy(dtype=np.float64)
    except (ValueError, TypeError):
        pass
    try:  # empty values (loggers write them for missing ones)
        return col.replace("", "nan").astype("float64").to_numpy(dtype=np.float64)
    except (ValueError, TypeError):  # junk: the slow, forgiving path
        return pd.to_numeric(col, errors="coerce").to_numpy(dtype=np.float64)


def replay_now(t_ms: np.ndarray) -> int:
    """The replay's 'now': the newest time, unless a few lone rows sit more than a week after the rest."""
    u = np.sort(t_ms)
    if len(u) == 0:
        return 0
    gaps = np.flatnonzero(np.diff(u) > LONE_GAP_MS)
    for g in gaps.tolist():
        if len(u) - g - 1 <= max(10, len(u) // 1000):
            return int(u[g])
    return int(u[-1])


def prepare(site: Site, telemetry: pd.DataFrame, index: SiteIndex | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sensor key, t ms, value) of the rows ingest would store, sorted by (key, time), duplicates dropped."""
    index = index or SiteIndex(site)
    for c in ("time", "station", "sensor", "value"):
        if c not in telemetry.columns:
            raise ValueError(f"telemetry frame has no column {c!r}; expected time, station, sensor, value "
                             f"(it has {', '.join(map(str, telemetry.columns))})")
    t = _times(telemetry["time"])
    v = _values(telemetry["value"])
    sc, suniq = pd.factorize(telemetry["station"], use_na_sentinel=True)
    ec, euniq = pd.factorize(telemetry["sensor"], use_na_sentinel=True)
    ne = max(len(euniq), 1)
    lut = np.full(max(len(suniq), 1) * ne, -1, dtype=np.int64)
    for i, st in enumerate(list(suniq)):
        for j, se in enumerate(list(euniq)):
            k = index.key_of.get((str(st), str(se)))
            if k is not None:
                lut[i * ne + j] = k
    key = np.where((sc >= 0) & (ec >= 0), lut[np.clip(sc, 0, None) * ne + np.clip(ec, 0, None)], -1)
    ok = (key >= 0) & np.isfinite(v) & (t != np.iinfo(np.int64).min)
    key, t, v = key[ok], t[ok], v[ok]
    if len(t) and key.max() < 2**15 and bool((t[1:] >= t[:-1]).all()):
        # the usual file, already in time order: a stable sort by key alone gives the same order as the
        # lexsort below, and numpy radix-sorts 16-bit keys (~3x faster than lexsort on 500k rows)
        o = np.argsort(key.astype(np.int16), kind="stable")
    else:
        o = np.lexsort((t, key))  # stable: the first copy of a duplicate (in file order) comes first
    key, t, v = key[o], t[o], v[o]
    first = np.ones(len(key), dtype=bool)
    first[1:] = (key[1:] != key[:-1]) | (t[1:] != t[:-1])
    return key[first], t[first], v[first]


def load_engine(site: Site, telemetry: pd.DataFrame, *, detector: str = "fusion", model: Any = None,
                maintenance: list[Window] | None = None) -> tuple[Engine, np.ndarray]:
    """An engine holding the whole QC'd file, and the ticks to evaluate (for replay and training). ``maintenance``: the
    windows in which stations were being worked on (:mod:`glofwatch.telemetry.maintenance`)."""
    eng = Engine(site, detector=detector, model=model)
    eng.set_maintenance(maintenance or [])
    key, t, v = prepare(site, telemetry, eng.index)
    limits = time_limits(replay_now(t), live=False)
    from glofwatch.telemetry.qc import check_series

    bounds = np.flatnonzero(np.r_[True, key[1:] != key[:-1], True]) if len(key) else np.array([0])
    runs = list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
    for a, _ in runs:  # the sensors' states in the file's key order (the engine's station lists follow it)
        eng.state(int(key[a]))

    def load(run: tuple[int, int]) -> np.ndarray:
        a, b = run
        k = int(key[a])
        spec = eng.index.specs[k]
        assert spec is not None
        flags = check_series(t[a:b], v[a:b], spec, limits)
        eng.load(k, t[a:b], v[a:b], flags)
        return t[a:b][(flags & (Flag.FUTURE | Flag.PAST)) == 0]

    # each sensor's QC and detector features are its own numpy work: threads use the machine's cores
    with ThreadPoolExecutor(max_workers=threads_for(len(runs))) as pool:
        seen = list(pool.map(load, runs))
    ticks = np.sort(pd.unique(ceil_ticks(np.concatenate(seen)))) if seen else np.array([], dtype=np.int64)
    return eng, ticks


def replay_frame(site: Site, telemetry: pd.DataFrame, *, detector: str = "fusion", model: Any = None,
                 maintenance: list[Window] | None = None) -> list[Decision]:
    """Decisions for recorded telemetry, in event time, through the live path's engine.

    ``detector``: ``fusion`` (the shipped learned model, or ``model``) or ``thresholds`` (the baseline);
    ``maintenance``: the stations' maintenance windows in that time.
    """
    eng, ticks = load_engine(site, telemetry, detector=detector, model=model, maintenance=maintenance)
    return eng.evaluate(ticks)


def read_telemetry_csv(path: Path | str) -> pd.DataFrame:
    """A long-form telemetry CSV as strings (pyarrow engine when available); values parsed by replay."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, engine="pyarrow")
    except (ImportError, ValueError):
        return pd.read_csv(path, dtype=str, keep_default_na=False)


def write_alerts(decisions: list[Decision], out: Path | str) -> Path:
    """One JSON alert a line (``time, level, hazard, zones, lake``, explanation, arrivals, probability...)."""
    p = Path(out)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(b"".join(orjson.dumps(d.to_dict()) + b"\n" for d in decisions))
    return p
