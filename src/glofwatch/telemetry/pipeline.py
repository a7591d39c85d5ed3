"""Source -> parse -> validate -> QC -> store, the same for files, MQTT and HTTP.

:class:`Ingestor` holds the site and the store; each entry point returns an
:class:`~glofwatch.telemetry.batch.IngestReport` and never raises on bad rows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from glofwatch.clock import Clock, SystemClock, ms
from glofwatch.errors import ParseError
from glofwatch.site.model import Site
from glofwatch.store.observations import Store
from glofwatch.telemetry.batch import Incoming, IngestReport, SiteIndex, validate
from glofwatch.telemetry.qc import time_limits
from glofwatch.telemetry.senml import SenMLError, parse_pack
from glofwatch.telemetry.sources.csv_long import read_long_csv
from glofwatch.telemetry.sources.toa5 import is_toa5, read_toa5


@dataclass(frozen=True)
class StoredBatch:
    """Readings just stored, handed to listeners (live detection). ``keys[i]`` is (station, sensor)."""

    site: Site
    index: SiteIndex
    sensor_key: np.ndarray  # int64 index into index.keys
    t_ms: np.ndarray
    value: np.ndarray
    flags: np.ndarray
    received_ms: int


Listener = Callable[[StoredBatch], None]

log = logging.getLogger(__name__)


class Ingestor:
    """Validates, QCs and stores readings of one site; tells ``listeners`` what was stored.

    A listener that raises is logged and does not stop ingest (readings are already committed).
    """

    def __init__(self, site: Site, store: Store, *, clock: Clock | None = None,
                 listeners: list[Listener] | None = None):
        self.site = site
        self.store = store
        self.clock = clock or SystemClock()
        self.index = SiteIndex(site)
        self.listeners: list[Listener] = list(listeners or [])

    # -- core -----------------------------------------------------------------------------
    def ingest(self, blocks: Iterable[Incoming], report: IngestReport, *, live: bool,
               allowed_station: str | None = None) -> IngestReport:
        """Validate, QC and store blocks of incoming rows; fills and returns ``report``."""
        now_ms = ms(self.clock.now())
        limits = time_limits(now_ms, live=live)
        for inc in blocks:
            readings, alive_mask = validate(inc, self.index, report, allowed_station=allowed_station)
            alive: dict[str, int] = {}
            if alive_mask.any():
                s = pd.Series(inc.t_ms[alive_mask]).groupby(inc.station[alive_mask]).max()
                # future timestamps do not prove a station alive now
                alive = {str(k): int(min(v, now_ms)) for k, v in s.items() if k in self.site.station_by_id}
                report.stations |= set(alive)
            res = self.store.append(self.index, readings, received_ms=now_ms, limits=limits, alive=alive)
            report.accepted += res.accepted
            if self.listeners and res.stored is not None and len(res.stored):
                self._notify(StoredBatch(self.site, self.index, res.stored.sensor_key, res.stored.t_ms,
                                         res.stored.value, res.stored_flags, now_ms))  # type: ignore[arg-type]
            report.duplicates += res.duplicates
            if res.flagged:
                report.flagged.update(res.flagged)
            if len(readings):
                lo, hi = int(readings.t_ms.min()), int(readings.t_ms.max())
                report.first_ms = lo if report.first_ms is None else min(report.first_ms, lo)
                report.last_ms = hi if report.last_ms is None else max(report.last_ms, hi)
        return report

    def _notify(self, batch: StoredBatch) -> None:
        for listener in self.listeners:
            try:
                listener(batch)
            except Exception:  # noqa: BLE001 - a listener bug must not lose the next readings
                log.exception("listener %r failed on a batch of %d readings", listener, len(batch.t_ms))

    # -- entry points ---------------------------------------------------------------------
    def ingest_file(self, path: Path, *, station: str | None = None) -> IngestReport:
        """A long-form telemetry CSV or a Campbell TOA5 file (recognised by its first line)."""
        report = IngestReport(sources=[str(path)])
        try:
            blocks = read_toa5(path, self.site, report, station_id=station) if is_toa5(path) \
                else read_long_csv(path, report)
            self.ingest(blocks, report, live=False)
        except ParseError as e:
            report.reject(str(path), str(e))
        except OSError as e:
            report.reject(str(path), f"cannot read: {e.strerror or e}")
        return report

    def ingest_csv_bytes(self, body: bytes, *, where: str, station: str | None) -> IngestReport:
        report = IngestReport(sources=[where])
        try:
            self.ingest(read_long_csv(body, report, name=where), report, live=True, allowed_station=station)
        except ParseError as e:
            report.reject(where, str(e))
        return report

    def parse_senml(self, payload: bytes, *, station: str | None, where: str, report: IngestReport) -> Incoming | None:
        try:
            return parse_pack(payload, station=station, now_ms=ms(self.clock.now()), where=where)
        except SenMLError as e:
            report.reject(where, str(e))
            return None

    def ingest_senml(self, payload: bytes, *, station: str | None, where: str,
                     allowed_station: str | None = None) -> IngestReport:
        report = IngestReport(sources=[where])
        inc = self.parse_senml(payload, station=station, where=where, report=report)
        if inc is not None:
            self.ingest([inc], report, live=True, allowed_station=allowed_station)
        return report


def concat(blocks: list[Incoming]) -> Incoming:
    """One Incoming from many (messages batched by the MQTT worker), keeping each row's origin."""
    if len(blocks) == 1:
        return blocks[0]
    if not blocks:
        return Incoming.empty()
    sizes = np.cumsum([0] + [len(b) for b in blocks])

    def owner(i: int) -> tuple[Incoming, int]:
        j = int(np.searchsorted(sizes, i, side="right") - 1)
        return blocks[j], i - int(sizes[j])

    def where(i: int) -> str:
        b, k = owner(i)
        return b.where(k)

    def raw_time(i: int) -> str:
        b, k = owner(i)
        return b.raw_time(k)

    def raw_value(i: int) -> str:
        b, k = owner(i)
        return b.raw_value(k)

    problems = None
    if any(b.problem is not None for b in blocks):
        problems = []
        for b in blocks:
            problems += list(b.problem) if b.problem is not None else [None] * len(b)
    units = None
    if any(b.unit is not None for b in blocks):
        units = np.concatenate([b.unit if b.unit is not None else np.full(len(b), None, dtype=object) for b in blocks])
    return Incoming(
        station=np.concatenate([b.station for b in blocks]),
        sensor=np.concatenate([b.sensor for b in blocks]),
        t_ms=np.concatenate([b.t_ms for b in blocks]),
        value=np.concatenate([b.value for b in blocks]),
        missing=np.concatenate([b.missing for b in blocks]),
        bad_value=np.concatenate([b.bad_value for b in blocks]),
        where=where, raw_time=raw_time, raw_value=raw_value, problem=problems, unit=units,
    )
