"""How fast a lake grows, and the ``watch`` advisory when it grows too fast (pure: series in, results out).

The growth rate is the Theil-Sen slope of area over time (robust to the odd bad scene: a partly
cloudy map, an incomplete inventory year) with its 90 % confidence interval. A lake is put on watch
when its relative growth over the recent window exceeds ``threshold_pct_per_year`` *and* the lower
confidence bound of the slope is above zero, so scatter within the mapping uncertainty never raises it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from scipy.stats import theilslopes

from glofwatch.clock import iso, ms
from glofwatch.detection.decision import Decision

YEAR_MS = 365.25 * 86400 * 1000


@dataclass(frozen=True)
class Growth:
    """Growth of one lake over a window.

    rate_m2_per_year (lo..hi: 90 % CI), pct_per_year relative to the fitted area at the window start,
    n scenes used, first/last acquisition (epoch ms), and the latest mapped area.
    """

    lake: str
    n: int
    rate_m2_per_year: float
    rate_lo: float
    rate_hi: float
    pct_per_year: float
    first_ms: int
    last_ms: int
    latest_area_m2: float
    latest_err_m2: float

    def as_dict(self) -> dict[str, object]:
        return {"lake": self.lake, "n": self.n, "rate_m2_per_year": round(self.rate_m2_per_year, 1),
                "rate_ci90_m2_per_year": [round(self.rate_lo, 1), round(self.rate_hi, 1)],
                "pct_per_year": round(self.pct_per_year, 2), "first": iso(self.first_ms), "last": iso(self.last_ms),
                "latest_area_m2": round(self.latest_area_m2, 1), "latest_err_m2": round(self.latest_err_m2, 1)}


def growth(lake: str, t_ms: np.ndarray, area_m2: np.ndarray, err_m2: np.ndarray | None = None, *,
           window_years: float | None = 10.0) -> Growth | None:
    """Theil-Sen growth over the last ``window_years`` (None: all). None with fewer than 3 scenes."""
    t = np.asarray(t_ms, dtype="float64")
    a = np.asarray(area_m2, dtype="float64")
    e = np.zeros_like(a) if err_m2 is None else np.asarray(err_m2, dtype="float64")
    order = np.argsort(t)
    t, a, e = t[order], a[order], e[order]
    if window_years is not None and len(t):
        keep = t >= t[-1] - window_years * YEAR_MS
        t, a, e = t[keep], a[keep], e[keep]
    if len(t) < 3 or np.ptp(t) <= 0:
        return None
    years = (t - t[0]) / YEAR_MS
    slope, intercept, lo, hi = theilslopes(a, years, alpha=0.90)
    base = max(intercept, 1.0)
    return Growth(lake, len(t), float(slope), float(lo), float(hi), float(100.0 * slope / base), int(t[0]), int(t[-1]),
                  float(a[-1]), float(e[-1]))


def watch_decision(site_id: str, g: Growth, *, now: datetime, threshold_pct_per_year: float = 5.0,
                   zones: list[str] | None = None) -> Decision | None:
    """A ``watch`` Decision (hazard ``glof``) when ``g`` grows faster than the threshold with confidence; else None."""
    if g.pct_per_year <= threshold_pct_per_year or g.rate_lo <= 0:
        return None
    return Decision(
        # one advisory per lake per newest scene, so storing it again adds nothing
        id=f"lakegrowth-{site_id}-{g.lake}-{g.last_ms}", site=site_id, time=iso(ms(now)), level="watch", hazard="glof",
        lake=g.lake, zones=list(zones or []),
        explanation=[f"lake {g.lake} grew {g.pct_per_year:.1f} %/year ({g.rate_m2_per_year:,.0f} m2/year, 90 % CI "
                     f"{g.rate_lo:,.0f}..{g.rate_hi:,.0f}) over {g.n} scenes {iso(g.first_ms)[:10]}..{iso(g.last_ms)[:10]}; "
                     f"threshold {threshold_pct_per_year:.1f} %/year",
                     f"latest area {g.latest_area_m2:,.0f} +- {g.latest_err_m2:,.0f} m2"],
        evidence={"lake_growth": g.as_dict(), "threshold_pct_per_year": threshold_pct_per_year},
    )
