"""The dispatch worker as a process: ``glofwatch dispatch --channel URL ...`` (or ``python -m
glofwatch.dissemination.worker``). Recovers rows left in flight by a crash, sends until the outbox
is empty (``--follow``: keeps polling for new alerts, Telegram answers and escalations)."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

from glofwatch.clock import SystemClock
from glofwatch.dissemination.channels import channel_from_url
from glofwatch.dissemination.dispatch import Dispatcher, DispatchReport
from glofwatch.site import load_site
from glofwatch.store import open_store
from glofwatch.warnings.config import WarningsConfig


def run_worker(*, database: str | None, channels: Sequence[str], site: str | None = None, follow: bool = False,
               rate: dict[str, float] | None = None, poll_s: float = 0.5, retry_base_s: float = 2.0) -> DispatchReport:
    s = load_site(site)
    st = open_store(database)
    cfg = WarningsConfig(rate_per_s=rate or {}, retry_base_s=retry_base_s)
    total = DispatchReport()
    with Dispatcher(st.engine, s, [channel_from_url(u) for u in channels], clock=SystemClock(), config=cfg) as d:
        while True:
            total.add(d.run_until_idle(wait_retries=not follow))
            if not follow:
                return total
            d.poll_replies()
            d.check_escalations()
            time.sleep(poll_s)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--database", "-d")
    ap.add_argument("--site", "-s")
    ap.add_argument("--channel", "-c", action="append", default=[], help="channel URL (repeat)")
    ap.add_argument("--rate", action="append", default=[], help="KIND=PER_SECOND, e.g. sms=50")
    ap.add_argument("--follow", action="store_true")
    a = ap.parse_args(argv)
    rate = {k: float(v) for k, v in (r.split("=", 1) for r in a.rate)}
    rep = run_worker(database=a.database, channels=a.channel, site=a.site, follow=a.follow, rate=rate)
    print(dict(rep.counts), flush=True)


if __name__ == "__main__":
    main()
