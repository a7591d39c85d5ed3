"""Demo data for the console: a simulated quiet day of every station, ending at a given time.

Used by ``glofwatch serve --demo``, the console tests and benchmarks, so a fresh database shows a
live-looking map and charts. One station can be left out to show what a silent station looks like.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from glofwatch.clock import FixedClock
from glofwatch.site.model import Site
from glofwatch.store.observations import Store
from glofwatch.telemetry.batch import IngestReport


def seed_quiet_day(site: Site, store: Store, end: datetime, *, hours: float = 24.0, silent: tuple[str, ...] = (),
                   silent_for_h: float = 3.0, seed: int = 7) -> IngestReport:
    """Store ``hours`` of simulated readings up to ``end``; stations in ``silent`` stop ``silent_for_h`` earlier."""
    from glofwatch.sim.day import quiet_day
    from glofwatch.telemetry.pipeline import Ingestor

    start = (end - timedelta(hours=hours)).replace(second=0, microsecond=0)
    df = quiet_day(site, start, hours=hours, seed=seed)
    if silent:
        cut = (end - timedelta(hours=silent_for_h)).strftime("%Y-%m-%dT%H:%M:%SZ")
        df = df[~(df["station"].isin(silent) & (df["time"] > cut))]
    ing = Ingestor(site, store, clock=FixedClock(end))
    return ing.ingest_csv_bytes(df.to_csv(index=False).encode(), where="console demo day", station=None)
