"""Lake hazard numbers: area -> volume -> peak discharge, with formulas declared as data.

Each :class:`Formula` says what it computes, in which units, for which dam type, and where it comes
from (DESIGN.md §2). Units are the classic trap: some authors take V in m^3, others in 10^6 m^3; here
every formula takes SI inputs and converts internally, so ``f(1e6)`` means one million cubic metres.

The shipped estimate (:data:`SHIPPED_QP`) is a log-log fit per dam type to recorded outbursts
(Veh et al. 2022 global GLOF database), cross-validated by lake (``benchmarks/lakes_hazard.py``):
its median error is lower than that of the best single published formula, and its uncertainty is the
10-90 % range of the cross-validated residuals (a factor, not a guess). The published formulas valid
for the dam type are reported beside it as the literature spread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

Quantity = Literal["volume", "peak_discharge"]
DamClass = Literal["moraine", "ice", "other"]


@dataclass(frozen=True)
class Formula:
    """y = coef * (x / x_unit) ** exponent.

    x_unit: the unit the author's x is in, expressed in SI (1e6 for "10^6 m^3", 1 for m^3 or m^2).
    dam: dam types the formula was derived for (``any`` when general); bound: an upper envelope, not a central value.
    """

    name: str
    output: Quantity
    input: Literal["area_m2", "volume_m3"]
    coef: float
    exponent: float
    x_unit: float
    unit: str
    dam: tuple[str, ...]
    cite: str
    bound: bool = False

    def __call__(self, x: float) -> float:
        return self.coef * (x / self.x_unit) ** self.exponent


FORMULAS: tuple[Formula, ...] = (
    Formula("huggel2002_volume", "volume", "area_m2", 0.104, 1.42, 1.0, "m3", ("any",),
            "Huggel, Kääb, Haeberli, Teysseire & Paul (2002), Can. Geotech. J. 39:316"),
    Formula("clague_mathews1973", "peak_discharge", "volume_m3", 75.0, 0.67, 1e6, "m3/s", ("ice",),
            "Clague & Mathews (1973), J. Glaciol. 12:501"),
    Formula("walder_costa1996_tunnel", "peak_discharge", "volume_m3", 46.0, 0.66, 1e6, "m3/s", ("ice",),
            "Walder & Costa (1996), Earth Surf. Process. Landforms 21:701 (tunnel drainage)"),
    Formula("walder_costa1996_breach", "peak_discharge", "volume_m3", 1100.0, 0.44, 1e6, "m3/s", ("ice",),
            "Walder & Costa (1996), ice dams drained by a breach (no tunnel)"),
    Formula("huggel2002_moraine", "peak_discharge", "volume_m3", 0.00077, 1.017, 1.0, "m3/s", ("moraine",),
            "Huggel et al. (2002), moraine-dammed lakes"),
    Formula("huggel2002_upper", "peak_discharge", "volume_m3", 2.0 / 1000.0, 1.0, 1.0, "m3/s", ("moraine",),
            "Huggel et al. (2002), upper bound Qp = 2V / 1000 s", bound=True),
    Formula("evans1986", "peak_discharge", "volume_m3", 0.72, 0.53, 1.0, "m3/s", ("moraine",),
            "Evans (1986), moraine dams, Can. Geotech. J. 23:385"),
    Formula("popov1991", "peak_discharge", "volume_m3", 0.0048, 0.896, 1.0, "m3/s", ("moraine",),
            "Popov (1991), northern Tien Shan moraine lakes"),
)
FORMULA_BY_NAME = {f.name: f for f in FORMULAS}


def dam_class(lake_type: object) -> DamClass:
    """Catalogue lake types (``ice``, ``ice – volc``, ``Moraine dammed``, ``moraine/bedrock``...) -> ice/moraine/other."""
    t = lake_type.strip().lower() if isinstance(lake_type, str) else ""
    if t.startswith("ice") and "moraine" not in t:
        return "ice"
    if t.startswith("moraine"):
        return "moraine"
    return "other"


@dataclass(frozen=True)
class QpFit:
    """log10 Qp = a + b log10 V (V in m^3, Qp in m^3/s), with the 10/90 % quantiles of cross-validated log10 residuals."""

    dam: str
    a: float
    b: float
    q10: float
    q90: float
    n: int
    cite: str = "fitted to Veh et al. (2022) global GLOF database (V0, Qp), cross-validated by lake"

    def __call__(self, volume_m3: float) -> float:
        return 10 ** (self.a + self.b * math.log10(volume_m3))

    def range(self, volume_m3: float) -> tuple[float, float]:
        c = self(volume_m3)
        return c * 10 ** self.q10, c * 10 ** self.q90


#: Fitted on every event with V0 and Qp by ``benchmarks/lakes_hazard.py --fit`` (values pasted here).
SHIPPED_QP: dict[str, QpFit] = {
    "ice": QpFit("ice", a=-2.9401, b=0.7272, q10=-0.686, q90=0.674, n=393),
    "moraine": QpFit("moraine", a=0.7369, b=0.3763, q10=-0.847, q90=0.805, n=44),
    "other": QpFit("other", a=-1.0687, b=0.4997, q10=-0.706, q90=0.973, n=30),
}


@dataclass(frozen=True)
class HazardEstimate:
    """Volume and peak discharge of one lake, with ranges. Formula values are kept for the record."""

    area_m2: float
    dam: str
    volume_m3: float
    peak_discharge_m3s: float
    peak_discharge_range_m3s: tuple[float, float]
    formulas_m3s: dict[str, float] = field(default_factory=dict)
    method: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"area_m2": self.area_m2, "dam": self.dam, "volume_m3": round(self.volume_m3),
                "peak_discharge_m3s": round(self.peak_discharge_m3s, 1),
                "peak_discharge_range_m3s": [round(x, 1) for x in self.peak_discharge_range_m3s],
                "formulas_m3s": {k: round(v, 1) for k, v in self.formulas_m3s.items()}, "method": self.method}


def estimate(area_m2: float, dam: str = "unknown", *, volume_m3: float | None = None,
             fits: dict[str, QpFit] | None = None) -> HazardEstimate:
    """Volume (Huggel 2002, unless ``volume_m3`` is known) and peak discharge of a lake of ``area_m2``.

    >>> e = estimate(64_000, "moraine")
    >>> round(e.volume_m3 / 1e6, 2)
    0.7
    """
    fits = fits or SHIPPED_QP
    v = volume_m3 if volume_m3 is not None else FORMULA_BY_NAME["huggel2002_volume"](area_m2)
    cls = dam_class(dam) if dam not in ("ice", "moraine") else dam
    fit = fits.get(cls) or fits["other"]
    lit = {f.name: f(v) for f in FORMULAS if f.output == "peak_discharge" and (cls in f.dam or cls == "other")}
    return HazardEstimate(area_m2=area_m2, dam=cls, volume_m3=v, peak_discharge_m3s=fit(v),
                          peak_discharge_range_m3s=fit.range(v), formulas_m3s=lit,
                          method=f"Qp fit for {cls} dams (n={fit.n}), 10-90 % range of cross-validated residuals")
