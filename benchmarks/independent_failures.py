"""Explain the misses and false evacuations of `glofwatch evaluate --scenarios DIR --out EVAL`.

    .venv/bin/python benchmarks/independent_failures.py --scenarios DIR --eval EVAL [--detector fusion]

For every missed event and every scenario with a false evacuation: the scenario's facts from its truth
(source, peaks at the stations, when the front reached them, destroyed or faulted stations, the storm)
and what the detector said (its decisions replayed with `glofwatch replay`: the highest level reached
before the first arrival, and the evacuations with their explanation). The one-line reasons in
BENCHMARKS.md / the report are written from this listing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

LEVELS = ["advisory", "watch", "warning", "evacuate"]


def replay(csv: Path, detector: str) -> list[dict]:
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "a.jsonl"
        exe = Path(sys.executable).with_name("glofwatch")
        subprocess.run([str(exe), "replay", "-t", str(csv), "-a", str(out), "--detector", detector],
                       check=True, capture_output=True)
        return [json.loads(x) for x in out.read_text().splitlines() if x.strip()]


def facts(t: dict) -> str:
    p = t.get("params") or {}
    bits = [t["kind"]]
    if t.get("lake"):
        bits.append(f"lake {t['lake']} ({p.get('dam')}, {p.get('hydrograph')})")
    elif t.get("source"):
        bits.append(f"path {t['source']['flow_path']} from km {t['source']['chainage_km']}")
    if t.get("hazard"):
        bits.append(f"Qp {t['peak_discharge_m3s']} m3/s, first zone {t['peak_first_zone_m3s']} m3/s")
        peaks = p.get("peaks_m3s") or {}
        st = ", ".join(f"{k} {v[11:16]}" + (f" ({peaks[k]} m3/s)" if k in peaks else "")
                       for k, v in (t.get("stations") or {}).items())
        bits.append(f"onset {t['onset'][11:16]}, front at {st or 'no station'}, first arrival {t['first_arrival'][11:16]}")
        if p.get("max_drawdown_m") is not None:
            bits.append(f"drawdown {p['max_drawdown_m']} m")
    if t.get("rain"):
        r = t["rain"]
        ratio = r.get("caine_ratio_centre", r.get("caine_ratio"))  # other generators' truth names it differently
        bits.append(f"storm {str(r.get('start', ''))[11:16]}" + (f" {ratio}x Caine at its centre" if ratio is not None
                                                               else f" peak {r.get('peak_mm_h', '?')} mm/h"))
    if t.get("faults"):
        bits.append("faults " + "; ".join(f"{f['station']}/{f['sensor']} {f['kind']} {f['start'][11:16]}"
                                          for f in t["faults"]))
    return " | ".join(bits)


def signals(csv: Path, t: dict, deadline: str) -> str:
    """Largest departure of each hazard sensor from its hour before the onset (or the start), up to deadline."""
    import pandas as pd

    df = pd.read_csv(csv)
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    df["time"] = pd.to_datetime(df["time"], utc=True)
    ref = pd.Timestamp(t.get("onset") or t["start"]) if t.get("onset") else pd.Timestamp(t["start"]) + pd.Timedelta(hours=1)
    end = pd.Timestamp(deadline)
    out = []
    for (st, se), g in df.groupby(["station", "sensor"]):
        if se not in ("stage", "ground_velocity", "water_level"):
            continue
        g = g.dropna().sort_values("time")
        base = g[(g.time < ref) & (g.time >= ref - pd.Timedelta(hours=1))].value
        win = g[(g.time >= ref) & (g.time < end)].value if t.get("onset") else g[g.time < end].value
        if base.empty or win.empty:
            out.append(f"{st} -")
            continue
        if se == "ground_velocity":
            out.append(f"{st} x{win.max() / base.median():.0f}")
        elif se == "stage":
            out.append(f"{st} {win.max() - base.median():+.2f} m")
        else:
            out.append(f"{st} {win.min() - base.median():+.2f} m")
    return ", ".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenarios", type=Path, required=True)
    ap.add_argument("--eval", type=Path, required=True, help="the --out folder of glofwatch evaluate")
    ap.add_argument("--detector", default="fusion")
    a = ap.parse_args(argv)
    truths = {t["id"]: t for t in map(json.loads, (a.scenarios / "truth.jsonl").read_text().splitlines())}
    scores = [json.loads(x) for x in (a.eval / f"{a.detector}.scores.jsonl").read_text().splitlines()]
    for s in scores:
        missed = s["hazard"] and not s["detected"]
        if not (missed or s["false_evacuations"] or s["wrong_zone"]):
            continue
        t = truths[s["id"]]
        alerts = replay(a.scenarios / t["file"], a.detector)
        what = ("MISS " + str(s["miss_reason"])) if missed else ""
        if s["false_evacuations"]:
            what += " FALSE-EVAC"
        if s["wrong_zone"]:
            what += f" WRONG-ZONE {s['wrong_zones']}"
        print(f"== {s['id']}: {what.strip()} (detectable: {s.get('detectable')}, {s.get('undetectable_reason')})")
        print("   " + facts(t))
        deadline = t.get("first_arrival") or t["end"]
        print("   signals before the deadline: " + signals(a.scenarios / t["file"], t, deadline))
        before = [x for x in alerts if x["time"] <= deadline and x["level"] in LEVELS]
        top = max(before, key=lambda x: LEVELS.index(x["level"]), default=None)
        if top:
            print(f"   highest before deadline: {top['level']} {top['hazard']} {top.get('lake')} at {top['time'][11:16]}:"
                  f" {'; '.join(top.get('explanation', [])[:3])}")
        for x in alerts:
            if x["level"] == "evacuate":
                print(f"   evacuate {x['hazard']} {x.get('lake')} {x['zones']} at {x['time'][11:16]}:"
                      f" {'; '.join(x.get('explanation', [])[:3])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
