"""Maintenance windows: a technician at a station, its readings not to be believed for a while.

A technician who re-mounts a lake's pressure transducer, cleans a gauge's radar or swaps a geophone makes
the sensor jump, go silent or read nonsense, and the new mounting may read a few decimetres off the old
one. Without a word to the system, that looks like a lake that fell and kept its fall (an evacuation at
the second reading) or a station that died. The duty officer (or the technician, by phone) opens a window
for the station or one of its sensors; detection then

- ignores the readings inside the window (they are still stored, as received),
- starts the sensor's history afresh after it (no change is measured across a window: a new mounting is a
  new datum),
- and does not count the station's silence inside the window (its silence counts from the window's end).

Every window has an end: a forgotten one must not blind a station for good (at most ``MAX_HOURS``); it can
be ended early or a new one opened. Opening and ending are audited (console API, ``glofwatch maintenance``).

Pure parts (``Window``, :func:`spans`) are used by detection; the rest reads and writes the ``maintenance``
table.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, insert, select, update

from glofwatch.clock import iso, ms, parse_iso
from glofwatch.errors import ConfigError
from glofwatch.site.model import Site
from glofwatch.store import tables as T

MAX_HOURS = 72.0  # the longest window: a station out for longer is out of service, not in maintenance
HOUR_MS = 3_600_000


@dataclass(frozen=True)
class Window:
    """One maintenance window: ``sensor`` None covers every sensor of ``station``; times in epoch ms, end exclusive."""

    station: str
    sensor: str | None
    start_ms: int
    end_ms: int
    reason: str = ""
    by: str = ""
    id: int | None = None
    ended_early: bool = False

    def covers(self, station: str, sensor: str) -> bool:
        return self.station == station and (self.sensor is None or self.sensor == sensor)

    def active(self, t_ms: int) -> bool:
        return self.start_ms <= t_ms < self.end_ms

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["start"], d["end"] = iso(self.start_ms), iso(self.end_ms)
        return d


def spans(windows: list[Window], station: str, sensor: str) -> np.ndarray:
    """The windows covering one sensor as an (n, 2) int64 array of [start, end) in ms, sorted, overlaps merged."""
    w = sorted((x.start_ms, x.end_ms) for x in windows if x.covers(station, sensor) and x.end_ms > x.start_ms)
    out: list[list[int]] = []
    for a, b in w:
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return np.array(out, dtype=np.int64).reshape(-1, 2)


def inside(t: np.ndarray, sp: np.ndarray) -> np.ndarray:
    """Whether each time of ``t`` lies in one of the spans (:func:`spans`)."""
    if len(sp) == 0 or len(t) == 0:
        return np.zeros(len(t), dtype=bool)
    j = np.searchsorted(sp[:, 0], t, side="right") - 1
    ok = j >= 0
    out = np.zeros(len(t), dtype=bool)
    out[ok] = t[ok] < sp[j[ok], 1]
    return out


def last_end(t: np.ndarray, sp: np.ndarray) -> np.ndarray:
    """Per time of ``t``, the end of the latest span that ended at or before it (int64 min where none): readings older
    than that are another mounting's."""
    out = np.full(len(t), np.iinfo(np.int64).min, dtype=np.int64)
    if len(sp) == 0 or len(t) == 0:
        return out
    ends = sp[:, 1]  # merged spans: ends sorted
    j = np.searchsorted(ends, t, side="right") - 1
    ok = j >= 0
    out[ok] = ends[j[ok]]
    return out


def check(site: Site, station: str, sensor: str | None, start_ms: int, end_ms: int) -> None:
    """Raise :class:`ConfigError` naming what is wrong with a window for ``site`` and how to put it right."""
    st = site.station_by_id.get(station)
    if st is None:
        raise ConfigError(f"no station {station!r} at site {site.id}; stations: {', '.join(sorted(site.station_by_id))}")
    if sensor is not None and st.sensor(sensor) is None:
        raise ConfigError(f"station {station} has no sensor {sensor!r}; its sensors: "
                          f"{', '.join(s.id for s in st.sensors)} (or leave the sensor out for the whole station)")
    if end_ms <= start_ms:
        raise ConfigError(f"maintenance of {station} ends ({iso(end_ms)}) before it starts ({iso(start_ms)})")
    if end_ms - start_ms > MAX_HOURS * HOUR_MS:
        raise ConfigError(f"maintenance of {station} for {(end_ms - start_ms) / HOUR_MS:.1f} h: at most {MAX_HOURS:.0f} h "
                          "at a time (a station out for longer is out of service; open a new window when this one ends)")


