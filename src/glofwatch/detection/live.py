"""The live path: an ``Ingestor`` listener that turns stored readings into decisions.

::

    listener = DetectionListener(site, store, on_decision=print)
    ingestor = Ingestor(site, store, listeners=[listener])

Each :class:`~glofwatch.telemetry.pipeline.StoredBatch` (readings just stored, with QC flags) is
merged into the engine's per-sensor buffers; the ticks of its readings that are newer than the last
evaluated one are evaluated by the same :class:`~glofwatch.detection.engine.Engine` as replay;
decisions are stored (``decisions`` table, :mod:`glofwatch.detection.store`) and handed to
``on_decision``. ``station_silent`` events (:func:`glofwatch.telemetry.health.check_silence`) make
it evaluate at their time even when no reading arrives at all (:meth:`DetectionListener.on_event`).
Before each evaluation the site's maintenance windows are read from the store (one small indexed query:
a window opened in the console applies to the next batch, and to the readings already in the buffers).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from glofwatch.clock import Clock, SystemClock, ms
from glofwatch.detection.decision import Decision
from glofwatch.detection.engine import GRID_MS, Engine, ceil_ticks
from glofwatch.detection.store import save_decisions
from glofwatch.site.model import Site
from glofwatch.telemetry.maintenance import windows
from glofwatch.telemetry.qc import Flag

WINDOWS_SINCE_MS = 7 * 86_400_000  # windows that ended longer ago than this touch no buffer (they keep hours)

log = logging.getLogger(__name__)


class DetectionListener:
    """Live detection for one site. ``store``: where decisions go (None: not stored); ``on_decision``:
    an optional hook called with each new decision after it is stored."""

    def __init__(self, site: Site, store: Any = None, *, detector: str = "fusion", model: Any = None,
                 on_decision: Callable[[Decision], None] | None = None, clock: Clock | None = None):
        self.engine = Engine(site, detector=detector, model=model)
        self.store = store
        self.on_decision = on_decision
        self.clock = clock or SystemClock()
        self.decisions: list[Decision] = []
        self._lock = threading.Lock()

    def __call__(self, batch: Any) -> None:
        """Ingestor listener: ``batch`` is a StoredBatch."""
        key = np.asarray(batch.sensor_key, dtype=np.int64)
        t = np.asarray(batch.t_ms, dtype=np.int64)
        v = np.asarray(batch.value, dtype=np.float64)
        f = np.asarray(batch.flags, dtype=np.int32)
        with self._lock:
            o = np.lexsort((t, key))
            key, t, v, f = key[o], t[o], v[o], f[o]
            bounds = np.flatnonzero(np.r_[True, key[1:] != key[:-1], True]) if len(key) else np.array([0])
            self._maintenance()
            for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
                self.engine.add(int(key[a]), t[a:b], v[a:b], f[a:b])
            seen = t[(f & (Flag.FUTURE | Flag.PAST)) == 0]
            out = self.engine.evaluate(np.unique(ceil_ticks(seen)))
            self._publish(out)

    def on_event(self, event: dict[str, Any]) -> list[Decision]:
        """A ``station_silent`` (or any timed) event: evaluate at its time if nothing newer was evaluated."""
        with self._lock:
            self._maintenance()
            t = int(event["t_ms"])
            out = self.engine.evaluate(np.array([-(-t // GRID_MS) * GRID_MS], dtype=np.int64))
            self._publish(out)
            return out

    def _maintenance(self) -> None:
        """The stored maintenance windows into the engine (sensors whose windows changed are derived again)."""
        if self.store is None:
            return
        now = ms(self.clock.now())
        self.engine.set_maintenance(windows(self.store.engine, self.engine.site.id, ending_after_ms=now - WINDOWS_SINCE_MS))

    def _publish(self, out: list[Decision]) -> None:
        if not out:
            return
        self.decisions.extend(out)
        if self.store is not None:
            save_decisions(self.store, out, now_ms=ms(self.clock.now()))
        if self.on_decision is not None:
            for d in out:
                try:
                    self.on_decision(d)
                except Exception:  # noqa: BLE001 - a hook bug must not stop detection
                    log.exception("on_decision hook failed for decision %s", d.id)


def live_detection(site: Site, store: Any, *, clock: Clock | None = None, issue_alerts: bool = True,
                   detector: str = "fusion") -> DetectionListener:
    """The live chain behind a worker or server: detection on every stored batch, each decision
    stored and (``issue_alerts``) turned at once into an alert with its outbox rows, which
    ``glofwatch dispatch --follow`` (or the server's dispatcher) sends. Alerts reach households from the level
    ``GLOFWATCH_PUBLIC_FROM`` names (default warning; :class:`glofwatch.warnings.config.WarningsConfig`).

    >>> listener = live_detection(site, store)                                   # doctest: +SKIP
    >>> Ingestor(site, store, listeners=[listener])                              # doctest: +SKIP
    """
    clock = clock or SystemClock()
    hook = None
    if issue_alerts:
        from glofwatch.warnings.config import from_environment
        from glofwatch.warnings.service import decision_hook

        hook = decision_hook(store.engine, site, clock=clock, config=from_environment())
    return DetectionListener(site, store, detector=detector, on_decision=hook, clock=clock)
