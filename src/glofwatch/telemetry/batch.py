"""Readings in columns, and the one validation path every source goes through.

A source (CSV file, TOA5 logger file, SenML message, HTTP body) turns its input into an
:class:`Incoming` batch: parallel arrays of station, sensor, time, value, plus where each row came
from. :func:`validate` resolves station and sensor against the site, and sorts the rows into
valid readings, missing values (``NAN`` / empty) and rejections with reasons. Storage and QC then
work on the valid readings only. Nothing here does I/O.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from glofwatch.site.model import Site

BAD_TIME = np.iinfo(np.int64).min

MAX_REJECTIONS_LISTED = 1000


@dataclass
class Incoming:
    """Rows as a source parsed them. ``t_ms`` is BAD_TIME where the time did not parse; ``value`` is
    NaN where missing or non-numeric (``missing`` / ``bad_value`` say which); ``problem`` holds a
    source-specific reason (e.g. wrong unit) or ``None``."""

    station: np.ndarray  # object (str)
    sensor: np.ndarray  # object (str)
    t_ms: np.ndarray  # int64
    value: np.ndarray  # float64
    missing: np.ndarray  # bool
    bad_value: np.ndarray  # bool
    where: Callable[[int], str]  # row index -> "file.csv line 12" / "topic glofwatch/x/y record 3"
    raw_time: Callable[[int], str] = lambda i: "?"
    raw_value: Callable[[int], str] = lambda i: "?"
    problem: list[str | None] | None = None
    unit: np.ndarray | None = None  # object: the unit each row declares (SenML ``u``), or None

    def __len__(self) -> int:
        return len(self.value)

    @classmethod
    def empty(cls) -> Incoming:
        e = np.array([], dtype=object)
        return cls(e, e, np.array([], dtype=np.int64), np.array([], dtype=np.float64),
                   np.array([], dtype=bool), np.array([], dtype=bool), where=lambda i: "?")


@dataclass
class Readings:
    """Valid readings ready for QC and storage (parallel arrays)."""

    sensor_key: np.ndarray  # int64 index into Site.sensor_keys()
    t_ms: np.ndarray  # int64
    value: np.ndarray  # float64

    def __len__(self) -> int:
        return len(self.value)


@dataclass
class Rejection:
    where: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"where": self.where, "reason": self.reason}


@dataclass
class IngestReport:
    """What an ingest did. ``accepted``: new readings stored; ``duplicates``: readings already stored
    (or repeated in the input); ``missing``: NAN/empty values; ``rejected``: rows refused, each with
    where and why in ``rejections`` (the first MAX_REJECTIONS_LISTED)."""

    accepted: int = 0
    duplicates: int = 0
    missing: int = 0
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    flagged: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)  # things worth knowing that are not errors (gaps...)
    sources: list[str] = field(default_factory=list)
    first_ms: int | None = None
    last_ms: int | None = None
    stations: set[str] = field(default_factory=set)

    def reject(self, where: str, reason: str, count: int = 1) -> None:
        self.rejected += count
        if len(self.rejections) < MAX_REJECTIONS_LISTED:
            self.rejections.append(Rejection(where, reason))

    def merge(self, other: IngestReport) -> IngestReport:
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.missing += other.missing
        self.rejected += other.rejected
        room = MAX_REJECTIONS_LISTED - len(self.rejections)
        self.rejections += other.rejections[: max(room, 0)]
        self.flagged.update(other.flagged)
        self.notes += other.notes
        self.sources += other.sources
        self.stations |= other.stations
        for t in (other.first_ms,):
            if t is not None:
                self.first_ms = t if self.first_ms is None else min(self.first_ms, t)
        for t in (other.last_ms,):
            if t is not None:
                self.last_ms = t if self.last_ms is None else max(self.last_ms, t)
        return self

    @property
    def status(self) -> str:
        """``ok`` when nothing was refused, ``partial`` when some rows were, ``failed`` when none stored."""
        if self.rejected == 0:
            return "ok"
        return "partial" if (self.accepted + self.duplicates + self.missing) else "failed"

    def as_dict(self) -> dict[str, Any]:
        from glofwatch.clock import iso

        return {
            "status": self.status,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "missing": self.missing,
            "rejected": self.rejected,
            "rejections": [r.as_dict() for r in self.rejections],
            "rejections_listed": len(self.rejections),
            "flagged": dict(self.flagged),
            "notes": self.notes,
            "sources": self.sources,
            "stations": sorted(self.stations),
            "first": iso(self.first_ms) if self.first_ms is not None else None,
            "last": iso(self.last_ms) if self.last_ms is not None else None,
        }


class SiteIndex:
    """Fast lookup of (station, sensor) -> sensor key for one site."""

    def __init__(self, site: Site):
        self.site = site
        self.keys = site.sensor_keys()
        self.key_of = {k: i for i, k in enumerate(self.keys)}
        self.specs = [site.station_by_id[st].sensor(se) for st, se in self.keys]
        self.station_names = sorted(site.station_by_id)

    def unknown_reason(self, station: str, sensor: str) -> str:
        st = self.site.station(station)
        if st is None:
            close = difflib.get_close_matches(station, self.station_names, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            return f"unknown station '{station}'{hint} (site {self.site.id} has {', '.join(self.station_names)})"
        known = sorted(st.sensor_ids)
        close = difflib.get_close_matches(sensor, known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"station '{station}' has no sensor '{sensor}'{hint} (it has {', '.join(known)})"


def validate(inc: Incoming, index: SiteIndex, report: IngestReport,
             allowed_station: str | None = None) -> tuple[Readings, np.ndarray]:
    """Sort ``inc`` into valid readings, missing values and rejections (recorded in ``report``).

    ``allowed_station`` restricts the rows to one station (an HTTP token is bound to one).
    Returns the valid readings and a mask of the rows that prove their station alive (a known
    station with a readable time, valid or missing value), for liveness.
    """
    n = len(inc)
    if n == 0:
        return Readings(np.array([], np.int64), np.array([], np.int64), np.array([], np.float64)), np.array([], bool)
    # resolve (station, sensor) pairs once per distinct pair, not per row
    sc, suniq = pd.factorize(inc.station)
    ec, euniq = pd.factorize(inc.sensor)
    inverse, ucombo = pd.factorize(sc.astype(np.int64) * max(len(euniq), 1) + ec)
    ukey = np.full(len(ucombo), -1, dtype=np.int64)
    ureason: dict[int, str] = {}
    for j, c in enumerate(ucombo.tolist()):
        st, se = str(suniq[c // max(len(euniq), 1)]), str(euniq[c % max(len(euniq), 1)])
        if allowed_station is not None and st != allowed_station:
            ureason[j] = f"station '{st}' does not match this token's station '{allowed_station}'"
            continue
        k = index.key_of.get((st, se))
        if k is None:
            ureason[j] = index.unknown_reason(st, se)
        else:
            ukey[j] = k
    key = ukey[inverse]
    if inc.unit is not None:
        _check_units(inc, key, index)
    bad_time = inc.t_ms == BAD_TIME
    bad = (key < 0) | bad_time | inc.bad_value
    if inc.problem is not None:
        prob = np.array([p is not None for p in inc.problem], dtype=bool)
        bad |= prob
    else:
        prob = None
    for i in np.flatnonzero(bad).tolist():
        if key[i] < 0:
            reason = ureason[int(inverse[i])]
        elif bad_time[i]:
            reason = f"time '{inc.raw_time(i)}' is not an ISO 8601 timestamp (like 2025-07-27T07:35:00Z)"
        elif prob is not None and prob[i]:
            reason = str(inc.problem[i])  # type: ignore[index]
        else:
            reason = f"value '{inc.raw_value(i)}' is not a number (write NAN or leave empty for a missing value)"
        report.reject(inc.where(i), reason)
    alive = ~((key < 0) | bad_time)
    miss = inc.missing & ~bad
    report.missing += int(miss.sum())
    ok = ~bad & ~inc.missing
    readings = Readings(key[ok], inc.t_ms[ok], inc.value[ok])
    return readings, alive


def _check_units(inc: Incoming, key: np.ndarray, index: SiteIndex) -> None:
    """Rows that declare a unit other than their sensor's get a problem (we never guess conversions)."""
    from glofwatch.units import same_unit

    assert inc.unit is not None
    probs = list(inc.problem) if inc.problem is not None else [None] * len(inc)
    seen: dict[tuple[int, str], str | None] = {}
    for i in np.flatnonzero(inc.unit != None).tolist():  # noqa: E711 - elementwise on an object array
        k = int(key[i])
        if k < 0:
            continue
        u = str(inc.unit[i])
        if (k, u) not in seen:
            spec = index.specs[k]
            ok = spec is None or same_unit(u, spec.unit)
            seen[(k, u)] = None if ok else (
                f"unit '{u}' does not match sensor {index.keys[k][0]}/{index.keys[k][1]} unit '{spec.unit}'"
                " (glofwatch does not convert units: send the sensor's unit)"
            )
        if seen[(k, u)] is not None and probs[i] is None:
            probs[i] = seen[(k, u)]
    inc.problem = probs
