"""Why a rule did or did not fire: one source's raw features and the safety rules that hold, tick by tick.

    .venv/bin/python benchmarks/detection_rules_at.py SCENARIO.csv glof:cak-1 2026-08-03T20:38 2026-08-03T20:56 \
        gauge gauge_front gauge_held rain_i1

Replays the telemetry file through the engine (``replay.load_engine``), computes the source's features
(``features.source_features``) and prints, for each tick in [FROM, TO], the named raw features (all when none are
named) and the evacuation and warning rules of ``fusion`` that hold there. Sources: ``glof:<lake>`` and
``debris_flow:<valley>`` (an unknown one lists them). A development aid, not a benchmark: nothing is timed.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from glofwatch.detection import fusion
from glofwatch.detection.engine import _by_station
from glofwatch.detection.features import source_features
from glofwatch.detection.replay import load_engine, read_telemetry_csv
from glofwatch.site import load_site


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("telemetry", help="long-form telemetry CSV (time,station,sensor,value)")
    ap.add_argument("source", help="glof:<lake> or debris_flow:<valley>")
    ap.add_argument("start", help="first tick to print (UTC, e.g. 2026-08-03T20:38)")
    ap.add_argument("end", help="last tick to print (UTC)")
    ap.add_argument("features", nargs="*", help="raw features to print (default: all)")
    ap.add_argument("--site", default=None, help="site directory or site.yaml (default: the demo site)")
    a = ap.parse_args()
    site = load_site(a.site)
    eng, ticks = load_engine(site, read_telemetry_csv(a.telemetry))
    sources = {s.id: s for s in eng.topology.sources}
    if a.source not in sources:
        ap.error(f"unknown source {a.source!r}; this site has {', '.join(sources)}")
    src = sources[a.source]
    raw = source_features(site, src, eng.states, ticks, _by_station(eng.states), {}, None).raw
    unknown = [n for n in a.features if n not in raw]
    if unknown:
        ap.error(f"unknown features {unknown}; see the table in glofwatch.detection.features")
    names = a.features or list(raw)
    lo, hi = (pd.Timestamp(x, tz="UTC").value // 1_000_000 for x in (a.start, a.end))
    rules = {**fusion.evacuation_rules(src.hazard, raw), **fusion.warning_rules(src.hazard, raw)}
    for i in np.flatnonzero((ticks >= lo) & (ticks <= hi)):
        on = [k for k, v in rules.items() if v[i]]
        values = " ".join(f"{n}={raw[n][i]:.3g}" for n in names)
        print(f"{pd.Timestamp(int(ticks[i]), unit='ms'):%Y-%m-%d %H:%M} {values} rules: {', '.join(on) or '-'}")


if __name__ == "__main__":
    main()
