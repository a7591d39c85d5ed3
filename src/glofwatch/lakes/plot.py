"""A lake's area over time as a PNG for reports (matplotlib, headless)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from glofwatch.lakes.growth import YEAR_MS, Growth


def plot_area_history(series: pd.DataFrame, path: str | Path, *, title: str = "", growth: Growth | None = None) -> Path:
    """Area (km^2) with its one-pixel-ring error bars per scene, and the Theil-Sen trend when given."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = pd.to_datetime(series["t_ms"], unit="ms", utc=True)
    fig, ax = plt.subplots(figsize=(8, 4), dpi=100)
    ax.errorbar(t, series["area_m2"] / 1e6, yerr=series["area_err_m2"] / 1e6, fmt="o", ms=4, capsize=2, label="mapped area")
    if growth is not None:
        t0 = growth.first_ms
        tt = pd.to_datetime([t0, growth.last_ms], unit="ms", utc=True)
        sub = series[series["t_ms"] >= t0]
        a0 = float((sub["area_m2"] - growth.rate_m2_per_year * (sub["t_ms"] - t0) / YEAR_MS).median())
        ya = [a0 / 1e6, (a0 + growth.rate_m2_per_year * (growth.last_ms - t0) / YEAR_MS) / 1e6]
        ax.plot(tt, ya, "r-", label=f"trend {growth.pct_per_year:+.1f} %/yr")
    ax.set_ylabel("area (km²)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.autofmt_xdate()
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(p, bbox_inches="tight")
    plt.close(fig)
    return p
