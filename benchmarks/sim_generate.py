"""Figure: scenario generation speed (scenarios/s and telemetry rows/s) on the reference site.

    .venv/bin/python benchmarks/sim_generate.py [--n 200] [--seed 1000000]

Generation only (no file writing): the cost `glofwatch evaluate` and `glofwatch train` pay per scenario.
"""

from __future__ import annotations

import argparse
import time

from glofwatch.sim.scenarios import generate
from glofwatch.site import load_site


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1_000_000)
    a = ap.parse_args()
    site = load_site(None)
    generate(site, seed=a.seed, n=2)  # warm-up: imports, the prior fit
    t = time.perf_counter()
    scs = generate(site, seed=a.seed, n=a.n)
    dt = time.perf_counter() - t
    rows = sum(len(s.telemetry) for s in scs)
    print(f"{a.n} scenarios ({rows} rows, {rows / a.n:.0f} rows each) in {dt:.2f} s: "
          f"{a.n / dt:.1f} scenarios/s, {rows / dt:,.0f} rows/s (site {site.id}, 1 process)")


if __name__ == "__main__":
    main()
