"""kill -9 of the dispatch worker mid-evacuation, then a restart: messages lost and sent twice.

    python benchmarks/dispatch_crash.py [--runs 5] [--households 215]

Each run: an evacuate alert for every zone is stored (outbox rows in the same transaction); a worker
process (``python -m glofwatch.dissemination.worker``, SMPP + Telegram on loopback emulators in this
process, rate-limited to 40 messages/s per channel so the kill lands mid-way) is killed with SIGKILL
after a random number of hand-offs; a second worker finishes. Counted at the emulated endpoints:
households that got nothing (lost) and extra copies (duplicates), and the rows that were in flight
(``sending``) at the kill - the bound on duplicates.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))

from sqlalchemy import func, select  # noqa: E402

from glofwatch.clock import SystemClock  # noqa: E402
from glofwatch.dissemination.emulators.http_api import LoopbackApi  # noqa: E402
from glofwatch.dissemination.emulators.smpp_server import SmppServer  # noqa: E402
from glofwatch.site import load_site  # noqa: E402
from glofwatch.store import open_store  # noqa: E402
from glofwatch.store.tables import deliveries  # noqa: E402
from glofwatch.warnings import service as ws  # noqa: E402


def one(seed: int) -> dict[str, int]:
    site = load_site(None)
    db = Path(tempfile.mkdtemp(prefix="glofwatch-crash-")) / "c.sqlite"
    st = open_store(str(db))
    ws.issue(st.engine, site, level="evacuate", hazard="glof", zones=[z.id for z in site.zones], clock=SystemClock())
    kill_after = random.Random(seed).randint(10, 180)
    with SmppServer() as smsc, LoopbackApi() as api:
        env = {**os.environ, "PYTHONPATH": str(SRC)}
        args = [sys.executable, "-m", "glofwatch.dissemination.worker", "-d", str(db), "-c", smsc.url, "-c", api.telegram_url]
        p = subprocess.Popen([*args, "--rate", "sms=40", "--rate", "telegram=40"], env=env)
        while len(smsc.messages) + len(api.of("telegram")) < kill_after and p.poll() is None:
            time.sleep(0.005)
        if p.poll() is not None:
            raise RuntimeError(f"the worker exited by itself (code {p.returncode}) before the kill; see its output above")
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        with st.engine.connect() as c:
            q = select(func.count()).select_from(deliveries).where(deliveries.c.state == "sending")
            in_flight = int(c.execute(q).scalar() or 0)
        subprocess.run(args, env=env, check=True, timeout=300, stdout=subprocess.DEVNULL)
        sms = Counter("+" + m.dest for m in smsc.messages)
        tg = Counter(str(x.body["chat_id"]) for x in api.of("telegram"))
    got = [tg[h.telegram_chat_id] if h.telegram_chat_id else sms[h.phone] for h in site.households]
    return {"killed_after": kill_after, "in_flight_at_kill": in_flight, "lost": sum(g == 0 for g in got),
            "duplicates": sum(max(0, g - 1) for g in got), "households": len(got)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    res = [one(i) for i in range(a.runs)]
    for r in res:
        print("  ".join(f"{k}={v}" for k, v in r.items()))
    print(f"runs {len(res)}: lost {sum(r['lost'] for r in res)}, duplicates {sum(r['duplicates'] for r in res)} "
          f"(rows in flight at the kills: {sum(r['in_flight_at_kill'] for r in res)})")


if __name__ == "__main__":
    main()
