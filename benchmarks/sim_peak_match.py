"""Figure: how well the simulator's peak discharges match the recorded outbursts (docs/scenarios.md).

Two-fold cross-validation over the recorded (V0, Qp) pairs of the shipped table (Veh et al. 2022 +
HMAGLOFDB): fit on one half, draw a Qp for each V0 of the other, compare log10 Qp distributions
(KS statistic, quantiles), pooled and per dam type; the DESIGN.md §2 formulas scored alike.

    .venv/bin/python benchmarks/sim_peak_match.py [--max-volume 1e7] [--seeds 5]
"""

from __future__ import annotations

import argparse

import numpy as np

from glofwatch.sim.grounding import peak_match


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-volume", type=float, default=1e7, help="only events with V0 <= this (m3); 0 = all")
    ap.add_argument("--seeds", type=int, default=5, help="repeat the random split this many times; medians are shown")
    a = ap.parse_args()
    runs = [peak_match(seed=s, max_volume_m3=a.max_volume or None) for s in range(a.seeds)]
    print(f"recorded outbursts with V0 and Qp (moraine, ice), V0 <= {a.max_volume or 'any'} m3: {runs[0]['events']} events; "
          f"{a.seeds} random 2-fold splits (median over splits)")
    print(f"{'model':<28}{'group':<9}{'n':>5}{'KS':>7}{'p':>7}  {'log10 Qp q10/q50/q90 recorded':<32}{'simulated':<22}"
          f"{'med log ratio':>14}{'within x3':>11}")
    for kind in ("simulator", "formulas"):
        for key in runs[0][kind]:  # type: ignore[union-attr]
            rows = [r[kind][key] for r in runs]  # type: ignore[index]
            ks = np.median([x["ks"] for x in rows])
            p = np.median([x["p_value"] for x in rows])
            ratio = np.median([x["median_log10_ratio"] for x in rows])
            w3 = np.median([x["share_within_factor_3"] for x in rows])
            r0 = rows[0]
            model, group = ("simulator", key) if kind == "simulator" else (key, "its dams")
            rq = "/".join(f"{v:.2f}" for v in r0["recorded_log10_q10_q50_q90"])
            sq = "/".join(f"{v:.2f}" for v in np.median([x["simulated_log10_q10_q50_q90"] for x in rows], axis=0))
            print(f"{model:<28}{group:<9}{r0['n']:>5}{ks:>7.3f}{p:>7.3f}  {rq:<32}{sq:<22}{ratio:>14.2f}{w3:>11.2f}")


if __name__ == "__main__":
    main()
