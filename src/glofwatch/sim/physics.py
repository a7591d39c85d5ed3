"""The physics of a simulated flood, as small vectorised functions over numpy arrays (times in seconds).

- :class:`Hydrograph`: outflow at the source, a linear rise to the peak then an exponential
  recession, scaled so that its integral is the released volume (m3).
- :class:`Channel`: the front's travel along the flow path. Celerity ``c(x) = c0 (1 - decay x / L)``,
  never below 2 m/s (DESIGN.md §1: 2-10 m/s), integrated on a 50 m grid; the peak attenuates as
  ``Qp(x) = Qp0 exp(-x / attenuation_km)`` and the hydrograph stretches so that volume is conserved.
- :func:`stage_from_discharge`: a power-law rating curve h = h0 + (Q / C)^(1/1.6).
- :func:`geophone_rms`: ground velocity RMS (mm/s) at a channel geophone: grows with the discharge
  passing it and, before the front arrives, with its approach (amplitude decaying with distance).

Everything is pure: inputs in, arrays out. The parameters come from :mod:`glofwatch.sim.scenarios`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_CELERITY_MS = 2.0
MAX_CELERITY_MS = 10.0


@dataclass(frozen=True)
class Hydrograph:
    """Outflow Q(t) (m3/s) of a release starting at t=0: linear rise over ``rise_s``, then exp. recession.

    volume = Qp * rise_s / 2 + Qp * recession_s, so ``recession_s`` follows from the volume and peak.
    """

    volume_m3: float
    peak_m3s: float
    rise_s: float

    @classmethod
    def from_volume(cls, volume_m3: float, peak_m3s: float, *, rise_share: float = 0.3) -> Hydrograph:
        """A hydrograph of ``volume_m3`` peaking at ``peak_m3s``; the rise takes ``rise_share`` of V/Qp."""
        return cls(volume_m3=volume_m3, peak_m3s=peak_m3s, rise_s=max(30.0, rise_share * volume_m3 / peak_m3s))

    @property
    def recession_s(self) -> float:
        return max(1.0, self.volume_m3 / self.peak_m3s - self.rise_s / 2.0)

    def discharge(self, t_s: np.ndarray, *, stretch: float = 1.0) -> np.ndarray:
        """Q at times ``t_s`` after the start; ``stretch`` > 1 lowers the peak by that factor and lengthens
        the hydrograph by it (the same volume, attenuated)."""
        t = np.asarray(t_s, dtype=float) / stretch
        qp = self.peak_m3s / stretch
        rise = np.clip(t / self.rise_s, 0.0, 1.0) * qp
        fall = qp * np.exp(-np.clip(t - self.rise_s, 0.0, None) / self.recession_s)
        return np.where(t < 0, 0.0, np.where(t < self.rise_s, rise, fall))

    def released(self, t_s: np.ndarray) -> np.ndarray:
        """Cumulative volume released by time ``t_s`` (m3), the closed form of the integral of Q."""
        t = np.asarray(t_s, dtype=float)
        qp, tr, k = self.peak_m3s, self.rise_s, self.recession_s
        up = qp * np.clip(t, 0, tr) ** 2 / (2 * tr)
        down = qp * k * (1.0 - np.exp(-np.clip(t - tr, 0, None) / k))
        total = qp * tr / 2 + qp * k
        return np.minimum(up + down, total) * (self.volume_m3 / total)


@dataclass(frozen=True)
class Channel:
    """Front travel down one flow path (chainage in km from the source)."""

    c0_ms: float  # celerity at the source (m/s)
    decay: float  # share of c0 lost by ``length_km`` (0 = constant speed)
    length_km: float  # the farthest chainage of interest
    attenuation_km: float  # e-folding distance of the peak discharge

    def celerity(self, x_km: np.ndarray) -> np.ndarray:
        c = self.c0_ms * (1.0 - self.decay * np.asarray(x_km, dtype=float) / max(self.length_km, 1e-9))
        return np.clip(c, MIN_CELERITY_MS, MAX_CELERITY_MS)

    def travel_s(self, x_km: float | np.ndarray) -> np.ndarray:
        """Seconds the front needs from chainage 0 to ``x_km`` (trapezoidal integral of dx / c on a 50 m grid)."""
        x = np.atleast_1d(np.asarray(x_km, dtype=float))
        grid = np.linspace(0.0, max(float(x.max(initial=0.0)), 0.05), max(2, int(np.ceil(x.max(initial=0.0) / 0.05)) + 1))
        inv = 1000.0 / self.celerity(grid)
        cum = np.concatenate([[0.0], np.cumsum(0.5 * (inv[1:] + inv[:-1]) * np.diff(grid))])
        return np.interp(x, grid, cum)

    def front_km(self, t_s: np.ndarray, *, x_max_km: float) -> np.ndarray:
        """Where the front is ``t_s`` seconds after it left chainage 0 (inverse of :meth:`travel_s`)."""
        grid = np.linspace(0.0, x_max_km, max(2, int(np.ceil(x_max_km / 0.05)) + 1))
        tt = self.travel_s(grid)
        return np.interp(np.asarray(t_s, dtype=float), tt, grid, left=0.0, right=x_max_km)

    def peak_factor(self, dx_km: float) -> float:
        """Qp(x0 + dx) / Qp(x0): exponential attenuation along the path."""
        return float(np.exp(-max(dx_km, 0.0) / self.attenuation_km))


def stage_from_discharge(q_m3s: np.ndarray, *, rating_c: float) -> np.ndarray:
    """Rise of the water surface (m) for an extra discharge ``q`` with the rating Q = C h^1.6."""
    return np.power(np.clip(q_m3s, 0.0, None) / rating_c, 1.0 / 1.6)


def geophone_rms(q_m3s: np.ndarray, approach_km: np.ndarray, front_q_m3s: float, *, gain: float,
                 range_km: float = 0.6) -> np.ndarray:
    """Extra ground-velocity RMS (mm/s) from a flow: ``gain (Q/100)^0.8`` passing, plus the approaching
    front's ``gain (Qfront/100)^0.8 exp(-d/range_km)`` while it is ``d`` km upstream (NaN ``d`` = no front)."""
    passing = gain * np.power(np.clip(q_m3s, 0.0, None) / 100.0, 0.8)
    d = np.asarray(approach_km, dtype=float)
    near = np.where(np.isfinite(d), gain * (front_q_m3s / 100.0) ** 0.8 * np.exp(-np.nan_to_num(d, nan=1e9) / range_km), 0.0)
    return passing + near


def caine_intensity(duration_h: np.ndarray | float) -> np.ndarray:
    """Caine (1980) rainfall intensity (mm/h) above which debris flows start, for a storm of ``duration_h``."""
    return 14.82 * np.power(np.asarray(duration_h, dtype=float), -0.39)


def guzzetti_intensity(duration_h: np.ndarray | float) -> np.ndarray:
    """Guzzetti et al. (2008) global minimum threshold I = 2.20 D^-0.44 (mm/h)."""
    return 2.20 * np.power(np.asarray(duration_h, dtype=float), -0.44)


def rickenmann_peak(volume_m3: float) -> float:
    """Debris-flow peak discharge (m3/s) from its volume, granular flows: Rickenmann (1999), Qp = 0.1 M^0.833."""
    return 0.1 * volume_m3**0.833


def mizuyama_peak(volume_m3: float | np.ndarray) -> float | np.ndarray:
    """Debris-flow peak discharge (m3/s) of muddy flows: Mizuyama et al. (1992), Qp = 0.0188 M^0.79."""
    return 0.0188 * volume_m3**0.79