def read_csv(path: Path | str, site: Site) -> list[Window]:
    """Windows from a CSV with columns ``station, sensor, start, end`` (ISO times; ``sensor`` empty: the whole station)
    and optionally ``reason``: for replaying a period in which stations were worked on. Every bad row is named."""
    import pandas as pd

    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("station", "sensor", "start", "end") if c not in df.columns]
    if missing:
        raise ConfigError(f"maintenance file {path}: no column(s) {', '.join(missing)}; expected station,sensor,start,end"
                          f"[,reason] (it has {', '.join(df.columns)})")
    out, problems = [], []
    for i, r in enumerate(df.itertuples(index=False), start=2):
        try:
            a, b = (ms(parse_iso(x)) for x in (r.start, r.end))
            sensor = r.sensor.strip() or None
            check(site, r.station.strip(), sensor, a, b)
            out.append(Window(r.station.strip(), sensor, a, b, str(getattr(r, "reason", "") or "")))
        except (ConfigError, ValueError) as e:
            problems.append(f"line {i}: {e}")
    if problems:
        raise ConfigError(f"maintenance file {path}:\n" + "\n".join(f"  - {p}" for p in problems))
    return out


def _row(r: Any) -> Window:
    return Window(station=r.station, sensor=r.sensor, start_ms=int(r.start_ms), end_ms=int(r.end_ms), reason=r.reason,
                  by=r.username, id=int(r.id), ended_early=bool(r.ended_early))


def open_window(engine: Engine, site: Site, *, station: str, sensor: str | None, start_ms: int, end_ms: int,
                reason: str, by: str, now_ms: int) -> Window:
    """Store a new window (checked against the site) and return it with its id."""
    check(site, station, sensor, start_ms, end_ms)
    with engine.begin() as conn:
        pk = conn.execute(insert(T.maintenance).values(
            site=site.id, station=station, sensor=sensor, start_ms=start_ms, end_ms=end_ms, reason=reason,
            username=by, created_ms=now_ms, ended_early=False)).inserted_primary_key[0]  # type: ignore[index]
    return Window(station, sensor, start_ms, end_ms, reason, by, int(pk))


def end_window(engine: Engine, site: Site, window_id: int, *, now_ms: int) -> Window:
    """End a window now (it keeps its start; a window that has not begun ends at its start: it never applied)."""
    with engine.begin() as conn:
        r = conn.execute(select(T.maintenance).where(T.maintenance.c.id == window_id)
                         .where(T.maintenance.c.site == site.id)).first()
        if r is None:
            raise KeyError(f"no maintenance window {window_id} at site {site.id}")
        w = _row(r)
        if w.end_ms <= now_ms:
            raise ConfigError(f"maintenance window {window_id} of {w.station} already ended at {iso(w.end_ms)}")
        end = max(now_ms, w.start_ms)
        conn.execute(update(T.maintenance).where(T.maintenance.c.id == window_id).values(end_ms=end, ended_early=True))
    return Window(w.station, w.sensor, w.start_ms, end, w.reason, w.by, w.id, True)


def windows(engine: Engine, site_id: str, *, ending_after_ms: int | None = None, limit: int = 1000) -> list[Window]:
    """The site's windows (newest first), only those ending after ``ending_after_ms`` when given."""
    q = select(T.maintenance).where(T.maintenance.c.site == site_id)
    if ending_after_ms is not None:
        q = q.where(T.maintenance.c.end_ms > ending_after_ms)
    q = q.order_by(T.maintenance.c.id.desc()).limit(limit)
    with engine.connect() as conn:
        return [_row(r) for r in conn.execute(q)]
