"""Peak discharge from volume on recorded outbursts (BENCHMARKS.md, "Lakes and terrain").

Events: Veh et al. (2022) global GLOF database, every event with flood volume V0 and peak discharge Qp
(V0 in 10^6 m^3 in the source). For each published formula of DESIGN.md §2: the median and 80th-percentile
|log10(predicted / recorded)| on the events of the dam type it was made for, and on all events. The
shipped estimate is a log-log fit per dam type, scored by 5-fold cross-validation grouped by lake (all
outbursts of one lake, e.g. the 89 Merzbacher drainages, fall in the same fold, so a lake is never
scored by a fit that saw it). Also: the Huggel (2002) volume-area formula against HMAGLOFDB events
with area and volume.

Run: .venv/bin/python benchmarks/lakes_hazard.py          (table)
     .venv/bin/python benchmarks/lakes_hazard.py --fit    (also print SHIPPED_QP fitted on all events)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold

from glofwatch.lakes.hazard import FORMULA_BY_NAME, FORMULAS, dam_class

D = Path(__file__).resolve().parents[2] / "shared" / "data"


def events() -> pd.DataFrame:
    df = pd.read_csv(D / "glof_events" / "Global_GLOF_database_2021_06_09.csv", low_memory=False)
    v = pd.to_numeric(df["Mean_Flood_Volume_V0"], errors="coerce") * 1e6
    q = pd.to_numeric(df["Peak_discharge_Qp"], errors="coerce")
    out = pd.DataFrame({"lake": df["Lake"].fillna("").astype(str) + "|" + df["Glacier"].fillna("").astype(str),
                        "dam": df["Lake_type"].map(dam_class), "country": df["Country"], "V": v, "Q": q})
    return out[(out.V > 0) & (out.Q > 0)].reset_index(drop=True)


def fit(d: pd.DataFrame) -> tuple[float, float]:
    b, a = np.polyfit(np.log10(d.V), np.log10(d.Q), 1)
    return float(a), float(b)


def cv_residuals(ev: pd.DataFrame, k: int = 5) -> np.ndarray:
    res = np.full(len(ev), np.nan)
    for tr, te in GroupKFold(n_splits=k).split(ev, groups=ev.lake):
        train, test = ev.iloc[tr], ev.iloc[te]
        for cls, g in test.groupby("dam"):
            t = train[train.dam == cls]
            if len(t) < 5:
                t = train
            a, b = fit(t)
            res[g.index] = a + b * np.log10(g.V) - np.log10(g.Q)
    return res


def main() -> None:
    ev = events()
    print(f"{len(ev)} events with V0 and Qp: " + ", ".join(f"{k} {v}" for k, v in ev.dam.value_counts().items())
          + f"; Kyrgyzstan {int((ev.country.astype(str).str.contains('Kyrgyz')).sum())}\n")
    print("| Qp formula | made for | median abs log10 err (own dam type, n) | P80 | median abs log10 err (all events) |")
    print("|---|---|---|---|---|")
    best = (None, np.inf)
    for f in FORMULAS:
        if f.output != "peak_discharge" or f.bound:
            continue
        own = ev[ev.dam.isin(f.dam)]
        e_own = np.abs(np.log10(own.V.map(f)) - np.log10(own.Q))
        e_all = np.abs(np.log10(ev.V.map(f)) - np.log10(ev.Q))
        print(f"| {f.name} | {'/'.join(f.dam)} | {e_own.median():.3f} (n={len(own)}) | {e_own.quantile(.8):.3f} "
              f"| {e_all.median():.3f} |")
        if e_all.median() < best[1]:
            best = (f.name, float(e_all.median()))
    # best formula chosen per dam type (literature only, no fitting): for reference
    res = cv_residuals(ev)
    e = np.abs(res)
    print(f"| **glofwatch fit per dam type, 5-fold CV by lake** | ice/moraine/other | {np.median(e):.3f} (n={len(ev)}) | "
          f"{np.quantile(e, .8):.3f} | {np.median(e):.3f} |")
    for cls, g in ev.groupby("dam"):
        print(f"  CV median abs log10 error, {cls}: {np.median(e[g.index]):.3f} (n={len(g)})")
    q10, q90 = np.quantile(res, [0.1, 0.9])
    print(f"\nbest single formula on all events: {best[0]} {best[1]:.3f}; shipped fit (CV) {np.median(e):.3f} "
          f"(a factor {10 ** np.median(e):.2f} vs {10 ** best[1]:.2f})")
    print(f"CV residual 10-90 % range: {q10:+.2f} .. {q90:+.2f} log10 (x{10 ** q10:.2f} .. x{10 ** q90:.2f})")
    # volume from area
    hm = pd.read_csv(D / "glof_inventory" / "HMAGLOFDB.csv", encoding="cp1252")
    a = pd.to_numeric(hm["Area"], errors="coerce")
    v = pd.to_numeric(hm["Volume"], errors="coerce")
    ok = (a > 0) & (v > 0)
    h = FORMULA_BY_NAME["huggel2002_volume"]
    ev_ = np.abs(np.log10(a[ok].map(h)) - np.log10(v[ok]))
    print(f"\nHuggel (2002) V(A) on {int(ok.sum())} HMAGLOFDB events with area and flood volume: median abs log10 err "
          f"{ev_.median():.3f} (x{10 ** ev_.median():.2f}); flood volume is not lake volume, so this is indicative")
    if "--fit" in sys.argv:
        print("\nSHIPPED_QP = {")
        for cls, g in ev.groupby("dam"):
            a_, b_ = fit(g)
            r = res[g.index]
            lo, hi = np.quantile(r, [0.1, 0.9])
            print(f'    "{cls}": QpFit("{cls}", a={a_:.4f}, b={b_:.4f}, q10={lo:.3f}, q90={hi:.3f}, n={len(g)}),')
        print("}")


if __name__ == "__main__":
    main()
