"""What a candidate detection rule would do, in seconds: a predicate over the sources' raw features, on scenario sets.

    .venv/bin/python benchmarks/detection_candidate.py "F.runoff_front(r) & (r['rain_i1'] < 2)" SET [SET ...] \
        [--sources debris_flow:] [--base EVALROOT] [--show NEW,FE,WV] [--print FEATURE,...]

Each scenario of each SET folder (``truth.jsonl`` and its CSVs) is replayed once through the engine and every source's
raw features (``features.source_features``) are cached in ``SET/.features/ID.npz``; later runs read the cache (delete
it after changing a detector or a feature). ``EXPR`` is Python over ``r`` (one source's raw features: name -> array per
tick), ``np`` and ``F`` (``glofwatch.detection.fusion``), true where the rule would evacuate. For each scenario and
source of the ``--sources`` prefix it reports the first tick where it holds:

- ``FE``: on a no-hazard day, or more than a minute before the event's onset (a false evacuation);
- ``WV``: on a source of the other valley during an event (a wrong valley);
- ``late``: after the wave reached the first zone; otherwise in time, and with ``--base`` (a folder holding
  ``SET-NAME/fusion.scores.jsonl`` as ``glofwatch evaluate --out EVALROOT/SET-NAME`` writes) ``NEW`` where the scored
  detector had not evacuated in time, ``earlier`` where it had but later.

A development aid, not a benchmark: the predicate ignores the engine's levels, hysteresis and gates, so a rule worth
keeping is then written into ``fusion`` and checked with ``glofwatch evaluate`` and ``benchmarks/detection_diff.py``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from glofwatch.detection import fusion
from glofwatch.detection.engine import _by_station
from glofwatch.detection.features import source_features
from glofwatch.detection.replay import load_engine, read_telemetry_csv
from glofwatch.detection.sources import Topology
from glofwatch.site import Site, load_site


def cached_features(site: Site, folder: Path, truth: dict[str, Any]) -> dict[str, np.ndarray]:
    """``source|feature`` -> array per tick, and ``ticks``: from ``folder/.features/ID.npz``, computed once."""
    path = folder / ".features" / f"{truth['id']}.npz"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        eng, ticks = load_engine(site, read_telemetry_csv(str(folder / truth["file"])))
        arrays: dict[str, np.ndarray] = {"ticks": ticks}
        for src in eng.topology.sources:
            raw = source_features(site, src, eng.states, ticks, _by_station(eng.states), {}, None).raw
            arrays.update({f"{src.id}|{k}": np.asarray(v) for k, v in raw.items()})
        np.savez_compressed(path, **arrays)
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


def source_valleys(site: Site) -> dict[str, set[str]]:
    """Each source's zones (the valley it evacuates), by source id."""
    return {s.id: set(s.zones) for s in Topology(site).sources}


def classify(truth: dict[str, Any], first_ms: int, zones: set[str], base: dict[str, Any] | None) -> str:
    """The first hit's kind (see the module's list) for one scenario and source."""
    if truth.get("hazard") is None:
        return "FE"
    if not zones & set(truth.get("zones") or []):
        return "WV"
    onset = pd.Timestamp(truth["onset"]).value // 1_000_000
    arrival = pd.Timestamp(truth["first_arrival"]).value // 1_000_000 if truth.get("first_arrival") else None
    if first_ms < onset - 60_000:
        return "FE"
    if arrival is None or first_ms > arrival:
        return "late"
    lead = (arrival - first_ms) / 60_000
    if base is None:
        return f"in-time lead {lead:.1f} min"
    if not base.get("detected"):
        return f"NEW lead {lead:.1f} min (scored: {base.get('miss_reason')})"
    if base.get("warning_min") is not None and lead > base["warning_min"] + 0.5:
        return f"earlier by {lead - base['warning_min']:.1f} min"
    return "same"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("expr", help="Python over r (raw features), np and F (fusion): true where the rule would evacuate")
    ap.add_argument("sets", nargs="+", type=Path, help="scenario folders (truth.jsonl and CSVs)")
    ap.add_argument("--sources", default="debris_flow:", help="source id prefix (default: the debris-flow sources)")
    ap.add_argument("--base", type=Path, default=None, help="glofwatch evaluate --out root, one folder per set name")
    ap.add_argument("--show", default="NEW,FE,WV", help="kinds of hits to list (first word; 'all' for every hit)")
    ap.add_argument("--site", default=None, help="site directory or site.yaml (default: the demo site)")
    ap.add_argument("--print", dest="feats", default="", help="raw features to print at each listed first hit (a,b,...)")
    a = ap.parse_args()
    site = load_site(a.site)
    rule = eval(f"lambda r: {a.expr}", {"np": np, "F": fusion})  # a developer's own expression, on their own data
    valleys = source_valleys(site)
    show = set(a.show.split(","))
    counts: dict[str, int] = {}
    for folder in a.sets:
        scores: dict[str, Any] = {}
        if a.base is not None:
            with open(a.base / folder.name / "fusion.scores.jsonl") as fh:
                scores = {s["id"]: s for s in map(json.loads, fh)}
        with open(folder / "truth.jsonl") as fh:
            truths = [json.loads(line) for line in fh]
        for truth in truths:
            feats = cached_features(site, folder, truth)
            for src in sorted(s for s in valleys if s.startswith(a.sources)):
                raw = {k.split("|", 1)[1]: v for k, v in feats.items() if k.startswith(f"{src}|")}
                with np.errstate(all="ignore"):
                    hit = np.asarray(rule(raw), dtype=bool)
                if not hit.any():
                    continue
                first = int(np.argmax(hit))
                kind = classify(truth, int(feats["ticks"][first]), valleys[src],
                                scores.get(truth["id"]) if a.base is not None else None)
                word = kind.split()[0]
                counts[word] = counts.get(word, 0) + 1
                if "all" in show or word in show:
                    at = " ".join(f"{f}={raw[f][first]:.4g}" for f in a.feats.split(",") if f)
                    print(f"{folder.name} {truth['id']} {src} {kind} peak_first_zone={truth.get('peak_first_zone_m3s')} {at}")
    print(" ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "no hit")


if __name__ == "__main__":
    main()
