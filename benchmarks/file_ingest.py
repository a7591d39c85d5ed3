"""File import throughput: long-form telemetry CSV -> validation -> QC -> SQLite / PostgreSQL.

    python benchmarks/file_ingest.py [--rows 1000000] [--pg postgresql://postgres@127.0.0.1:5432/test]

Targets (issue 2): >= 200k rows/s into SQLite, >= 100k rows/s into PostgreSQL, on 2 cores.
The CSV holds the reference site's 30 sensors at their real intervals over as many days as needed,
shuffled in blocks like loggers upload them; the clock is fixed after the data (no QC time flags).
Each figure is the best of --repeat runs into a fresh database (a second import of the same file,
all duplicates, is timed too).
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from glofwatch.clock import FixedClock
from glofwatch.sim.day import quiet_day
from glofwatch.site import load_site
from glofwatch.store import open_store
from glofwatch.telemetry.pipeline import Ingestor


def make_csv(path: Path, rows: int) -> int:
    site = load_site(None)
    per_day = len(quiet_day(site, datetime(2025, 1, 1, tzinfo=UTC), hours=24, seed=0))
    days = max(1, -(-rows // per_day))
    start = datetime(2025, 6, 1, tzinfo=UTC)
    first = True
    n = 0
    with path.open("w") as f:
        for d in range(days):
            df = quiet_day(site, start + timedelta(days=d), hours=24, seed=d)
            df.to_csv(f, index=False, header=first)
            first = False
            n += len(df)
    return n


def run(url: str, csv: Path, n: int) -> tuple[float, float]:
    site = load_site(None)
    store = open_store(url)
    ing = Ingestor(site, store, clock=FixedClock(datetime(2027, 1, 1, tzinfo=UTC)))
    t = time.perf_counter()
    r = ing.ingest_file(csv)
    first = time.perf_counter() - t
    assert r.accepted == n, (r.accepted, n, r.rejections[:3])
    t = time.perf_counter()
    r2 = ing.ingest_file(csv)
    again = time.perf_counter() - t
    assert r2.accepted == 0 and r2.duplicates == n
    store.engine.dispose()
    return n / first, n / again


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--pg", default=os.environ.get("GLOFWATCH_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    ap.add_argument("--skip-pg", action="store_true")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="glofwatch-bench-"))
    csv = tmp / "telemetry.csv"
    n = make_csv(csv, a.rows)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; {n} rows, "
          f"{csv.stat().st_size / 1e6:.0f} MB CSV")
    results = {}
    best = (0.0, 0.0)
    for i in range(a.repeat):
        r = run(str(tmp / f"b{i}.sqlite"), csv, n)
        best = max(best, r)
    results["SQLite"] = best
    if not a.skip_pg:
        from glofwatch.testing.services import pg_database

        best = (0.0, 0.0)
        for _ in range(a.repeat):
            os.environ["GLOFWATCH_TEST_PG_URL"] = a.pg
            with pg_database() as url:
                best = max(best, run(url, csv, n))
        results["PostgreSQL"] = best
    print(f"{'database':<12}{'new rows/s':>14}{'re-import rows/s':>20}")
    for k, (new, again) in results.items():
        print(f"{k:<12}{new:>14,.0f}{again:>20,.0f}")


if __name__ == "__main__":
    main()
