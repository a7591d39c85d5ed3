"""``glofwatch demo``: the reference site end to end on the embedded default (SQLite, no server).

Today: a simulated day of the Issyk-Kul site's stations is written as telemetry CSV, ingested
through the same path as real files (validation, QC, storage), and shown as the station table.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console

from glofwatch.clock import FixedClock, ms
from glofwatch.sim.day import quiet_day
from glofwatch.site import load_site
from glofwatch.store import open_store
from glofwatch.telemetry.pipeline import Ingestor
from glofwatch.telemetry.queries import stations_overview


def run_demo(*, out: Path | None = None, database: str | None = None, console: Console | None = None) -> Path:
    console = console or Console()
    out = Path(out) if out else Path(tempfile.mkdtemp(prefix="glofwatch-demo-"))
    out.mkdir(parents=True, exist_ok=True)
    site = load_site(None)
    start = (datetime.now(UTC) - timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    console.print(f"[bold]glofwatch demo[/bold]: site {site.site.name}; outputs in {out}")
    telemetry = out / "telemetry.csv"
    df = quiet_day(site, start, seed=42)
    df.to_csv(telemetry, index=False)
    console.print(f"simulated a quiet day: {len(df)} readings from {len(site.stations)} stations -> {telemetry.name}")
    store = open_store(database or str(out / "glofwatch.sqlite"))
    clock = FixedClock(start + timedelta(days=1))
    report = Ingestor(site, store, clock=clock).ingest_file(telemetry)
    console.print(f"ingested: {report.accepted} stored, {report.duplicates} duplicates, {report.missing} missing, "
                  f"{report.rejected} rejected; QC flags: {dict(report.flagged) or 'none'}")
    from glofwatch.cli import station_table

    console.print(station_table(site, stations_overview(store, site, ms(clock.now()))))
    return out
