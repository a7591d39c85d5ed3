"""An independent scenario generator: a red team's second opinion on detection.

    .venv/bin/python benchmarks/independent_scenarios.py --site S --out DIR --seed N --n N
    .venv/bin/glofwatch evaluate --site S --scenarios DIR

Written without reading glofwatch's own simulator, detection or models: only the site file, the
scenario file contract (docs/scenarios.md "The contract") and the real records in ../shared/data.
Its physical choices (docs/independent-scenarios.md) are taken from the literature and the real
data, on purpose different from the main simulator's where the literature allows:

- lake volume: Cook & Quincey (2015) V = 0.1217 A^1.4129; the lake a paraboloid bowl (the surface
  shrinks as it drains, so the level falls faster than released volume / area).
- drained fraction and peak discharge: resampled from the recorded events of the same dam type in
  the Global GLOF database (Veh et al. 2022): a recorded event of similar flood volume is drawn
  (nearest 8 in log V0) and its peak scaled to our volume as (V/V_rec)^0.7; bounded by 2 V0 / 1000 s
  (Huggel 2002) and by drainage within 2 days.
- breach hydrographs: a gamma-shaped hydrograph (moraine breaches, fast ice-dam failures);
  Nye-type tunnel drainages of ice-dammed lakes: exponential growth over hours then a sharp fall.
- routing: a cascade of non-linear reservoirs (250 m reaches) with Manning's equation and Jarrett's
  (1984) roughness for steep mountain streams n = 0.39 S^0.38 R^-0.16, channel widths 6-25 m, an
  overbank storage factor; the slope from the elevations of the lake and stations of the site.
  Celerity and attenuation follow from the discharge, nothing is drawn for them.
- debris flows: volume lognormal (median 5e4 m3), peak from the 13 measured Illgraben debris flows
  (log10 Qp = -2.03 + 0.80 log10 V, scatter widened to 0.25), a steep front then an exponential tail,
  front speed from the measured Illgraben front velocities (median 2.9 m/s), peak loss by deposition.
- geophone: background from the real Illgraben ILL11 record before the front (1-min RMS 5-20 Hz of
  the quiet 17:43-18:15 UTC: median 0.0016 mm/s, log10 sd 0.13, lag-1 autocorrelation 0.87), river
  noise that follows discharge, rain-drop noise growing with intensity, a flow signal
  0.046 mm/s x (Q / 10 m3/s)^0.67 (the real ILL11 peak of the ~10 m3/s flow) times a lognormal
  coupling factor (sd 0.5 ln), a third of that for a water flood, and the approaching flow heard
  before it arrives (e-folding 1.5-5 min, as the real rise).
- weather: diurnal cycle and noise from the Hintereisferner AWS (TOA5 10-min records: Tair residual
  sd 0.22 K, humidity 1.3 %, wind sd 2.1 m/s, the real battery charge cycle 12.4-13.4 V); storms are
  the 8 wettest real 13-hour sequences of the Hintereisferner hourly record, scaled to a target
  ratio of the Caine (1980) threshold, disaggregated to 10 min, and decaying away from the storm
  centre (exp(-d/L), L 10-40 km).
- rain runoff at gauges: Nash cascade (3 reservoirs, k 0.3-1 h), runoff coefficient 0.15-0.4,
  catchment area from the chainage by Hack's law (L = 1.4 A^0.6).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

# --- real data, derived once (commands in docs/independent-scenarios.md) -------------------------

# Global GLOF database 2021-06-09 (Veh et al. 2022): (V0 in 10^6 m3, Qp m3/s), V0 <= 20e6 m3.
RECORDED_MORAINE = [
    (0.0025, 225.0), (0.004, 1000.0), (0.01, 450.0), (0.057, 10000.0), (0.08, 400.0), (0.13, 183.0),
    (0.22, 100.0), (0.3, 70.0), (0.3, 300.0), (0.3, 575.0), (0.3, 630.0), (0.32, 285.0), (0.32, 490.0),
    (0.4, 670.0), (0.4, 830.0), (0.437, 27.0), (0.46, 545.0), (0.525, 29.5), (1.3, 4400.0), (1.5, 600.0),
    (1.7, 1444.0), (2.0, 510.0), (2.0, 2000.0), (3.3, 1540.0), (3.8, 10000.0), (4.0, 221.0),
    (5.8, 12000.0), (6.0, 11000.0), (6.5, 1080.0), (6.5, 1180.0), (8.0, 1975.0), (10.0, 4100.0),
    (10.0, 5390.0), (10.8, 3100.0), (12.4, 1200.0), (12.5, 10000.0), (13.5, 48.0), (18.0, 10000.0),
    (18.9, 15920.0),
]
RECORDED_ICE = [
    (0.17, 15.0), (0.261, 609.0), (0.36, 32.0), (0.4, 150.0), (0.4, 400.0), (0.455, 9.5), (0.5, 47.0),
    (0.5, 200.0), (0.805, 40.0), (0.8352, 85.0), (1.07, 6.7), (1.09, 11.3), (1.11, 19.6), (1.16, 20.0),
    (1.209, 42.0), (1.38, 7.6), (1.43, 15.7), (1.44, 44.0), (1.49, 9.9), (1.5, 11.6), (1.55, 16.6),
    (1.6, 11.2), (1.628, 37.0), (1.75, 150.0), (1.76, 18.6), (1.79, 14.0), (1.83, 9.8), (1.83, 10.8),
    (1.9, 9.0), (1.92, 9.4), (2.0, 18.4), (2.0, 80.0), (2.0, 327.0), (2.03, 13.1), (2.06, 17.4),
    (2.1, 32.1), (2.15, 9.4), (2.17, 18.8), (2.2, 6.8), (2.2, 18.7), (2.29, 15.9), (2.3, 40.3),
    (2.4, 26.8), (2.48, 20.4), (2.49, 19.0), (2.51, 17.5), (2.56, 19.9), (2.59, 150.0), (2.69, 19.4),
    (2.85, 19.8), (2.9, 10.0), (2.9, 29.0), (2.98, 20.0), (3.16, 23.5), (3.4, 20.0), (3.4, 260.0),
    (3.44, 30.0), (3.6, 28.0), (3.89, 18.0), (4.15, 33.2), (4.42, 15.8), (4.45, 19.0), (4.47, 22.0),
    (4.5, 195.0), (4.69, 22.8), (4.7, 63.0), (5.0, 115.0), (5.01, 33.7), (5.6, 400.0), (5.7, 25.4),
    (9.0, 45.0), (9.0, 96.0), (10.0, 159.0), (10.0, 180.0), (11.0, 238.0), (11.5, 900.0),
]
# V0 / VL of recorded events (same database, ratios > 1.2 dropped as inconsistent, then <= 1).
DRAINED_MORAINE = [0.09, 0.15, 0.2, 0.22, 0.34, 0.34, 0.36, 0.38, 0.44, 0.52, 0.56, 0.58, 0.58, 0.6,
                   0.67, 0.7, 0.7, 0.71, 0.76, 0.86, 0.87, 0.9, 0.98, 0.98] + [1.0] * 9
DRAINED_ICE = [0.03, 0.34, 0.38, 0.45, 0.48, 0.58, 0.63, 0.66, 0.67, 0.69, 0.73, 0.84, 0.89, 0.91,
               0.91, 0.92, 0.94] + [1.0] * 29
# Hintereisferner hourly precipitation (mm/h): the 8 wettest 13-h sequences of 2018-09..2019-07.
STORMS_MM_H = [
    [1.5, 1.2, 6.6, 4.8, 7.0, 5.5, 2.5, 10.9, 5.6, 8.5, 1.1, 0.4, 0.2],
    [0.2, 0.4, 0.0, 1.4, 1.7, 2.9, 2.8, 12.7, 7.2, 10.4, 0.1, 0.0, 1.2],
    [1.6, 2.4, 3.1, 2.2, 3.2, 4.8, 6.2, 7.6, 6.2, 4.3, 0.3, 0.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 8.0, 10.4, 11.8, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.8, 0.4, 1.3, 2.2, 3.6, 3.0, 6.3, 5.8, 5.0, 6.3, 3.4, 0.9, 0.2],
    [1.0, 0.7, 0.7, 0.2, 4.6, 4.2, 3.3, 5.7, 3.4, 2.9, 2.9, 1.1, 0.0],
    [0.6, 2.0, 2.2, 2.0, 2.3, 4.2, 3.8, 3.5, 2.7, 2.7, 1.4, 1.1, 1.1],
    [0.1, 0.0, 0.0, 0.0, 0.8, 2.6, 5.1, 6.6, 2.4, 1.0, 0.0, 0.0, 0.0],
]
# Hintereisferner CR3000 Batt_Min by UTC hour (V): the real solar charge cycle.
BATTERY_BY_HOUR = [12.43, 12.41, 12.4, 12.4, 12.54, 13.22, 13.39, 13.39, 13.28, 13.19, 13.09, 13.2,
                   13.18, 13.18, 13.25, 13.34, 13.39, 13.37, 13.07, 12.68, 12.56, 12.51, 12.48, 12.45]
# Illgraben ILL11 (2019-06-10), 1-min RMS of the 5-20 Hz ground velocity: the quiet 32 min 17:43-18:15 UTC
# (before the ~20-min rise that precedes the front), and the peak of the ~10 m3/s debris flow.
ILL_BG_MM_S, ILL_BG_LOG10_SD, ILL_BG_AR1 = 0.00158, 0.133, 0.87
ILL_DF_PEAK_MM_S, ILL_DF_Q = 0.046, 10.0

RECEDE_H = 1.5


def caine(d_h: float) -> float:
    return 14.82 * d_h ** -0.39


def iso(t: pd.Timestamp) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- the site as paths ---------------------------------------------------------------------------

@dataclass
class PathPoint:
    station: str
    kind: str  # gauge | geophone | other
    chainage_km: float


@dataclass
class SitePath:
    lake: str
    zones: dict[str, float]
    points: list[PathPoint]
    profile: list[tuple[float, float]]  # (chainage km, elevation m)
    lake_station: str | None


def site_paths(site) -> dict[str, SitePath]:
    out = {}
    for fp in site.flow_paths:
        lake = site.lake_by_id[fp.lake]
        pts: list[PathPoint] = []
        prof = [(0.0, lake.elevation_m or 3500.0)]
        for st in site.stations:
            if st.flow_path is None:
                continue
            ch = None
            if st.flow_path.lake == fp.lake:
                ch = st.flow_path.chainage_km
            else:  # a station of another lake's path counts where the paths share zones
                other = site.flow_path(st.flow_path.lake)
                shared = set(other.zones) & set(fp.zones) if other else set()
                if shared:
                    z = sorted(shared, key=lambda k: fp.zones[k])[0]
                    off = fp.zones[z] - other.zones[z]
                    if off >= 0:
                        ch = st.flow_path.chainage_km + off
            if ch is None:
                continue
            kind = st.kind if st.kind in ("gauge", "geophone") else "other"
            pts.append(PathPoint(st.id, kind, ch))
            if st.elevation_m is not None:
                prof.append((ch, st.elevation_m))
        prof.sort()
        lake_st = next((s.id for s in site.stations if s.kind == "lake" and s.lake == fp.lake), None)
        out[fp.lake] = SitePath(fp.lake, dict(fp.zones), sorted(pts, key=lambda p: p.chainage_km), prof, lake_st)
    return out


def slope_at(prof: list[tuple[float, float]], x_km: np.ndarray) -> np.ndarray:
    s = np.full(len(x_km), 0.06)
    for (x0, z0), (x1, z1) in zip(prof, prof[1:], strict=False):
        if x1 > x0:
            m = (x_km >= x0) & (x_km < x1)
            s[m] = (z0 - z1) / ((x1 - x0) * 1000)
    if len(prof) >= 2:  # beyond the last known point: the last slope, flattening toward the valley
        (x0, z0), (x1, z1) = prof[-2], prof[-1]
        last = (z0 - z1) / max((x1 - x0) * 1000, 1.0)
        s[x_km >= prof[-1][0]] = 0.6 * last
    return np.clip(s, 0.01, 0.25)


# --- hydraulics ----------------------------------------------------------------------------------

JARRETT_P = 1.0 / 1.8267  # Manning with Jarrett's n: Q = B h^1.8267 S^0.12 / 0.39


def depth(q: np.ndarray, width: float, slope: float) -> np.ndarray:
    return (0.39 * np.maximum(q, 0.0) / (width * slope ** 0.12)) ** JARRETT_P


@dataclass
class Channel:
    x_km: np.ndarray  # reach centres
    width: np.ndarray
    slope: np.ndarray
    storage_factor: np.ndarray  # overbank storage: effective width / channel width


def make_channel(rng, path: SitePath, x0_km: float, x1_km: float, dx_km: float = 0.25) -> Channel:
    x = np.arange(x0_km + dx_km / 2, x1_km + dx_km, dx_km)
    return Channel(x, rng.uniform(6, 25) * rng.uniform(0.8, 1.25, len(x)), slope_at(path.profile, x),
                   rng.uniform(1.0, 1.6) * np.ones(len(x)))


def route(ch: Channel, inflow: np.ndarray, dt: float, q_base: float, record_km: list[float]) -> np.ndarray:
    """Cascade of non-linear reservoirs: inflow (m3/s at dt) -> discharge at the record points."""
    dx = (ch.x_km[1] - ch.x_km[0]) * 1000 if len(ch.x_km) > 1 else 250.0
    a = ch.width * ch.slope ** 0.12 / 0.39  # Q = a h^1.8267
    beff = ch.width * ch.storage_factor
    h0 = (q_base / a) ** JARRETT_P
    vol = beff * h0 * dx
    idx = [int(np.clip(np.searchsorted(ch.x_km, r), 0, len(ch.x_km) - 1)) for r in record_km]
    out = np.empty((len(inflow), len(idx)))
    coef = a / (beff * dx) ** 1.8267
    q = coef * vol ** 1.8267
    for k in range(len(inflow)):
        upstream = np.empty_like(q)
        upstream[0] = inflow[k] + q_base
        upstream[1:] = q[:-1]
        vol += dt * (upstream - q)
        np.maximum(vol, 0.0, out=vol)
        q = coef * vol ** 1.8267
        out[k] = q[idx]
    return out - q_base


# --- a scenario ----------------------------------------------------------------------------------

@dataclass
class Scene:
    site: object
    rng: np.random.Generator
    start: pd.Timestamp
    end: pd.Timestamp
    truth: dict
    series: dict = field(default_factory=dict)  # (station, sensor) -> (times ns int64, values)
    rain: dict = field(default_factory=dict)  # station -> mm per 10 min on a 10-min grid from start
    q_extra: dict = field(default_factory=dict)  # station -> (t_s grid, extra discharge m3/s)
    geo_extra: dict = field(default_factory=dict)  # station -> (t_s grid, flow seismic amplitude mm/s)
    level_drop: tuple | None = None  # (t_s grid, drawdown m) at the lake station
    silent_from: dict = field(default_factory=dict)  # station -> time the station stops for good


def hydrograph_gamma(v0: float, qp: float, m: float, dt: float) -> tuple[np.ndarray, float]:
    # q = qp (t/tp)^m exp(m (1 - t/tp)); volume = qp tp e^m m^-(m+1) Gamma(m+1)
    tp = v0 / (qp * math.exp(m) * m ** -(m + 1) * math.gamma(m + 1))
    t = np.arange(0, tp * 8 + dt, dt)
    q = qp * (t / tp) ** m * np.exp(m * (1 - t / tp))
    q *= v0 / (q.sum() * dt)
    return q, tp


def hydrograph_tunnel(v0: float, qp: float, dt: float) -> tuple[np.ndarray, float, float]:
    """Nye-type drainage: exponential growth (time constant tau), a sharp exponential fall (tau/4).
    Starts where the flow is 1 % of the peak; returns (q, time to peak, tau)."""
    tau = v0 / (1.25 * qp)
    t_rise = tau * math.log(100.0)
    t = np.arange(0, t_rise + 6 * tau / 4 + dt, dt)
    q = np.where(t <= t_rise, qp * np.exp((t - t_rise) / tau), qp * np.exp(-(t - t_rise) / (tau / 4)))
    q *= v0 / (q.sum() * dt)
    return q, t_rise, tau


def lake_volume(lake) -> float:
    if lake.volume_m3:
        return float(lake.volume_m3)
    return 0.1217 * float(lake.area_m2 or 50000.0) ** 1.4129  # Cook & Quincey 2015


def drawdown(released: np.ndarray, area: float, vol: float) -> np.ndarray:
    """Paraboloid bowl: area shrinks linearly with depth; V(z) = A (z - z^2 / 2D), D = 2 V / A."""
    d = 2 * vol / area
    r = np.clip(released / area, 0, d / 2)
    return d - np.sqrt(np.maximum(d * d - 2 * d * r, 0.0))


def front_time(t_s: np.ndarray, q: np.ndarray) -> float | None:
    peak = float(np.max(q)) if len(q) else 0.0
    thr = max(0.5, 0.05 * peak)
    hit = np.nonzero(q >= thr)[0]
    return float(t_s[hit[0]]) if len(hit) and peak >= 0.5 else None


def plan_glof(sc: Scene, paths: dict[str, SitePath], lake_id: str) -> None:
    rng, site = sc.rng, sc.site
    lake = site.lake_by_id[lake_id]
    path = paths[lake_id]
    vl = lake_volume(lake) * rng.lognormal(0, 0.3)
    ice = lake.dam == "ice"
    frac = float(rng.choice(DRAINED_ICE if ice else DRAINED_MORAINE))
    frac = float(np.clip(frac * rng.uniform(0.9, 1.05), 0.08, 1.0))
    v0 = vl * frac
    rec = np.array(RECORDED_ICE if ice else RECORDED_MORAINE)
    near = np.argsort(np.abs(np.log10(rec[:, 0] * 1e6) - math.log10(v0)))[:8]
    vr, qr = rec[rng.choice(near)]
    qp = float(qr * (v0 / (vr * 1e6)) ** 0.7)
    qp = float(np.clip(qp, v0 / (2 * 86400), 2 * v0 / 1000))
    tunnel = ice and rng.random() < 0.6
    dt = 10.0
    if tunnel:
        qp = min(qp, v0 / (1.25 * 3 * 3600))  # tunnels grow over hours: tau >= 3 h ... up to 2 days
        hyd, t_peak, tau = hydrograph_tunnel(v0, qp, dt)
        shape = {"hydrograph": "tunnel (Nye)", "tau_h": round(tau / 3600, 2)}
    else:
        m = float(rng.uniform(1.5, 5.0))
        hyd, t_peak = hydrograph_gamma(v0, qp, m, dt)
        shape = {"hydrograph": "gamma", "m": round(m, 2)}
    last_zone = max(path.zones.values())
    ch = make_channel(rng, path, 0.0, last_zone + 0.5)
    q_base = float(rng.uniform(0.5, 3.0))
    rec_names = [p.station for p in path.points] + list(path.zones)
    rec_km = [p.chainage_km for p in path.points] + list(path.zones.values())
    # route long enough for the tail to pass the last zone
    v_slow = 1.0
    n_steps = int((len(hyd) * dt + last_zone * 1000 / v_slow + 3600) / dt)
    n_steps = min(n_steps, int(40 * 3600 / dt))
    inflow = np.zeros(n_steps)
    inflow[: min(len(hyd), n_steps)] = hyd[:n_steps]
    qs = route(ch, inflow, dt, q_base, rec_km)
    t_s = np.arange(n_steps) * dt  # from the onset
    fronts = {name: front_time(t_s, qs[:, i]) for i, name in enumerate(rec_names)}
    peaks = {name: float(qs[:, i].max()) for i, name in enumerate(rec_names)}
    zones = sorted(path.zones, key=path.zones.get)
    zones = [z for z in zones if fronts[z] is not None]
    if not zones:  # the flood dies out before any zone: keep the outburst, the wave reaches none
        zones = []
    onset = sc.start + pd.Timedelta(hours=float(rng.uniform(2.0, 5.0)))
    arrivals = {z: onset + pd.Timedelta(seconds=fronts[z]) for z in zones}
    # lake level
    released = np.cumsum(inflow) * dt
    dd = drawdown(released, float(lake.area_m2 or 50000.0), vl)
    if path.lake_station:
        sc.level_drop = (t_s + (onset - sc.start).total_seconds(), dd)
        destroy_p = 0.15 if ice else 0.4
        if rng.random() < destroy_p:
            z_kill = float(rng.uniform(0.3, 3.0))
            hit = np.nonzero(dd >= z_kill)[0]
            if len(hit):
                sc.silent_from[path.lake_station] = onset + pd.Timedelta(seconds=float(t_s[hit[0]]))
                sc.truth["faults"].append({"station": path.lake_station, "sensor": "*", "kind": "destroyed",
                                           "start": iso(sc.silent_from[path.lake_station]), "end": None})
        if not ice and rng.random() < 0.3:  # displacement wave of an ice/rock avalanche at the breach
            sc.truth.setdefault("params", {})["displacement_wave_m"] = round(float(rng.uniform(0.3, 2.5)), 2)
    off = (onset - sc.start).total_seconds()
    for i, p in enumerate(path.points):
        key = p.station
        if p.kind == "gauge":
            sc.q_extra[key] = (t_s + off, qs[:, i])
        elif p.kind == "geophone":
            sc.geo_extra[key] = (t_s + off, qs[:, i], 1.0 / 3.0, off)
        if peaks[key] > 150 and fronts[key] is not None and rng.random() < 0.12:
            kill = onset + pd.Timedelta(seconds=fronts[key] + float(rng.uniform(60, 900)))
            sc.silent_from[key] = kill
            sc.truth["faults"].append({"station": key, "sensor": "*", "kind": "destroyed", "start": iso(kill), "end": None})
    last_needed = max([a for a in arrivals.values()] + [onset])
    tail = onset + pd.Timedelta(seconds=t_peak) + pd.Timedelta(hours=RECEDE_H)
    sc.end = max(sc.start + pd.Timedelta(hours=6), last_needed + pd.Timedelta(hours=RECEDE_H), tail)
    sc.end = min(sc.end, sc.start + pd.Timedelta(hours=40))
    sc.truth.update({
        "hazard": "glof", "lake": lake_id, "onset": iso(onset), "zones": zones,
        "arrivals": {z: iso(a) for z, a in arrivals.items()},
        "first_arrival": iso(min(arrivals.values())) if arrivals else None,
        "volume_m3": round(v0), "peak_discharge_m3s": round(qp, 2),
        "stations": {k: iso(onset + pd.Timedelta(seconds=v)) for k, v in fronts.items()
                     if v is not None and k not in path.zones},
        "source": {"flow_path": lake_id, "chainage_km": 0.0},
        "peak_first_zone_m3s": round(peaks[zones[0]], 2) if zones else 0.0,
    })
    sc.truth.setdefault("params", {}).update({
        "dam": lake.dam, "lake_volume_m3": round(vl), "drained_fraction": round(frac, 3),
        "recorded_analogue": {"v0_m3": vr * 1e6, "qp_m3s": qr}, **shape,
        "time_to_peak_min": round(t_peak / 60, 1), "max_drawdown_m": round(float(dd.max()), 2),
        "channel_width_m": round(float(ch.width.mean()), 1), "storage_factor": round(float(ch.storage_factor[0]), 2),
        "base_flow_m3s": round(q_base, 2), "lake_station": path.lake_station,
        "peaks_m3s": {k: round(v, 1) for k, v in peaks.items()},
    })


def plan_storm(sc: Scene, centre: tuple[float, float], ratio: float, t0: pd.Timestamp) -> dict:
    """A real storm sequence scaled so that at the centre its worst duration is `ratio` x Caine."""
    rng, site = sc.rng, sc.site
    tpl = np.array(STORMS_MM_H[rng.integers(len(STORMS_MM_H))], dtype=float)
    worst = max(np.max(np.convolve(tpl, np.ones(d) / d, mode="valid")) / caine(d) for d in range(1, 7))
    tpl *= ratio / worst
    # 10-min disaggregation: Dirichlet weights within each hour
    ten = np.concatenate([h * 6 * rng.dirichlet(np.full(6, 1.5)) / 6 for h in tpl])  # mm per 10 min
    ell = float(rng.uniform(10, 40))
    for st in site.stations:
        if st.sensor("precipitation") is None:
            continue
        d = _dist_km(centre, st.location)
        f = math.exp(-d / ell) * rng.uniform(0.8, 1.2)
        shift = int(rng.integers(-2, 3))
        sc.rain[st.id] = (t0 + pd.Timedelta(minutes=10 * shift), ten * f)
    return {"start": iso(t0), "hours": len(tpl), "peak_mm_h_centre": round(float(tpl.max()), 1),
            "caine_ratio_centre": round(ratio, 2), "decay_km": round(ell, 1), "centre": list(centre)}


def _dist_km(a, b) -> float:
    lat = math.radians((a[1] + b[1]) / 2)
    return math.hypot((a[0] - b[0]) * 111.32 * math.cos(lat), (a[1] - b[1]) * 110.57)


def _along(site, path: SitePath, x_km: float) -> tuple[float, float]:
    """A rough position at chainage x: between the lake and the stations of the path."""
    pts = [(0.0, site.lake_by_id[path.lake].location)] + [
        (p.chainage_km, site.station_by_id[p.station].location) for p in path.points]
    for (x0, l0), (x1, l1) in zip(pts, pts[1:], strict=False):
        if x0 <= x_km <= x1 and x1 > x0:
            w = (x_km - x0) / (x1 - x0)
            return (l0[0] + w * (l1[0] - l0[0]), l0[1] + w * (l1[1] - l0[1]))
    return pts[-1][1]


def rain_runoff(sc: Scene, path: SitePath) -> None:
    """Nash cascade runoff of the storm at each gauge of the path (added to its discharge)."""
    rng = sc.rng
    for p in path.points:
        if p.kind != "gauge" or not sc.rain:
            continue
        st = sc.site.station_by_id[p.station]
        # rain over the catchment: the weather stations weighted by distance
        w = {k: 1 / (1 + _dist_km(st.location, sc.site.station_by_id[k].location)) for k in sc.rain}
        n = int((sc.end - sc.start).total_seconds() // 600) + 1
        r = np.zeros(n)
        for k, (t0, mm) in sc.rain.items():
            i0 = int((t0 - sc.start).total_seconds() // 600)
            for j, v in enumerate(mm):
                if 0 <= i0 + j < n:
                    r[i0 + j] += w[k] * v / sum(w.values())
        area_km2 = (p.chainage_km / 1.4) ** (1 / 0.6)
        c = rng.uniform(0.15, 0.4)
        k_h = rng.uniform(0.3, 1.0)
        t = np.arange(0, 12 * 6) / 6  # h
        uh = t ** 2 * np.exp(-t / k_h) / (2 * k_h ** 3)
        uh /= uh.sum()
        q = np.convolve(r / 600 * 1e-3 * c * area_km2 * 1e6, uh)[:n]  # m3/s
        t_s = np.arange(n) * 600.0
        prev = sc.q_extra.get(p.station)
        if prev is not None:  # a debris flow or outburst already passes this gauge: add the runoff
            grid = np.union1d(t_s, prev[0])
            q = np.interp(grid, t_s, q) + np.interp(grid, prev[0], prev[1], left=0, right=0)
            t_s = grid
        sc.q_extra[p.station] = (t_s, q)


def plan_debris_flow(sc: Scene, paths: dict[str, SitePath]) -> None:
    rng, site = sc.rng, sc.site
    cand = [p for p in paths.values() if any(pt.kind in ("gauge", "geophone") for pt in p.points)]
    path = cand[rng.integers(len(cand))]
    sensing = [pt for pt in path.points if pt.kind in ("gauge", "geophone")]
    x_last = max(pt.chainage_km for pt in sensing)
    x0 = float(rng.uniform(0.5, max(x_last - 1.0, 1.0)))
    storm_t0 = sc.start + pd.Timedelta(hours=float(rng.uniform(1.0, 3.0)))
    ratio = float(rng.uniform(1.0, 2.2))
    sc.truth["rain"] = plan_storm(sc, _along(site, path, x0), ratio, storm_t0)
    # initiation: 20-120 min after the storm's most intense hour starts
    mm = next(iter(sc.rain.values()))[1]
    peak_i = int(np.argmax(np.convolve(mm, np.ones(6), mode="valid")))
    onset = storm_t0 + pd.Timedelta(minutes=10 * peak_i + float(rng.uniform(20, 120)))
    v = float(np.clip(10 ** rng.normal(math.log10(5e4), 0.5), 3e3, 1e6))
    qp0 = float(10 ** (-2.027 + 0.798 * math.log10(v) + rng.normal(0, 0.25)))
    vf = float(np.clip(10 ** rng.normal(0.469, 0.299), 1.0, 10.0))
    ld = float(rng.uniform(10, 40))  # km: peak loss by deposition
    rise = float(rng.uniform(60, 300))
    zones = sorted(path.zones, key=path.zones.get)
    arrivals, fronts, peaks = {}, {}, {}
    for name, x in [(p.station, p.chainage_km) for p in path.points] + [(z, path.zones[z]) for z in zones]:
        if x < x0:
            continue
        tt = (x - x0) * 1000 / vf
        fronts[name] = tt
        peaks[name] = qp0 * math.exp(-(x - x0) / ld)
    for z in zones:
        arrivals[z] = onset + pd.Timedelta(seconds=fronts[z])
    off = (onset - sc.start).total_seconds()
    for p in path.points:
        if p.station not in fronts:
            continue
        qp = peaks[p.station]
        tau = max(v / qp - rise / 2, 120.0)
        t = np.arange(0, rise + 8 * tau, 10.0)
        q = np.where(t < rise, qp * t / rise, qp * np.exp(-(t - rise) / tau))
        t_abs = t + off + fronts[p.station]
        if p.kind == "gauge":
            sc.q_extra[p.station] = (t_abs, q)
        elif p.kind == "geophone":
            sc.geo_extra[p.station] = (t_abs, q, 1.0, off)
            sc.truth.setdefault("params", {})["geophone_front"] = iso(onset + pd.Timedelta(seconds=fronts[p.station]))
    first = min(arrivals.values())
    sc.end = max(sc.start + pd.Timedelta(hours=6), max(arrivals.values()) + pd.Timedelta(hours=RECEDE_H),
                 storm_t0 + pd.Timedelta(hours=14))
    rain_runoff(sc, path)
    sc.truth.update({
        "hazard": "debris_flow", "lake": None, "onset": iso(onset), "zones": zones,
        "arrivals": {z: iso(a) for z, a in arrivals.items()}, "first_arrival": iso(first),
        "volume_m3": round(v), "peak_discharge_m3s": round(qp0, 2),
        "stations": {k: iso(onset + pd.Timedelta(seconds=s)) for k, s in fronts.items() if k not in path.zones},
        "source": {"flow_path": path.lake, "chainage_km": round(x0, 2)},
        "peak_first_zone_m3s": round(peaks[zones[0]], 2),
    })
    sc.truth.setdefault("params", {}).update({"front_velocity_m_s": round(vf, 2), "deposition_km": round(ld, 1),
                                              "rise_s": round(rise)})


# --- background telemetry and sensors ------------------------------------------------------------

def times_for(sc: Scene, interval_s: int) -> np.ndarray:
    t0 = sc.start.ceil(f"{interval_s}s")
    return np.arange(t0.value, sc.end.value + 1, interval_s * 10**9, dtype=np.int64)


def ar1(rng, n: int, sd: float, phi: float) -> np.ndarray:
    e = rng.normal(0, sd * math.sqrt(1 - phi * phi), n)
    x = np.empty(n)
    acc = rng.normal(0, sd)
    for i in range(n):
        acc = phi * acc + e[i]
        x[i] = acc
    return x


def rain_at(sc: Scene, st_id: str, tn: np.ndarray, interval_s: int) -> np.ndarray:
    if st_id not in sc.rain:
        return np.zeros(len(tn))
    t0, mm = sc.rain[st_id]
    edges = (t0.value + np.arange(len(mm) + 1) * 600 * 10**9)
    cum = np.concatenate([[0.0], np.cumsum(mm)])
    c = np.interp(tn.astype(float), edges.astype(float), cum)
    prev = np.interp((tn - interval_s * 10**9).astype(float), edges.astype(float), cum)
    return np.maximum(c - prev, 0.0)


def build(sc: Scene, paths: dict[str, SitePath]) -> None:
    rng, site = sc.rng, sc.site
    start_ns = sc.start.value
    t_ref_low = float(rng.uniform(12, 22))  # degC at 1850 m
    amp_scale = float(rng.uniform(1.5, 3.5))
    hour_peak = float(rng.uniform(8, 11))
    melt_amp = float(rng.uniform(0.15, 0.4))
    base_q = {}
    for st in site.stations:
        for se in st.sensors:
            tn = times_for(sc, se.interval_s)
            n = len(tn)
            hours = ((tn // 10**9) % 86400) / 3600.0
            ts = (tn - start_ns) / 1e9
            sid = se.id
            elev = st.elevation_m or 2500.0
            storm = rain_at(sc, st.id, tn, 600) if sc.rain else np.zeros(n)
            wet = np.convolve(storm > 0.05, np.ones(9) / 9, mode="same") if n else storm
            if sid == "air_temperature":
                t_mean = t_ref_low - 6.5e-3 * (elev - 1850)
                amp = 1.14 * amp_scale * (1.3 if elev < 2500 else 1.0)
                v = t_mean + amp * np.cos(2 * np.pi * (hours - hour_peak) / 24) + ar1(rng, n, 0.5, 0.9) + \
                    rng.normal(0, 0.22, n) - rng.uniform(2, 6) * wet
            elif sid == "relative_humidity":
                v = rng.uniform(45, 70) - 12 * np.cos(2 * np.pi * (hours - hour_peak) / 24) + ar1(rng, n, 4, 0.95) + \
                    rng.normal(0, 1.3, n)
                v = np.where(wet > 0, np.maximum(v, 88 + 10 * wet), v)
            elif sid == "wind_speed":
                v = np.abs(rng.gamma(1.9, 1.5, n) * (1 + 0.3 * np.cos(2 * np.pi * (hours - 12) / 24)) + 2 * wet)
            elif sid == "precipitation":
                v = rain_at(sc, st.id, tn, se.interval_s)
                drizzle = rng.random() < 0.2 and not sc.rain
                if drizzle:
                    v = v + np.where(rng.random(n) < 0.15, rng.exponential(0.2, n), 0.0)
                v = np.round(v / 0.1) * 0.1  # tipping bucket 0.1 mm
            elif sid == "snow_depth":
                v = np.maximum(rng.normal(0, 0.024, n), 0.0)
            elif sid == "battery":
                v = np.interp(hours, np.arange(25), BATTERY_BY_HOUR + BATTERY_BY_HOUR[:1]) + rng.uniform(-0.4, 0.3) + \
                    rng.normal(0, 0.025, n)
            elif sid == "water_temperature":
                v = rng.uniform(0.5, 4) + 0.8 * np.cos(2 * np.pi * (hours - hour_peak - 2) / 24) + rng.normal(0, 0.05, n)
            elif sid == "water_level":
                inflow_rise = rng.uniform(0.0, 0.03) * ts / 3600  # melt inflow, slowly filling
                v = rng.uniform(-0.25, 0.05) + inflow_rise + 0.03 * np.cos(2 * np.pi * (hours - hour_peak - 5) / 24) + \
                    rng.normal(0, rng.uniform(0.003, 0.02), n)
                v = np.minimum(v, 0.25 + 0.02 * rng.random())  # spillway overflow caps the level
                if sc.level_drop is not None and st.lake == sc.truth.get("lake"):
                    v = v - np.interp(ts, sc.level_drop[0], sc.level_drop[1], left=0.0,
                                      right=float(sc.level_drop[1][-1]))
                    # the transducer hangs at a fixed depth: below it, it reads air (a flat line)
                    mount = float(rng.uniform(4.0, 15.0))
                    sc.truth.setdefault("params", {})["transducer_depth_m"] = round(mount, 1)
                    v = np.maximum(v, -mount + rng.normal(0, 0.003, n))
                    wave = sc.truth.get("params", {}).get("displacement_wave_m")
                    if wave:
                        onset_s = (pd.Timestamp(sc.truth["onset"]) - sc.start).total_seconds()
                        k = np.nonzero(ts >= onset_s)[0]
                        if len(k):
                            v[k[0]] += wave
            elif sid == "stage":
                fp = st.flow_path
                ch_km = fp.chainage_km if fp else 10.0
                if st.id not in base_q:
                    base_q[st.id] = rng.uniform(1.0, 6.0) * ((ch_km / 15) ** 1.2)
                q = base_q[st.id] * (1 + melt_amp * np.cos(2 * np.pi * (hours - hour_peak - rng.uniform(3, 7)) / 24))
                if st.id in sc.q_extra:
                    tq, qq = sc.q_extra[st.id]
                    q = q + np.interp(ts, tq, qq, left=0.0, right=0.0)
                width = rng.uniform(8, 20)
                slope = float(slope_at(paths[fp.lake].profile, np.array([ch_km]))[0]) if fp and fp.lake in paths else 0.05
                v = rng.uniform(0.1, 0.5) + depth(q, width, slope) + rng.normal(0, rng.uniform(0.003, 0.015), n)
            elif sid == "ground_velocity":
                bg = ILL_BG_MM_S * rng.uniform(0.5, 2.0) * 10 ** ar1(rng, n, ILL_BG_LOG10_SD, ILL_BG_AR1)
                river = bg * 0.3 * (1 + melt_amp * np.cos(2 * np.pi * (hours - hour_peak - 4) / 24))
                amp2 = bg ** 2 + river ** 2
                if sc.rain:  # rain drops on the ground near the sensor: noise grows with intensity
                    near = min(sc.rain, key=lambda k: _dist_km(st.location, site.station_by_id[k].location))
                    mm_h = rain_at(sc, near, tn, se.interval_s) * 3600 / se.interval_s
                    amp2 = amp2 + (bg * 0.5 * np.sqrt(mm_h)) ** 2
                if st.id in sc.geo_extra:
                    tq, qq, gfac, onset_s = sc.geo_extra[st.id]
                    g = rng.lognormal(0, 0.5) * gfac  # distance to the channel, coupling
                    q = np.interp(ts, tq, qq, left=0.0, right=0.0)
                    flow = ILL_DF_PEAK_MM_S * g * (np.maximum(q, 0) / ILL_DF_Q) ** 0.67
                    # the approaching flow, heard through the ground before it arrives: a reading holds
                    # what arrives later, decayed by the time to its arrival (e-folding 1.5-5 min, as in
                    # the real Illgraben rise: 3x background 5 min before the front, 19x at it)
                    decay = math.exp(-se.interval_s / (60 * rng.uniform(1.5, 5.0)))
                    ahead = flow.copy()
                    for i in range(n - 2, -1, -1):
                        ahead[i] = max(ahead[i], ahead[i + 1] * decay)
                    flow = np.where(ts >= onset_s, ahead, 0.0)  # nothing to hear before the flow exists
                    amp2 = amp2 + flow ** 2
                v = np.sqrt(amp2) * rng.lognormal(0, 0.08, n)
            else:
                v = rng.normal(0, 1, n)
            lo, hi = se.valid if se.valid else (-np.inf, np.inf)
            v = np.clip(v, lo, hi)
            sc.series[(st.id, sid)] = (tn, v.astype(float))


# --- faults and transport ------------------------------------------------------------------------

FAULT_KINDS = ["spike", "stuck", "gap", "drift", "dead", "battery_dropout", "burst"]


def add_fault(sc: Scene, kind: str | None = None) -> None:
    rng, site = sc.rng, sc.site
    kind = kind or str(rng.choice(FAULT_KINDS))
    if kind == "burst":
        geos = [s.id for s in site.stations if s.kind == "geophone"]
        if not geos:
            kind = "spike"
    span = (sc.end - sc.start).total_seconds()
    t0 = sc.start + pd.Timedelta(seconds=float(rng.uniform(0.15, 0.85) * span))
    dur = pd.Timedelta(minutes=float(rng.uniform(20, 240)))
    if kind == "burst":
        st_id = str(rng.choice(geos))
        keys = [(st_id, "ground_velocity")]
        dur = pd.Timedelta(minutes=float(rng.uniform(2, 10)))
    elif kind in ("dead", "battery_dropout"):
        st_id = str(rng.choice([s.id for s in site.stations]))
        keys = [(st_id, se.id) for se in site.station_by_id[st_id].sensors]
    else:
        keys = [list(sc.series)[rng.integers(len(sc.series))]]
        st_id = keys[0][0]
    t1 = t0 + dur
    sensor = "*" if len(keys) > 1 else keys[0][1]
    for key in keys:
        tn, v = sc.series[key]
        se = site.station_by_id[key[0]].sensor(key[1])
        lo, hi = se.valid if se.valid else (-1e9, 1e9)
        m = (tn >= t0.value) & (tn < t1.value)
        scale = max(float(np.nanstd(v[tn < t0.value])) if (tn < t0.value).sum() > 3 else 0.0, 1e-3)
        if kind == "spike":
            k = np.nonzero(m)[0]
            pick = k[: int(rng.integers(1, 4))] if len(k) else []
            for i in pick:
                jump = max(rng.uniform(5, 30) * scale, 0.05 * (hi - lo) if hi - lo < 1e6 else 0.0)
                v[i] = float(np.clip(v[i] + rng.choice([-1, 1]) * jump, lo, hi))
            t1 = t0 + pd.Timedelta(seconds=se.interval_s * 3)
        elif kind == "stuck":
            k = np.nonzero(m)[0]
            if len(k):
                v[k] = v[k[0]]
        elif kind == "gap":
            keep = ~m
            sc.series[key] = (tn[keep], v[keep])
            continue
        elif kind == "drift":
            rate = rng.choice([-1, 1]) * rng.uniform(0.5, 3.0) * scale / 3600
            d = np.where(tn >= t0.value, (tn - t0.value) / 1e9 * rate, 0.0)
            v[:] = np.clip(v + d, lo, hi)
            t1 = sc.end
        elif kind == "dead":
            if rng.random() < 0.5:
                keep = tn < t0.value
                sc.series[key] = (tn[keep], v[keep])
                continue
            v[tn >= t0.value] = np.nan
            t1 = sc.end
        elif kind == "battery_dropout":
            if key[1] == "battery":
                sag = (tn >= (t0 - pd.Timedelta(hours=1)).value) & (tn < t0.value)
                v[sag] = np.linspace(11.6, 10.4, int(sag.sum())) if sag.any() else v[sag]
            keep = ~m
            sc.series[key] = (tn[keep], v[keep])
            continue
        elif kind == "burst":
            k = np.nonzero(m)[0]
            if len(k):
                peak = float(v[k].mean()) * rng.uniform(10, 300)
                shape = np.exp(-np.arange(len(k)) / max(len(k) / 3, 1))
                v[k] = np.clip(np.maximum(v[k], peak * shape), lo, hi)
        sc.series[key] = (tn, v)
    sc.truth["faults"].append({"station": st_id, "sensor": sensor, "kind": kind, "start": iso(t0),
                               "end": iso(min(t1, sc.end))})


def assemble(sc: Scene) -> pd.DataFrame:
    rng = sc.rng
    frames = []
    for (st_id, se_id), (tn, v) in sc.series.items():
        cut = sc.silent_from.get(st_id)
        if cut is not None:
            keep = tn < cut.value
            tn, v = tn[keep], v[keep]
        frames.append(pd.DataFrame({"t": tn, "station": st_id, "sensor": se_id, "value": v}))
    df = pd.concat(frames, ignore_index=True)
    df["arrive"] = df["t"] + rng.integers(1, 30, len(df)) * 10**9
    transport = {"nan": 0, "duplicates": 0, "late": 0}
    if rng.random() < 0.6:
        nan_share = rng.uniform(0, 0.004)
        m = rng.random(len(df)) < nan_share
        df.loc[m, "value"] = np.nan
        transport["nan"] = int(m.sum())
        dup = df.sample(frac=rng.uniform(0, 0.01), random_state=int(rng.integers(2**31)))
        transport["duplicates"] = len(dup)
        df = pd.concat([df, dup], ignore_index=True)
        if rng.random() < 0.5:
            st_id = str(rng.choice(df["station"].unique()))
            t0 = sc.start.value + int(rng.uniform(0.2, 0.8) * (sc.end.value - sc.start.value))
            length = int(rng.uniform(10, 60) * 60e9)
            late = (df["station"] == st_id) & (df["t"] >= t0) & (df["t"] < t0 + length)
            df.loc[late, "arrive"] += int(rng.uniform(10, 90) * 60e9)
            transport["late"] = int(late.sum())
    df = df.sort_values("arrive", kind="stable")
    t = pd.to_datetime(df["t"].to_numpy(), utc=True).strftime("%Y-%m-%dT%H:%M:%SZ")
    vals = df["value"].to_numpy()
    txt = np.array([f"{x:.6g}" for x in vals], dtype=object)
    miss = np.isnan(vals)
    txt[miss] = np.where(rng.random(int(miss.sum())) < 0.5, "NAN", "")
    sc.truth["transport"] = transport
    return pd.DataFrame({"time": t, "station": df["station"].to_numpy(), "sensor": df["sensor"].to_numpy(),
                         "value": txt})


# --- driver --------------------------------------------------------------------------------------

KINDS = [("glof", 0.36), ("debris_flow", 0.22), ("rain", 0.14), ("quiet", 0.10), ("fault", 0.18)]


def scenario(site, paths: dict[str, SitePath], seed: int, kind: str | None = None, lake: str | None = None):
    rng = np.random.default_rng([seed, 271828])
    if kind is None:
        kind = str(rng.choice([k for k, _ in KINDS], p=[p for _, p in KINDS]))
    day = pd.Timestamp("2026-06-01", tz="UTC") + pd.Timedelta(days=int(rng.integers(0, 122)))
    start = (day + pd.Timedelta(minutes=int(rng.integers(0, 24 * 60)))).floor("10min")
    sid = f"ind{seed}-{kind}"
    truth = {"id": sid, "seed": seed, "file": f"{sid}.csv", "kind": kind, "hazard": None, "lake": None,
             "start": iso(start), "end": None, "onset": None, "zones": [], "arrivals": {}, "first_arrival": None,
             "volume_m3": None, "peak_discharge_m3s": None, "faults": [], "variant": "independent"}
    sc = Scene(site, rng, start, start + pd.Timedelta(hours=float(rng.uniform(6, 12))), truth)
    if kind == "glof":
        lakes = sorted(paths)
        lake = lake or lakes[int(rng.integers(len(lakes)))]
        for _ in range(10):  # a drainage too small to reach any zone is drawn again
            truth["faults"], sc.silent_from, sc.level_drop = [], {}, None
            sc.q_extra, sc.geo_extra = {}, {}
            plan_glof(sc, paths, lake)
            if truth["zones"]:
                break
    elif kind == "debris_flow":
        plan_debris_flow(sc, paths)
    elif kind in ("rain", "fault") and (kind == "rain" or rng.random() < 0.3):
        spots = [lk.location for lk in site.lakes] + [s.location for s in site.stations]
        centre = spots[int(rng.integers(len(spots)))]
        # half the storms over the Caine threshold with no flow (most exceedances produce none)
        ratio = float(rng.uniform(1.0, 2.2) if rng.random() < 0.5 else rng.uniform(0.3, 1.0))
        t0 = start + pd.Timedelta(hours=float(rng.uniform(0.5, 3)))
        truth["rain"] = plan_storm(sc, centre, ratio, t0)
        sc.end = max(sc.end, t0 + pd.Timedelta(hours=14))
        for p in paths.values():
            rain_runoff(sc, p)
    build(sc, paths)
    n_faults = int(rng.integers(1, 4)) if kind == "fault" else int(rng.random() < 0.2)
    for _ in range(n_faults):
        add_fault(sc)
    truth["end"] = iso(sc.end)
    return truth, assemble(sc)


def generate(site, out: Path, seed: int, n: int, kinds: list[str] | None = None) -> list[dict]:
    paths = site_paths(site)
    out.mkdir(parents=True, exist_ok=True)
    truths = []
    for i in range(n):
        kind = kinds[i % len(kinds)] if kinds else None
        truth, df = scenario(site, paths, seed + i, kind)
        df.to_csv(out / truth["file"], index=False)
        truths.append(truth)
    with open(out / "truth.jsonl", "w") as f:
        for t in truths:
            f.write(json.dumps(t, default=float) + "\n")
    return truths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--site", default=None, help="site directory or site.yaml (default: the bundled demo site)")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--seed", type=int, default=7_000_000)
    ap.add_argument("--n", type=int, default=150)
    ap.add_argument("--kinds", default="", help="comma-separated kinds to cycle through (default: drawn)")
    a = ap.parse_args(argv)
    from glofwatch.site.load import load_site

    site = load_site(a.site)
    truths = generate(site, a.out, a.seed, a.n, [k for k in a.kinds.split(",") if k] or None)
    counts = pd.Series([t["kind"] for t in truths]).value_counts().to_dict()
    print(f"{len(truths)} scenarios in {a.out}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
