"""Recorded outbursts that ground the simulator: flood volumes, drained fractions, peak discharges.

The package ships a small derived table, ``glofwatch/data/glof_events/recorded_outbursts.csv``
(provenance in the README beside it), built by :func:`build_event_table` from two public
catalogues in ``shared/data``:

- the global GLOF database of Veh et al. (2022) (``glof_events/Global_GLOF_database_2021_06_09.csv``:
  ``Mean_Flood_Volume_V0`` in 10^6 m3, ``Peak_discharge_Qp`` in m3/s, ``Lake_type``);
- the High Mountain Asia GLOF database HMAGLOFDB (Shrestha, Steiner et al. 2023; ``glof_inventory``,
  cp1252 encoded; ``Volume`` in m3, ``Discharge_water`` in m3/s), for HMA events missing from the first.

From it, :class:`OutburstPrior` draws what an outburst of a lake of a given dam type releases:

- the **drained fraction** V0/VL, resampled from events where both the lake volume before and the
  flood volume are recorded (ratios above 1, i.e. debris bulking or inconsistent records, excluded);
- the **peak discharge** Qp for a flood volume V0, from a log-log regression fitted per dam type on
  the recorded (V0, Qp) pairs, with the recorded scatter (lognormal residual), kept below the
  physical upper bound of Huggel et al. (2002), Qp <= 2 V0 / 1000 s.

Formulas of DESIGN.md §2 are kept here, with units, as the reference the draws are compared to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

TABLE = "recorded_outbursts.csv"
#: Dam types that the simulator draws for; others (volcanic, englacial) stay in the table for reference only.
DRAWN_DAMS = ("moraine", "ice", "bedrock", "landslide")

_VEH_DAM = {
    "ice": "ice", "moraine": "moraine", "moraine/bedrock": "moraine", "ice/moraine": "moraine", "bedrock": "bedrock",
    "ice – volc": "volcanic", "volc": "volcanic", "ice – volc, supraglacial": "volcanic", "ice/sediment – volc": "volcanic",
    "supraglacial": "englacial", "water pocket": "englacial", "subglacial": "englacial",
    "englacial or marginal lake": "englacial",
}
_HMA_DAM = {
    "Moraine dammed": "moraine", "Ice dammed": "ice", "Bedrock": "bedrock", "Landslide dammed": "landslide",
    "Supraglacial": "englacial", "Water pocket": "englacial",
}


# --- formulas of DESIGN.md §2 (V in m3, Qp in m3/s) -------------------------------------------------------------
def huggel_volume(area_m2: float | np.ndarray) -> float | np.ndarray:
    """Lake volume (m3) from its area (m2): Huggel et al. (2002), V = 0.104 A^1.42."""
    return 0.104 * np.power(area_m2, 1.42)


QP_FORMULAS: dict[str, dict[str, object]] = {
    # name: (function of V in m3 -> Qp m3/s, dam types it was derived for, citation)
    "clague_mathews_1973": {"f": lambda v: 75.0 * (v / 1e6) ** 0.67, "dams": ("ice",), "cite": "Clague & Mathews (1973)"},
    "walder_costa_1996_tunnel": {"f": lambda v: 46.0 * (v / 1e6) ** 0.66, "dams": ("ice",), "cite": "Walder & Costa (1996)"},
    "walder_costa_1996_breach": {"f": lambda v: 1100.0 * (v / 1e6) ** 0.44, "dams": ("ice",), "cite": "Walder & Costa (1996)"},
    "huggel_2002": {"f": lambda v: 0.00077 * v ** 1.017, "dams": ("moraine",), "cite": "Huggel et al. (2002)"},
    "evans_1986": {"f": lambda v: 0.72 * v ** 0.53, "dams": ("moraine",), "cite": "Evans (1986)"},
    "popov_1991": {"f": lambda v: 0.0048 * v ** 0.896, "dams": ("moraine", "ice"), "cite": "Popov (1991), northern Tien Shan"},
}


def formula_peaks(volume_m3: float, dam: str) -> dict[str, float]:
    """Peak discharge (m3/s) of every DESIGN.md §2 formula made for ``dam`` (all of them for other dam types)."""
    out = {k: float(d["f"](volume_m3)) for k, d in QP_FORMULAS.items() if dam in d["dams"]}  # type: ignore[operator]
    return out or {k: float(d["f"](volume_m3)) for k, d in QP_FORMULAS.items()}  # type: ignore[operator]


def qp_upper_bound(volume_m3: float | np.ndarray) -> float | np.ndarray:
    """Huggel et al. (2002) upper bound of a moraine-dam outburst: Qp = 2 V / 1000 s (m3/s)."""
    return 2.0 * np.asarray(volume_m3) / 1000.0


def qp_lower_bound(volume_m3: float, dam: str) -> float:
    """The smallest peak the simulator draws: max(V0 / 1 day, smallest DESIGN.md §2 formula for ``dam`` / 10).

    Why: a scenario is a few hours long and its subject is a flood wave; a lake that empties over days
    (Merzbacher-type tunnel drainage of 10^8 m3) is a different warning problem, not simulated here.
    (A 6 h bound was tried first: it pushed small ice-dammed drainages a factor 4 above the records.)
    """
    return max(volume_m3 / 86_400.0, min(formula_peaks(volume_m3, dam).values()) / 10.0)


# --- building the shipped table from shared/data -----------------------------------------------------------------
def build_event_table(shared_data: Path) -> pd.DataFrame:
    """Derive the shipped table from ``shared/data`` (see the module docstring for the two sources).

    One row an event with a flood volume or a peak discharge: ``source, event, region, country, lake,
    year, dam, lake_area_m2, lake_volume_m3, flood_volume_m3, peak_discharge_m3s``. HMAGLOFDB rows are
    kept only where the global database has no event of the same country and year with a volume or
    peak within 10 % (the two catalogues overlap in High Mountain Asia).
    """
    veh = pd.read_csv(shared_data / "glof_events" / "Global_GLOF_database_2021_06_09.csv", low_memory=False)
    v = pd.DataFrame({
        "source": "veh2022",
        "event": veh["ID"].astype(str),
        "region": veh["Sheet"],
        "country": veh["Country"],
        "lake": veh["Lake"].fillna(veh["Glacier"]),
        "year": pd.to_numeric(veh["Date"].astype(str).str[:4], errors="coerce"),
        "dam": veh["Lake_type"].str.strip().map(_VEH_DAM).fillna("unknown"),
        "lake_area_m2": np.nan,
        "lake_volume_m3": pd.to_numeric(veh["Mean_Lake_Volume_VL"], errors="coerce") * 1e6,
        "flood_volume_m3": pd.to_numeric(veh["Mean_Flood_Volume_V0"], errors="coerce") * 1e6,
        "peak_discharge_m3s": pd.to_numeric(veh["Peak_discharge_Qp"], errors="coerce"),
    })
    hma = pd.read_csv(shared_data / "glof_inventory" / "HMAGLOFDB.csv", encoding="cp1252", low_memory=False)
    h = pd.DataFrame({
        "source": "hmaglofdb",
        "event": hma["GF_ID"].astype(str),
        "region": "High Mountain Asia",
        "country": hma["Country"],
        "lake": hma["Lake_name"],
        "year": pd.to_numeric(hma["Year_exact"], errors="coerce"),
        "dam": hma["Lake_type"].str.strip().map(_HMA_DAM).fillna("unknown"),
        "lake_area_m2": pd.to_numeric(hma["Area"], errors="coerce"),
        "lake_volume_m3": np.nan,
        "flood_volume_m3": pd.to_numeric(hma["Volume"], errors="coerce"),
        "peak_discharge_m3s": pd.to_numeric(hma["Discharge_water"], errors="coerce"),
    })
    keep = lambda d: d[(d.flood_volume_m3 > 0) | (d.peak_discharge_m3s > 0)]  # noqa: E731
    v, h = keep(v), keep(h)

    def dup(row: pd.Series) -> bool:
        same = v[(v.country == row.country) & (v.year == row.year)]
        for col in ("flood_volume_m3", "peak_discharge_m3s"):
            if row[col] > 0 and (np.abs(same[col] / row[col] - 1.0) < 0.1).any():
                return True
        return False

    h = h[~h.apply(dup, axis=1)]
    out = pd.concat([v, h], ignore_index=True)
    out["year"] = out["year"].astype("Int64")
    return out.reset_index(drop=True)


@cache
def load_events() -> pd.DataFrame:
    """The shipped table of recorded outbursts (no ``shared/`` needed)."""
    with resources.files("glofwatch").joinpath("data", "glof_events", TABLE).open("rb") as f:
        return pd.read_csv(f, dtype={"event": str})


# --- the prior the simulator draws from --------------------------------------------------------------------------
@dataclass(frozen=True)
class PeakFit:
    """log10 Qp = intercept + slope * log10 V0, with residual standard deviation ``sigma`` (log10 units)."""

    dam: str
    intercept: float
    slope: float
    sigma: float
    n: int

    def median(self, volume_m3: float | np.ndarray) -> float | np.ndarray:
        return np.power(10.0, self.intercept + self.slope * np.log10(volume_m3))


def fit_peaks(events: pd.DataFrame, dam: str) -> PeakFit:
    """Least-squares fit of log10 Qp on log10 V0 over the events of ``dam`` (all drawn dam types when fewer than 15)."""
    ok = (events.flood_volume_m3 > 0) & (events.peak_discharge_m3s > 0)
    sub = events[ok & (events.dam == dam)]
    if len(sub) < 15:
        sub = events[ok & events.dam.isin(DRAWN_DAMS)]
    x, y = np.log10(sub.flood_volume_m3.to_numpy()), np.log10(sub.peak_discharge_m3s.to_numpy())
    slope, intercept = np.polyfit(x, y, 1)
    resid = y - (intercept + slope * x)
    return PeakFit(dam=dam, intercept=float(intercept), slope=float(slope), sigma=float(resid.std(ddof=2)), n=len(sub))


@dataclass(frozen=True)
class OutburstPrior:
    """Draws drained fractions and peak discharges like the recorded outbursts (see module docstring)."""

    events: pd.DataFrame
    fits: dict[str, PeakFit] = field(default_factory=dict)

    @classmethod
    def from_events(cls, events: pd.DataFrame | None = None) -> OutburstPrior:
        ev = load_events() if events is None else events
        return cls(events=ev, fits={d: fit_peaks(ev, d) for d in (*DRAWN_DAMS, "unknown")})

    def fractions(self, dam: str) -> np.ndarray:
        e = self.events
        r = (e.flood_volume_m3 / e.lake_volume_m3).to_numpy()
        ok = np.isfinite(r) & (r > 0) & (r <= 1.0)
        own = r[ok & (e.dam == dam).to_numpy()]
        return own if len(own) >= 10 else r[ok & e.dam.isin(DRAWN_DAMS).to_numpy()]

    def drained_fraction(self, dam: str, rng: np.random.Generator) -> float:
        """A recorded V0/VL of this dam type, jittered a little, at least 0.05."""
        f = float(rng.choice(self.fractions(dam)))
        return float(np.clip(f * rng.uniform(0.9, 1.1), 0.05, 1.0))

    def peak_discharge(self, volume_m3: float, dam: str, rng: np.random.Generator) -> float:
        """Qp (m3/s) for a flood volume: the fitted median times the recorded scatter (within 2 sigma).

        Kept between :func:`qp_lower_bound` (a lake that drains within a day, not weeks; the smallest
        DESIGN.md §2 formula for the dam type divided by 10) and the upper bound 2 V0 / 1000 s.
        """
        fit = self.fits.get(dam) or self.fits["unknown"]
        z = float(np.clip(rng.standard_normal(), -2.0, 2.0))
        q = float(fit.median(volume_m3)) * 10.0 ** (fit.sigma * z)
        return float(np.clip(q, qp_lower_bound(volume_m3, dam), qp_upper_bound(volume_m3)))


@cache
def default_prior() -> OutburstPrior:
    return OutburstPrior.from_events()


# --- debris flows: measured Illgraben events -----------------------------------------------------------------------
@cache
def load_debris_flows() -> pd.DataFrame:
    """Measured Illgraben debris flows 2019-2020 (``glofwatch/data/debris_flows``, provenance in its README)."""
    with resources.files("glofwatch").joinpath("data", "debris_flows", "illgraben_2019_2020.csv").open("rb") as f:
        return pd.read_csv(f)


def debris_flow_peak(volume_m3: float, u: float) -> float:
    """Debris-flow peak discharge (m3/s) for a volume, at quantile ``u`` in [0, 1] of the measured spread.

    Qp = Mizuyama et al. (1992) 0.0188 V^0.79 x 10^r, with r drawn from the measured Illgraben log10
    ratios Qp / Mizuyama (median -0.32, i.e. half of Mizuyama; Rickenmann 1999 is 18x above these
    measurements), widened by 0.15 at both ends for torrents other than Illgraben.
    """
    from glofwatch.sim.physics import mizuyama_peak

    d = load_debris_flows().dropna(subset=["volume_m3", "peak_discharge_m3s"])
    r = np.sort(np.log10(d.peak_discharge_m3s.to_numpy() / mizuyama_peak(d.volume_m3.to_numpy())))
    knots = np.concatenate([[r[0] - 0.15], r, [r[-1] + 0.15]])
    return float(mizuyama_peak(volume_m3) * 10.0 ** np.interp(u, np.linspace(0.0, 1.0, len(knots)), knots))


# --- how well the drawn peaks match the recorded ones ------------------------------------------------------------
def peak_match(events: pd.DataFrame | None = None, *, seed: int = 0, max_volume_m3: float | None = 1e7,
               dams: tuple[str, ...] = ("moraine", "ice")) -> dict[str, object]:
    """Compare simulated and recorded peak discharges for the recorded flood volumes (two-fold cross-validation).

    The events with both V0 and Qp (of ``dams``, V0 <= ``max_volume_m3``) are split in two halves at random;
    a prior fitted on one half draws a Qp for each V0 of the other half. The simulated and recorded
    log10 Qp are compared with the two-sample Kolmogorov-Smirnov statistic and quantiles, per dam type
    and pooled; the DESIGN.md §2 formulas (no scatter) are scored the same way for reference.
    """
    from scipy.stats import ks_2samp

    ev = load_events() if events is None else events
    rng = np.random.default_rng(seed)
    ok = (ev.flood_volume_m3 > 0) & (ev.peak_discharge_m3s > 0) & ev.dam.isin(dams)
    if max_volume_m3 is not None:
        ok &= ev.flood_volume_m3 <= max_volume_m3
    sub = ev[ok].reset_index(drop=True)
    fold = rng.permutation(len(sub)) % 2
    sim = np.empty(len(sub))
    for k in (0, 1):
        train = ev[~ev.index.isin(ev[ok].index[fold == k])]  # everything but this half's events
        prior = OutburstPrior.from_events(train)
        for i in np.flatnonzero(fold == k):
            sim[i] = prior.peak_discharge(float(sub.flood_volume_m3[i]), str(sub.dam[i]), rng)
    rec = sub.peak_discharge_m3s.to_numpy(float)

    def compare(mask: np.ndarray, model: np.ndarray) -> dict[str, object]:
        a, b = np.log10(rec[mask]), np.log10(model[mask])
        ks = ks_2samp(a, b)
        qs = [0.1, 0.5, 0.9]
        return {"n": int(mask.sum()), "ks": round(float(ks.statistic), 3), "p_value": round(float(ks.pvalue), 3),
                "recorded_log10_q10_q50_q90": [round(float(x), 2) for x in np.quantile(a, qs)],
                "simulated_log10_q10_q50_q90": [round(float(x), 2) for x in np.quantile(b, qs)],
                "median_log10_ratio": round(float(np.median(b - a)), 2),
                "share_within_factor_3": round(float(np.mean(np.abs(b - a) <= np.log10(3))), 3)}

    out: dict[str, object] = {"events": len(sub), "max_volume_m3": max_volume_m3, "seed": seed, "simulator": {}, "formulas": {}}
    groups = {"all": np.ones(len(sub), bool), **{d: (sub.dam == d).to_numpy() for d in dams}}
    for g, m in groups.items():
        if m.sum() >= 5:
            out["simulator"][g] = compare(m, sim)  # type: ignore[index]
    for name, spec in QP_FORMULAS.items():
        m = sub.dam.isin(spec["dams"]).to_numpy()  # type: ignore[arg-type]
        if m.sum() >= 5:
            out["formulas"][name] = compare(m, spec["f"](sub.flood_volume_m3.to_numpy(float)))  # type: ignore[index,operator]
    return out
