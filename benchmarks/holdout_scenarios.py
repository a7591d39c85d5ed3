"""Hold-out scenario generator for glofwatch, written independently of glofwatch's own simulator.

Every physical and instrumental choice, with its source, is in docs/holdout-scenarios.md. The
generator needs numpy, scipy and PyYAML only; it does not import glofwatch.

    .venv/bin/python benchmarks/holdout_scenarios.py --out DIR --seed N --n N \
        [--kinds glof,debris_flow,rain,quiet,fault] [--site SITE_DIR]

Scenario i uses seed ``seed + i``; everything about it (its kind too, unless ``--kinds`` is given,
which then cycles) comes from that seed, so the same seed gives the same bytes.

Seeds 201 000 000 and above are RESERVED for the team's final measurement: develop and test with
200 000 000 - 200 000 999 only.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import yaml
from scipy.signal import lfilter

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SITE = REPO / "src" / "glofwatch" / "data" / "sites" / "issyk-kul"

KINDS = ("glof", "debris_flow", "rain", "quiet", "fault")
KIND_WEIGHTS = (0.35, 0.25, 0.15, 0.10, 0.15)

DT = 10.0  # s, internal model step (lake drainage, routing, debris surges)
G = 9.81
UTC_OFFSET_H = 6.0  # Asia/Bishkek, for diurnal cycles

# --- constants derived from /work/shared/data (see docs/holdout-scenarios.md) ---------------------
# Outburst month weights, Issyk-Kul-region rows of HMAGLOFDB (Jun 5, Jul 8, Aug 3, Sep 2).
MONTH_WEIGHTS = {6: 5, 7: 8, 8: 3, 9: 2}
# Illgraben 2019-2020 (15 events): Qp = 10^-1.840 V^0.758 (sd log10 0.150); V median 1.8e4 m3 (sd ln 1.09);
# front velocity median 2.48 m/s (sd ln 0.82, 0.49-14.2); flow duration median 43 min (15-100).
DF_QP_A, DF_QP_B, DF_QP_SD10 = 10**-1.840, 0.758, 0.150
DF_V_MED, DF_V_SDLN = 1.8e4, 1.09
DF_U_MED, DF_U_SDLN = 2.48, 0.82
# ILL11 1-min RMS (1-20 Hz, BHZ): quiet 0.0008-0.0025 mm/s (median 0.0020), peak 0.0457 mm/s, rise ~4 min,
# decay e-fold ~11 min. Reference flow for the peak: Qp ~ 15 m3/s (CD27-29 laser 9.9, radar 32.4).
ILL_PEAK_RMS, ILL_QP, ILL_DIST_M = 0.0457, 15.0, 100.0
SEIS_ATT_M = 640.0  # amplitude e-folding distance Q v / (pi f), Q=20, v=1000 m/s, f=10 Hz
# HMAGLOFDB northern Tien Shan: solid/water peak ratios of bulked outbursts, 11 pairs: median 11, sd ln 1.35.
BULK_F_MED, BULK_F_SDLN = 10.0, 1.0
# Hintereisferner AWS (cosipy): battery 12.40 V at night, 13.2-13.4 V by day; T 10-min anomaly lag-1 0.98,
# step sd 0.32 K; wind median 2.7 m/s, p90 7.6; wind lag-1 0.92; hourly rain when wet: median 0.48, p90 2.4 mm/h.
BATT_NIGHT, BATT_DAY = 12.42, 13.28
WIND_MED, WIND_SDLN, WIND_PHI = 2.7, 0.62, 0.92


def caine_mm_h(d_h: float) -> float:
    """Caine (1980) rainfall intensity threshold for debris flows (mm/h) over duration d_h (h)."""
    return 14.82 * d_h**-0.39


def guzzetti_mm_h(d_h: float) -> float:
    """Guzzetti et al. (2008) global minimum threshold (mm/h)."""
    return 2.20 * d_h**-0.44


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


# ------------------------------------------------------------------------------------------------
# Site
# ------------------------------------------------------------------------------------------------
@dataclass
class Site:
    raw: dict
    lakes: dict
    stations: dict
    paths: dict  # lake -> {"river", "zones": {z: km}, "stations": {st: km}}
    lake_station: dict  # lake -> station id
    elev: dict = field(default_factory=dict)


def load_site(site_dir: Path) -> Site:
    raw = yaml.safe_load((Path(site_dir) / "site.yaml").read_text())
    lakes = {lk["id"]: lk for lk in raw.get("lakes", [])}
    stations = {st["id"]: st for st in raw.get("stations", [])}
    lake_station = {st["lake"]: st["id"] for st in stations.values() if st.get("lake")}
    paths = {}
    for fp in raw.get("flow_paths", []):
        paths[fp["lake"]] = {"river": fp.get("river", fp["lake"]), "zones": dict(fp["zones"]), "stations": {}}
    # stations on each path, also through a path of another lake on the same river (chainage offset
    # = mean difference of the zones both paths share)
    for lake, p in paths.items():
        for st in stations.values():
            fpl = st.get("flow_path")
            if not fpl:
                continue
            if fpl["lake"] == lake:
                p["stations"][st["id"]] = float(fpl["chainage_km"])
            elif fpl["lake"] in paths and paths[fpl["lake"]]["river"] == p["river"]:
                other = paths[fpl["lake"]]["zones"]
                common = [z for z in p["zones"] if z in other]
                if common:
                    off = float(np.mean([p["zones"][z] - other[z] for z in common]))
                    if float(fpl["chainage_km"]) + off < min(p["zones"].values()):
                        p["stations"][st["id"]] = float(fpl["chainage_km"]) + off
    return Site(raw=raw, lakes=lakes, stations=stations, paths=paths, lake_station=lake_station)


def zone_centroid(site: Site, zid: str) -> tuple[float, float]:
    for z in site.raw.get("zones", []):
        if z["id"] == zid:
            pts = np.array(z["polygon"][:-1], dtype=float)
            return float(pts[:, 0].mean()), float(pts[:, 1].mean())
    return (0.0, 0.0)


def path_geometry(site: Site, lake: str):
    """Chainage knots (km) with lon, lat, elevation for a lake's flow path."""
    lk = site.lakes[lake]
    p = site.paths[lake]
    knots = [(0.0, lk["location"][0], lk["location"][1], float(lk["elevation_m"]))]
    for sid, km in sorted(p["stations"].items(), key=lambda kv: kv[1]):
        st = site.stations[sid]
        knots.append((km, st["location"][0], st["location"][1], float(st.get("elevation_m", np.nan))))
    last_km, last_z = knots[-1][0], knots[-1][3]
    for zid, km in sorted(p["zones"].items(), key=lambda kv: kv[1]):
        lon, lat = zone_centroid(site, zid)
        # zones carry no elevation: continue the fan at 4 % down to the Issyk-Kul shore (1607 m)
        z = max(1610.0, last_z - 40.0 * (km - last_km))
        knots.append((km, lon, lat, z))
    knots.sort()
    return np.array(knots)


def km_xy(lon: float, lat: float, lon0: float, lat0: float) -> tuple[float, float]:
    return (lon - lon0) * 111.32 * math.cos(math.radians(lat0)), (lat - lat0) * 110.57


# ------------------------------------------------------------------------------------------------
# Weather: convective cells + stratiform rain
# ------------------------------------------------------------------------------------------------
@dataclass
class Cell:
    t0: float  # s after window start when the cell is born
    life: float  # s
    x0: float  # km (local frame)
    y0: float
    u: float  # km/s
    v: float
    radius: float  # km (Gaussian footprint sd)
    peak: float  # mm/h at the centre at mid-life


def rain_at(cells: list[Cell], strat: tuple, t: np.ndarray, x: float, y: float) -> np.ndarray:
    """Rain intensity (mm/h) at point (x, y) km for times t (s)."""
    r = np.zeros_like(t)
    for c in cells:
        tau = (t - c.t0) / c.life
        live = (tau > 0) & (tau < 1)
        if not live.any():
            continue
        prof = np.where(live, np.sin(np.pi * np.clip(tau, 0, 1)) ** 1.5, 0.0)
        cx = c.x0 + c.u * (t - c.t0)
        cy = c.y0 + c.v * (t - c.t0)
        d2 = (x - cx) ** 2 + (y - cy) ** 2
        r += c.peak * prof * np.exp(-0.5 * d2 / c.radius**2)
    if strat:
        s0, s1, i0 = strat
        ramp = np.clip((t - s0) / 1800.0, 0, 1) * np.clip((s1 - t) / 1800.0, 0, 1)
        r += i0 * ramp
    return r


def max_rolling(series_mm_h: np.ndarray, step_s: float, d_h: float) -> np.ndarray:
    n = max(1, int(round(d_h * 3600 / step_s)))
    c = np.concatenate([[0.0], np.cumsum(series_mm_h)])
    out = np.zeros_like(series_mm_h)
    out[n - 1 :] = (c[n:] - c[:-n]) / n
    return out


CAINE_D = (0.25, 0.5, 1.0, 2.0, 3.0, 6.0)


def caine_trigger(series: np.ndarray, step_s: float) -> tuple[int | None, float, float]:
    """First index where a rolling-mean intensity exceeds Caine (1980); returns (idx, D, I)."""
    best = None
    for d in CAINE_D:
        m = max_rolling(series, step_s, d)
        hit = np.nonzero(m >= caine_mm_h(d))[0]
        if hit.size and (best is None or hit[0] < best[0]):
            best = (int(hit[0]), d, float(m[hit[0]]))
    return best if best else (None, 0.0, 0.0)


# ------------------------------------------------------------------------------------------------
# Lake outburst hydrographs
# ------------------------------------------------------------------------------------------------
MECHANISMS = {
    "moraine": (("piping", 0.45), ("breach", 0.35), ("wave", 0.20)),
    "ice": (("ice_tunnel", 0.7), ("flotation", 0.3)),
    "bedrock": (("wave", 0.6), ("breach", 0.4)),
    "landslide": (("breach", 0.7), ("wave", 0.3)),
    "unknown": (("breach", 0.4), ("piping", 0.4), ("wave", 0.2)),
}


def lake_volume(lk: dict, rng) -> float:
    if lk.get("volume_m3"):
        return float(lk["volume_m3"])
    # Cook & Quincey (2015) global area-volume relation, with their order of scatter
    return 0.1217 * float(lk["area_m2"]) ** 1.4129 * float(np.exp(rng.normal(0, 0.3)))


def drain_lake(mech: str, a0: float, v0: float, rng, horizon_s: float):
    """Integrate lake level h (m rel. spillway) and outflow Q (m3/s) after onset (t=0).

    Lake hypsometry: area falls linearly with depth, A(h) = A0 (1 + h/H), V(0) = A0 H / 2.
    """
    hmax = 2.0 * v0 / a0

    def area(h):
        return max(a0 * (1.0 + h / hmax), 0.02 * a0)

    def vol_below(h):  # volume between bottom and level h
        return a0 * (h + hmax) ** 2 / (2.0 * hmax)

    p: dict = {"mechanism": mech, "lake_depth_m": round(hmax, 2)}
    h = float(rng.uniform(0.05, 0.35))  # level over the spillway when it starts
    q_in = float(rng.uniform(0.2, 1.5))  # meltwater inflow
    n = int(horizon_s / DT) + 1
    qs = np.zeros(n)
    hs = np.zeros(n)
    if mech in ("breach", "wave"):
        frac = float(rng.uniform(0.3, 0.9))
        # level after draining frac of the volume: solve vol_below(h_end) = (1-frac) V(0)
        h_end = math.sqrt(2.0 * hmax * (1 - frac) * v0 / a0) - hmax
        k = float(rng.uniform(8.0, 60.0)) / 3600.0  # breach deepening (Walder & O'Connor 1997: 10-100 m/h)
        r = float(rng.uniform(1.0, 3.0))  # breach bottom width / depth
        w0 = float(rng.uniform(1.0, 4.0))
        p.update(breach_erosion_m_h=round(k * 3600, 1), breach_width_ratio=round(r, 2), drained_fraction=round(frac, 2))
        t_wave = 0.0
        wave_q = None
        if mech == "wave":
            v_wave = float(rng.uniform(0.01, 0.08)) * v0
            t_wave = float(rng.uniform(180.0, 600.0))
            wave_q = 2.0 * v_wave / t_wave
            p.update(wave_volume_m3=round(v_wave), wave_duration_s=round(t_wave))
            breaches = rng.random() < 0.5
            p["wave_breaches_dam"] = bool(breaches)
            if not breaches:
                k = 0.0
        zb = min(0.0, h - 0.3)
        for i in range(n):
            t = i * DT
            q = 0.0
            if wave_q is not None and t < t_wave:
                q += wave_q * (1.0 - abs(2.0 * t / t_wave - 1.0))
            if t >= t_wave:
                zb = max(h_end, zb - k * DT)
                depth = max(0.0, -zb)
                b = w0 + r * depth
                head = max(0.0, h - zb)
                q += 1.7 * b * head**1.5
            q = min(q, (vol_below(h) - 0.0) / DT)
            h -= (q - q_in) * DT / area(h)
            qs[i], hs[i] = q, h
    else:
        frac = float(rng.uniform(0.6, 1.0)) if mech in ("ice_tunnel", "flotation") else float(rng.uniform(0.15, 0.7))
        h_end = math.sqrt(2.0 * hmax * (1 - frac) * v0 / a0) - hmax
        head0 = h - h_end + float(rng.uniform(2.0, 10.0))  # conduit outlet below the drained level
        z_out = h - head0
        p["drained_fraction"] = round(frac, 2)
        if mech == "flotation":
            qmax = 0.6 * float(rng.uniform(50, 200)) * float(rng.uniform(0.1, 0.5)) * math.sqrt(2 * G * head0)
            t_r = float(rng.uniform(600.0, 2400.0))
            p.update(flotation_peak_opening_m3s=round(qmax, 1), flotation_rise_s=round(t_r))
            closing = False
            for i in range(n):
                t = i * DT
                head = max(0.0, h - z_out)
                if h <= h_end:
                    closing = True
                ramp = min(1.0, t / t_r)
                q = 0.0 if closing else qmax * ramp * math.sqrt(head / head0)
                h -= (q - q_in) * DT / area(h)
                qs[i], hs[i] = q, h
        else:
            # Nye-type conduit: Q = k S sqrt(H); dS/dt = S/tau (H/H0)^1.5 (melt/erosion by the flow's
            # energy), closure once the lake has drained to h_end. Growth time tau sets the rise.
            if mech == "ice_tunnel":
                tau = float(rng.uniform(0.5, 2.2)) * 3600
                q0 = float(rng.uniform(0.1, 0.4))
            else:  # piping through an ice-cored moraine (Jeruy, Lake No. 17 ...): faster
                tau = float(rng.uniform(0.3, 1.2)) * 3600
                q0 = float(rng.uniform(0.05, 0.3))
            kc = 1.0
            s = q0 / (kc * math.sqrt(head0))
            collapse = mech == "piping" and rng.random() < 0.3
            s_coll = float(rng.uniform(3.0, 12.0)) if collapse else 1e9
            p.update(conduit_growth_h=round(tau / 3600, 2), conduit_q0_m3s=round(q0, 2), roof_collapse=bool(collapse))
            closing = False
            open_breach = False
            zb, kb, rb = 0.0, float(rng.uniform(8, 40)) / 3600, float(rng.uniform(1, 2.5))
            for i in range(n):
                head = max(0.0, h - z_out)
                if h <= h_end:
                    closing = True
                if open_breach:
                    zb = max(h_end, zb - kb * DT)
                    q = 1.7 * (2.0 + rb * max(0.0, -zb)) * max(0.0, h - zb) ** 1.5
                else:
                    if closing:
                        s *= math.exp(-DT / 1200.0)
                    else:
                        s *= math.exp(DT / tau * (head / head0) ** 1.5)
                    q = kc * s * math.sqrt(head)
                    if s > s_coll and not closing:
                        open_breach = True
                        zb = min(0.0, h - 0.5)
                q = min(q, vol_below(h) / DT)
                h -= (q - q_in) * DT / area(h)
                qs[i], hs[i] = q, h
    p["inflow_m3s"] = round(q_in, 2)
    return qs, hs, p


# ------------------------------------------------------------------------------------------------
# Channel routing: cascade of nonlinear reservoirs (kinematic storage A = beta Q^0.6, Manning with
# Jarrett (1984) roughness for steep streams)
# ------------------------------------------------------------------------------------------------
def channel(knots: np.ndarray, length_km: float, dx_km: float, rng):
    xs = np.arange(dx_km / 2, length_km, dx_km)
    z = np.interp(xs, knots[:, 0], knots[:, 3])
    zc = np.interp(np.concatenate([xs - dx_km / 2, xs + dx_km / 2]), knots[:, 0], knots[:, 3])
    slope = np.clip((zc[: len(xs)] - zc[len(xs) :]) / (dx_km * 1000.0), 0.01, 0.3)
    n_man = 0.366 * slope**0.38  # Jarrett (1984) n = 0.39 S^0.38 R^-0.16 with R ~ 1.5 m
    width = np.where(slope > 0.07, rng.uniform(10, 18), rng.uniform(18, 35)) * np.ones_like(xs)
    beta = width**0.4 * (n_man / np.sqrt(slope)) ** 0.6
    return xs, z, slope, beta, width


def route(q_in: np.ndarray, q_base: float, beta: np.ndarray, dx_km: float, stride: int) -> np.ndarray:
    """Route inflow series (m3/s at DT) through the cascade; returns excess Q over base at every reach,
    sampled every ``stride`` steps: shape (len(q_in)//stride + 1, n_reaches)."""
    dx = dx_km * 1000.0
    qb = np.full(beta.shape, q_base)
    s = dx * beta * qb**0.6
    q = qb.copy()
    out = np.zeros(((len(q_in) + stride - 1) // stride, len(beta)))
    for i, qi in enumerate(q_in):
        upstream = np.empty_like(q)
        upstream[0] = qi + q_base
        upstream[1:] = q[:-1]
        s += DT * (upstream - q)
        np.maximum(s, 1e-9, out=s)
        q = (s / (dx * beta)) ** (1.0 / 0.6)
        if i % stride == 0:
            out[i // stride] = q - q_base
    return out


def surge(t: np.ndarray, t_front: float, qp: float, t_rise: float, tau: float) -> np.ndarray:
    """Debris-flow surge hydrograph: linear rise to qp in t_rise, exponential recession tau."""
    dt = t - t_front
    up = np.clip(dt / t_rise, 0, 1)
    rec = np.where(dt > t_rise, np.exp(-(dt - t_rise) / tau), 1.0)
    return np.where(dt > 0, qp * up * rec, 0.0)


@dataclass
class DebrisFlow:
    x0_km: float
    t0: float
    surges: list  # (delay_s, qp0, t_rise, tau)
    u_front: float
    l_dep_km: float

    def front_time(self, x_km, slope_fn):
        # front speed scales with sqrt(slope / 0.1) around the drawn velocity (Illgraben fan ~ 10 %)
        if x_km <= self.x0_km:
            return None
        xs = np.linspace(self.x0_km, x_km, 20)
        sp = np.clip(np.sqrt(slope_fn(xs) / 0.1), 0.6, 1.6) * self.u_front
        return self.t0 + float(np.trapezoid(1.0 / sp, xs * 1000.0))

    def q_at(self, t, x_km, slope_fn):
        tf = self.front_time(x_km, slope_fn)
        if tf is None:
            return np.zeros_like(t)
        dist = x_km - self.x0_km
        att = math.exp(-dist / self.l_dep_km)
        out = np.zeros_like(t)
        for delay, qp, tr, tau in self.surges:
            spread = 1.0 / math.sqrt(att)
            out += surge(t, tf + delay * spread, qp * att, tr * spread, tau * spread)
        return out


# ------------------------------------------------------------------------------------------------
# Instruments
# ------------------------------------------------------------------------------------------------
@dataclass
class Rating:
    """Stage-discharge with a floodplain break; Q = a (h - h0)^b in the channel."""

    a: float
    b: float
    h0: float
    h_bf: float
    a2: float

    def q(self, h):
        h = np.asarray(h, dtype=float)
        in_ch = self.a * np.clip(np.minimum(h, self.h_bf) - self.h0, 0, None) ** self.b
        over = self.a2 * np.clip(h - self.h_bf, 0, None) ** 1.67
        return in_ch + over

    def h(self, q):
        grid = np.linspace(self.h0, 14.0, 3000)
        return np.interp(np.asarray(q, dtype=float), self.q(grid), grid)


def make_rating(q_base: float, rng) -> Rating:
    h0 = float(rng.uniform(0.1, 0.4))
    b = float(rng.uniform(1.6, 2.2))
    h_base = h0 + float(rng.uniform(0.3, 0.6))
    a = q_base / (h_base - h0) ** b
    h_bf = float(rng.uniform(2.2, 3.5))
    a2 = a * (h_bf - h0) ** b * float(rng.uniform(0.6, 1.5))  # wide floodplain above bankfull
    return Rating(a, b, h0, h_bf, a2)


def stage_with_hysteresis(rating: Rating, q: np.ndarray, step_s: float, s0: float, cel: float) -> np.ndarray:
    """Jones (1916) loop rating: Q = Qs sqrt(1 + dh/dt / (S0 c)); stage lower on the rise."""
    hs = rating.h(q)
    dhdt = np.gradient(hs, step_s)
    fac = np.sqrt(np.clip(1.0 + dhdt / (s0 * cel), 0.3, 3.0))
    return rating.h(q / fac)


def line_power(dist_m: np.ndarray) -> np.ndarray:
    """Relative seismic power from a channel segment at distance r: (r^-1 e^(-r/L))^2."""
    r = np.maximum(dist_m, 5.0)
    return (np.exp(-r / SEIS_ATT_M) / r) ** 2


def seismic_calibration() -> float:
    """Amplitude coefficient K (mm/s per (m3/s)^0.8) making a Q=ILL_QP debris flow passing at
    ILL_DIST_M from a station give ILL_PEAK_RMS (line source, 300 m segments over +-3 km)."""
    x = np.arange(-3000.0, 3000.1, 300.0)
    # peak: flow occupies the upstream half plus the segment abreast (a front arriving)
    occupied = x <= 0
    pw = (line_power(np.hypot(x, ILL_DIST_M)) * occupied).sum() * ILL_QP ** (2 * 0.8)
    return ILL_PEAK_RMS / math.sqrt(pw)


K_SEIS = seismic_calibration()


def ar1_fast(rng, n: int, phi: float, sd: float) -> np.ndarray:
    """Stationary AR(1) series with lag-1 correlation phi and marginal sd."""
    e = rng.normal(0, sd * math.sqrt(1 - phi**2), n)
    e[0] = rng.normal(0, sd)
    return lfilter([1.0], [1.0, -phi], e)


# ------------------------------------------------------------------------------------------------
# Scenario
# ------------------------------------------------------------------------------------------------
@dataclass
class Scenario:
    sid: str
    rows: list  # list of (time_str, station, sensor, value_str)
    truth: dict


def pick(rng, options):
    names = [o[0] for o in options]
    w = np.array([o[1] for o in options], dtype=float)
    return names[int(rng.choice(len(names), p=w / w.sum()))]


def draw_start(rng) -> datetime:
    months = list(MONTH_WEIGHTS)
    w = np.array([MONTH_WEIGHTS[m] for m in months], dtype=float)
    month = months[int(rng.choice(len(months), p=w / w.sum()))]
    year = int(rng.integers(2027, 2030))
    day = int(rng.integers(1, 31 if month in (6, 9) else 32))
    minute = int(rng.integers(0, 24 * 6)) * 10
    return datetime(year, month, day, tzinfo=UTC) + timedelta(minutes=minute)


def local_hour(t0: datetime, ts: np.ndarray) -> np.ndarray:
    h0 = t0.hour + t0.minute / 60 + UTC_OFFSET_H
    return (h0 + ts / 3600.0) % 24.0


def burst(station: str, sensor: str, t0: float, t1: float, amp: float, shape: str) -> dict:
    """A geophone burst fault (rockfall, quake, vehicle) from t0 to t1 s, of peak amplitude ``amp`` mm/s."""
    return {"station": station, "sensor": sensor, "kind": "burst", "t0": t0, "t1": t1, "amp": amp, "shape": shape}


def generate_one(site: Site, seed: int, kind: str | None = None) -> Scenario:
    rng = np.random.default_rng(seed)
    if kind is None:
        kind = KINDS[int(rng.choice(len(KINDS), p=np.array(KIND_WEIGHTS) / sum(KIND_WEIGHTS)))]
    rng_faults = np.random.default_rng([seed, 7])
    rng_noise = np.random.default_rng([seed, 11])
    t_start = draw_start(rng)
    lon0 = float(np.mean([lk["location"][0] for lk in site.lakes.values()]))
    lat0 = float(np.mean([lk["location"][1] for lk in site.lakes.values()]))

    # ---- rivers: base flow at each valley's gauge, diurnal melt cycle ------------------------------
    rivers = {}
    for lake, p in site.paths.items():
        rivers.setdefault(p["river"], []).append(lake)
    river_q = {}
    for rv in sorted(rivers):
        river_q[rv] = {
            "q_base": float(np.exp(rng.normal(math.log(3.5), 0.45))),
            "melt_amp": float(rng.uniform(0.15, 0.45)),
            "melt_peak_h": float(rng.uniform(17.0, 22.0)),  # local time of the melt peak at the gauge
            "runoff_coef": float(rng.uniform(0.3, 0.6)),
            "infiltration_mm_h": float(rng.uniform(2.0, 6.0)),
            "uh_lag_h": float(rng.uniform(0.5, 1.4)),
        }

    # ---- event --------------------------------------------------------------------------------------
    duration_h = float(rng.uniform(6.0, 10.0))
    onset_s = float(rng.uniform(1.5, 4.0)) * 3600.0
    truth: dict = {"kind": kind, "hazard": None, "lake": None, "onset": None, "zones": [], "arrivals": {}}
    params: dict = {}
    source_lake = None
    glof = None
    dflow = None
    cells: list[Cell] = []
    strat = ()
    storm_valley = None
    if kind == "glof":
        candidates = sorted(lk for lk in site.lakes if lk in site.paths)
        source_lake = candidates[int(rng.integers(len(candidates)))]
        lk = site.lakes[source_lake]
        dam = lk.get("dam", "unknown")
        mech = pick(rng, MECHANISMS.get(dam, MECHANISMS["unknown"]))
        v0 = lake_volume(lk, rng)
        horizon = 34 * 3600.0
        qs, hs, lp = drain_lake(mech, float(lk["area_m2"]), v0, rng, horizon)
        # trim: drainage over when outflow is back under the inflow + 0.3 m3/s after the peak
        ipk = int(np.argmax(qs))
        after = np.nonzero(qs[ipk:] < lp["inflow_m3s"] + 0.3)[0]
        i_end = ipk + (int(after[0]) if after.size else len(qs) - ipk - 1)
        i_end = min(len(qs) - 1, max(i_end, ipk + 360))
        released = float(np.trapezoid(np.clip(qs[: i_end + 1] - lp["inflow_m3s"], 0, None), dx=DT))
        params.update(lp, dam=dam, lake_area_m2=float(lk["area_m2"]), lake_volume_m3=round(v0))
        params["level_drop_m"] = round(float(hs[0] - hs[: i_end + 1].min()), 2)
        glof = {"qs": qs[: i_end + 1], "hs": hs[: i_end + 1], "v": released, "qp": float(qs.max()), "mech": mech}
        params["formula_peaks_m3s"] = {
            "clague_mathews_1973": round(75 * (released / 1e6) ** 0.67, 1),
            "walder_costa_1996_tunnel": round(46 * (released / 1e6) ** 0.66, 1),
            "walder_costa_1996_breach": round(1100 * (released / 1e6) ** 0.44, 1),
            "huggel_2002": round(0.00077 * released**1.017, 1),
            "popov_1991": round(0.0048 * released**0.896, 1),
        }
        truth.update(hazard="glof", lake=source_lake, volume_m3=round(released), peak_discharge_m3s=round(glof["qp"], 1))
    elif kind in ("debris_flow", "rain"):
        # a storm centred on one valley
        rv_names = sorted(rivers)
        storm_valley = rv_names[int(rng.integers(len(rv_names)))]
        lakes_rv = sorted(rivers[storm_valley])
        source_lake = lakes_rv[0] if kind == "debris_flow" else None
        path_lake = lakes_rv[0]
        knots = path_geometry(site, path_lake)
        st_km = sorted(site.paths[path_lake]["stations"].values())
        if kind == "debris_flow":
            # torrent entering the main channel above at least one station
            first = st_km[0] if st_km else min(site.paths[path_lake]["zones"].values())
            last = st_km[-1] if st_km else first
            if len(st_km) >= 2 and rng.random() < 0.3:
                x0 = float(rng.uniform(st_km[0] + 1.0, last - 1.0))
            else:
                x0 = float(rng.uniform(max(2.0, first * 0.35), first - 0.5))
        else:
            x0 = float(rng.uniform(2.0, max(3.0, (st_km[-1] if st_km else 10.0) - 1.0)))
        sx, sy = km_xy(float(np.interp(x0, knots[:, 0], knots[:, 1])), float(np.interp(x0, knots[:, 0], knots[:, 2])), lon0, lat0)
        side = float(rng.choice([-1, 1])) * float(rng.uniform(0.5, 2.0))
        tx, ty = sx + side, sy  # torrent catchment centre, off the main channel
        storm_t = onset_s - float(rng.uniform(0.5, 1.5)) * 3600.0 if kind == "debris_flow" else onset_s
        ncell = int(rng.integers(1, 4))
        for k in range(ncell):
            ang = math.radians(float(rng.uniform(20, 100)))  # steering from W-SW
            sp = float(rng.uniform(2.0, 8.0)) / 1000.0
            life = float(rng.uniform(2400, 6000))
            lead = life / 2
            pk = float(np.exp(rng.normal(math.log(22.0 if kind == "debris_flow" else 12.0), 0.55)))
            if k > 0:
                pk *= float(rng.uniform(0.3, 0.8))
            c0 = storm_t + k * float(rng.uniform(600, 2400))
            cells.append(
                Cell(
                    t0=c0,
                    life=life,
                    x0=tx - sp * math.cos(ang) * lead + float(rng.normal(0, 1.0 if k == 0 else 3.0)),
                    y0=ty - sp * math.sin(ang) * lead + float(rng.normal(0, 1.0 if k == 0 else 3.0)),
                    u=sp * math.cos(ang),
                    v=sp * math.sin(ang),
                    radius=float(rng.uniform(2.0, 5.0)),
                    peak=min(pk, 110.0),
                )
            )
        if rng.random() < 0.35:
            strat = (
                storm_t - 3600 * float(rng.uniform(0, 2)),
                storm_t + 3600 * float(rng.uniform(2, 6)),
                float(rng.uniform(0.3, 2.4)),
            )
        t_grid = np.arange(0, 30 * 3600.0, 60.0)
        src_rain = rain_at(cells, strat, t_grid, tx, ty)
        idx, d_c, i_c = caine_trigger(src_rain, 60.0)
        if kind == "debris_flow":
            tries = 0
            while idx is None and tries < 8:
                for c in cells:
                    c.peak = min(c.peak * 1.35, 130.0)
                src_rain = rain_at(cells, strat, t_grid, tx, ty)
                idx, d_c, i_c = caine_trigger(src_rain, 60.0)
                tries += 1
            if idx is None:  # still under: force a stronger stationary first cell
                cells[0].peak = 130.0
                cells[0].u = cells[0].v = 0.0
                cells[0].x0, cells[0].y0 = tx, ty
                src_rain = rain_at(cells, strat, t_grid, tx, ty)
                idx, d_c, i_c = caine_trigger(src_rain, 60.0)
            t_trig = float(t_grid[idx if idx is not None else int(np.argmax(src_rain))])
            lag = float(rng.uniform(0, 1500))
            t0_df = t_trig + lag
            vol = float(np.clip(np.exp(rng.normal(math.log(DF_V_MED * 2.0), DF_V_SDLN)), 3e3, 4e5))
            qp0 = DF_QP_A * vol**DF_QP_B * 10 ** float(rng.normal(0, DF_QP_SD10))
            u_f = float(np.clip(np.exp(rng.normal(math.log(DF_U_MED * 1.6), DF_U_SDLN * 0.6)), 1.2, 10.0))
            nsurge = 1 if rng.random() < 0.6 else int(rng.integers(2, 5))
            surges = []
            rem = vol
            for k in range(nsurge):
                frac_k = 1.0 if nsurge == 1 else (0.55 if k == 0 else 0.45 / (nsurge - 1))
                qk = qp0 * (1.0 if k == 0 else float(rng.uniform(0.2, 0.8)))
                t_r = float(rng.uniform(30, 180))
                tau_k = max(60.0, frac_k * rem / qk - t_r / 2)
                delay = 0.0 if k == 0 else float(rng.uniform(300, 1500)) * k
                surges.append((delay, qk, t_r, tau_k))
            dflow = DebrisFlow(x0_km=x0, t0=t0_df, surges=surges, u_front=u_f, l_dep_km=float(rng.uniform(12, 45)))
            onset_s = t0_df
            truth.update(hazard="debris_flow", lake=None, volume_m3=round(vol), peak_discharge_m3s=round(qp0, 1))
            params.update(
                debris_volume_m3=round(vol),
                debris_peak_m3s=round(qp0, 1),
                front_velocity_ms=round(u_f, 2),
                surges=len(surges),
                deposition_length_km=round(dflow.l_dep_km, 1),
                initiation_lag_s=round(lag),
                torrent_km=round(x0, 2),
            )
        truth["rain"] = {
            "start": iso(t_start + timedelta(seconds=min(c.t0 for c in cells))),
            "duration_h": round((max(c.t0 + c.life for c in cells) - min(c.t0 for c in cells)) / 3600, 2),
            "valley": storm_valley,
            "cells": len(cells),
            "peak_intensity_mm_h_at_source": round(float(src_rain.max()), 1),
            "max_cell_intensity_mm_h": round(max(c.peak for c in cells), 1),
            "caine_exceeded": idx is not None,
            "caine_duration_h": d_c if idx is not None else None,
            "caine_intensity_mm_h": round(i_c, 1) if idx is not None else None,
            "caine_threshold_mm_h": round(caine_mm_h(d_c), 1) if idx is not None else None,
            "caine_time": iso(t_start + timedelta(seconds=float(t_grid[idx]))) if idx is not None else None,
        }
        if kind == "rain":
            onset_s = min(c.t0 for c in cells)
    else:
        if rng.random() < 0.3:  # light stratiform rain now and then
            s0 = float(rng.uniform(0, duration_h * 3600 * 0.6))
            strat = (s0, s0 + float(rng.uniform(1, 4)) * 3600, float(rng.uniform(0.2, 1.5)))

    # ---- window -------------------------------------------------------------------------------------
    horizon_s = max(duration_h * 3600.0, onset_s + 3 * 3600.0)
    if glof is not None:
        horizon_s = max(horizon_s, onset_s + len(glof["qs"]) * DT + 2.5 * 3600.0)
    if dflow is not None:
        horizon_s = max(horizon_s, onset_s + 4 * 3600.0)
    if kind == "rain":
        horizon_s = max(horizon_s, onset_s + 5 * 3600.0)
    horizon_s = min(horizon_s, 40 * 3600.0)
    horizon_s = math.ceil(horizon_s / 600.0) * 600.0
    n10 = int(horizon_s / DT) + 1
    t10 = np.arange(n10) * DT
    t60 = np.arange(0, horizon_s + 1, 60.0)

    # ---- hydraulics on each path --------------------------------------------------------------------
    q_front = {}
    station_q = {}  # station -> excess flood Q at 10 s (for gauges, geophones)
    station_qdf = {}
    geo_power_extra = {}
    arrivals, st_arr, peak_first = {}, {}, None
    path_for = {}
    for rv in sorted(rivers):
        path_for[rv] = sorted(rivers[rv])[0]
    event_lake = source_lake if glof is not None else (path_for[storm_valley] if dflow is not None else None)
    for rv in sorted(rivers):
        lake = event_lake if (event_lake in rivers[rv]) else path_for[rv]
        p = site.paths[lake]
        knots = path_geometry(site, lake)
        qb_ref = river_q[rv]["q_base"]
        q_front[rv] = max(1.0, 0.1 * qb_ref)
        length = max(p["zones"].values()) + 0.6
        dxk = 0.3
        xs, _, slope, beta, width = channel(knots, length, dxk, rng)
        stations_here = dict(p["stations"])

        def slope_fn(x, xs=xs, slope=slope):
            return np.interp(x, xs, slope)

        ex = None  # excess water Q at 10 s, every reach
        if glof is not None and lake == source_lake:
            qin = np.zeros(n10)
            i0 = int(onset_s / DT)
            m = min(len(glof["qs"]), n10 - i0)
            qin[i0 : i0 + m] = np.clip(glof["qs"][:m] - params["inflow_m3s"], 0, None)
            ex = route(qin, 0.5 * qb_ref, beta, dxk, 1)
            # bulking into a debris flow in the steep upper reach (northern Tien Shan "sel")
            if rng.random() < 0.45:
                xb = float(rng.uniform(1.0, 4.0))
                ib = int(np.searchsorted(xs, xb))
                q_crit = float(rng.uniform(5.0, 20.0))
                hit = np.nonzero(ex[:, ib] >= q_crit)[0]
                if hit.size:
                    fb = float(np.clip(np.exp(rng.normal(math.log(BULK_F_MED), BULK_F_SDLN)), 2.0, 60.0))
                    qw = float(ex[:, ib].max())
                    # sediment-limited: the surge cannot carry more than the entrainable store
                    v_sed = float(np.clip(np.exp(rng.normal(math.log(8e4), 0.8)), 1e4, 6e5))
                    qdf = min((fb - 1) * qw, v_sed / float(rng.uniform(180, 600)), 1500.0)
                    tau = min(float(rng.uniform(180, 900)), 1.2 * glof["v"] / max(qdf, 1.0))
                    u_f = float(np.clip(np.exp(rng.normal(math.log(DF_U_MED * 1.5), 0.4)), 1.5, 9.0))
                    t_b = float(hit[0]) * DT + float(rng.uniform(0, 600))
                    surges = [(0.0, qdf, float(rng.uniform(30, 120)), tau)]
                    if rng.random() < 0.4:
                        surges.append((float(rng.uniform(300, 1800)), qdf * float(rng.uniform(0.3, 0.8)), 60.0, tau))
                    dflow = DebrisFlow(x0_km=xb, t0=t_b, surges=surges, u_front=u_f, l_dep_km=float(rng.uniform(15, 50)))
                    params.update(
                        bulking=True,
                        bulking_km=round(xb, 2),
                        bulking_factor=round(fb, 1),
                        bulking_sediment_m3=round(v_sed),
                        bulked_peak_m3s=round(qdf, 1),
                        bulking_front_velocity_ms=round(u_f, 2),
                        bulking_critical_m3s=round(q_crit, 1),
                    )
            params.setdefault("bulking", False)
        has_df = dflow is not None and lake == event_lake

        # per-point excess Q series
        def q_total_at(x_km, ex=ex, xs=xs, has_df=has_df, slope_fn=slope_fn, df_now=dflow):
            q = np.zeros(n10)
            if ex is not None:
                j = int(np.clip(np.searchsorted(xs, x_km), 0, len(xs) - 1))
                q += ex[:, j]
            if has_df:
                q += df_now.q_at(t10, x_km, slope_fn)
            return q

        if ex is not None or has_df:
            thr = q_front[rv]
            for zid, km in sorted(p["zones"].items(), key=lambda kv: kv[1]):
                if dflow is not None and glof is None and km <= dflow.x0_km:
                    continue
                qz = q_total_at(km)
                hit = np.nonzero(qz >= thr)[0]
                if hit.size:
                    arrivals[zid] = float(t10[hit[0]])
                    if peak_first is None:
                        peak_first = float(qz.max())
            for sid, km in stations_here.items():
                qz = q_total_at(km)
                station_q[sid] = qz
                hit = np.nonzero(qz >= thr)[0]
                if hit.size:
                    st_arr[sid] = float(t10[hit[0]])
            params.setdefault("front_mean_speed_ms", {})
            if arrivals:
                zfar = max(arrivals, key=arrivals.get)
                t_src = onset_s if glof is not None else dflow.t0
                x_src = 0.0 if glof is not None else dflow.x0_km
                params["front_mean_speed_ms"][rv] = round((p["zones"][zfar] - x_src) * 1000 / max(arrivals[zfar] - t_src, 1.0), 2)
            # attenuation: peak at the last zone / peak at the source
            if arrivals:
                zfar = max(arrivals, key=arrivals.get)
                params["attenuation_last_zone"] = round(
                    float(q_total_at(p["zones"][zfar]).max()) / max(truth.get("peak_discharge_m3s") or 1, 1e-6), 3
                )
        else:
            for sid in stations_here:
                station_q[sid] = np.zeros(n10)
        for sid, km in stations_here.items():
            station_qdf[sid] = dflow.q_at(t10, km, slope_fn) if has_df else np.zeros(n10)
            if site.stations[sid].get("kind") == "geophone":
                # channel segments within 3 km of the geophone: for the line-source integral
                seg = xs[(xs > km - 3.0) & (xs < km + 3.0)]
                geo_power_extra[sid] = {"km": km, "seg": seg, "qfun": q_total_at, "slope_fn": slope_fn}
        river_q[rv]["slope_gauge"] = float(np.mean(slope))

    # ---- rain fields at stations and catchments ----------------------------------------------------
    rain_station = {}
    for sid, st in site.stations.items():
        if st.get("kind") == "weather":
            x, y = km_xy(st["location"][0], st["location"][1], lon0, lat0)
            rain_station[sid] = rain_at(cells, strat, t60, x, y)
    rain_runoff = {}  # station -> Q series (60 s) of storm runoff
    for rv in sorted(rivers):
        lake = path_for[rv]
        p = site.paths[lake]
        knots = path_geometry(site, lake)
        for sid, km in p["stations"].items():
            pts = []
            for xk in np.linspace(0.5, km, 8):
                lon = float(np.interp(xk, knots[:, 0], knots[:, 1]))
                lat = float(np.interp(xk, knots[:, 0], knots[:, 2]))
                cx, cy = km_xy(lon, lat, lon0, lat0)
                for off in (-3.0, 0.0, 3.0):
                    pts.append((cx + off, cy))
            f_inf = river_q[rv]["infiltration_mm_h"]
            if cells or strat:
                # infiltration excess on each point, plus a small saturated-area share of all rain
                ex_r = [rain_at(cells, strat, t60, x, y) for x, y in pts]
                mean_eff = np.mean([river_q[rv]["runoff_coef"] * np.clip(r - f_inf, 0, None) + 0.04 * r for r in ex_r], axis=0)
            else:
                mean_eff = np.zeros_like(t60)
            area_km2 = km * 7.0
            eff = mean_eff * area_km2 * 0.2778  # m3/s
            lag = river_q[rv]["uh_lag_h"] * (km / 15.0) ** 0.5 * 3600
            tt = np.arange(0, 6 * lag, 60.0)
            kshape = 3.0
            uh = (tt / (lag / (kshape - 1))) ** (kshape - 1) * np.exp(-tt / (lag / (kshape - 1)))
            uh /= uh.sum()
            rain_runoff[sid] = np.convolve(eff, uh)[: len(t60)]

    # ---- telemetry ----------------------------------------------------------------------------------
    hours_loc = local_hour(t_start, t60)
    t_mean_high = float(rng.normal({6: 3.0, 7: 6.0, 8: 5.5, 9: 2.0}[t_start.month], 2.0))
    diurnal_amp = float(rng.uniform(2.5, 5.0))
    rain_any = np.zeros_like(t60)
    for r in rain_station.values():
        rain_any = np.maximum(rain_any, r)
    cooling = np.convolve(np.clip(rain_any, 0, 15) * 0.35, np.ones(30) / 30)[: len(t60)]
    sun = np.clip(np.sin(np.pi * (hours_loc - 6.0) / 14.0), 0, None)  # daylight 06-20 local
    series: dict[tuple[str, str], np.ndarray] = {}  # at 60 s
    wind_common = ar1_fast(rng, len(t60), WIND_PHI ** (1 / 10), WIND_SDLN)
    storm_t0 = min((c.t0 for c in cells), default=None)
    for sid, st in site.stations.items():
        z = float(st.get("elevation_m", 3000))
        stkind = st.get("kind")
        sensors = {s["id"]: s for s in st["sensors"]}
        noise_t = ar1_fast(rng, len(t60), 0.98 ** (1 / 10), 0.6)
        temp = t_mean_high - 0.006 * (z - 3350) + diurnal_amp * np.cos(2 * np.pi * (hours_loc - 14.5) / 24) + noise_t - cooling
        cloud = np.clip(rain_any / 5.0, 0, 1)
        batt = BATT_NIGHT + (BATT_DAY - BATT_NIGHT) * np.clip(sun * 2.5, 0, 1) * (1 - 0.6 * cloud)
        batt += rng.normal(0, 0.02, len(t60)) + float(rng.normal(0, 0.08))
        if "battery" in sensors:
            series[(sid, "battery")] = batt
        if stkind == "weather":
            rr = rain_station.get(sid, np.zeros_like(t60))
            series[(sid, "air_temperature")] = temp
            rh = np.clip(
                65 - 12 * (z < 2500) - 3.0 * (temp - temp.mean()) + 30 * np.clip(rr / 3, 0, 1) + rng.normal(0, 1.5, len(t60)),
                3,
                100,
            )
            series[(sid, "relative_humidity")] = rh
            wind = WIND_MED * (0.8 if z < 2500 else 1.1) * np.exp(wind_common + ar1_fast(rng, len(t60), 0.9, 0.25))
            if storm_t0 is not None:
                gust = float(rng.uniform(3, 10)) * np.exp(-(((t60 - storm_t0 - 900) / 900.0) ** 2))
                wind = wind + gust
            series[(sid, "wind_speed")] = np.clip(wind, 0, 40)
            catch = np.clip(1 - 0.02 * wind, 0.7, 1.0)
            solid = temp < 0.5
            amt = rr / 60.0 * catch * np.where(solid, 0.3, 1.0)  # mm per minute
            series[(sid, "precipitation")] = amt  # summed over the interval later
            if "snow_depth" in sensors:
                new = np.cumsum(np.where(solid, rr / 60.0 * 0.01, 0.0))  # 10:1 snow
                melt = np.cumsum(np.where(temp > 2, 0.02 / 60.0, 0.0))
                base = float(rng.choice([0.0, 0.0, rng.uniform(0.02, 0.4)]))
                series[(sid, "snow_depth")] = np.clip(base + new - melt, 0, 8)
        elif stkind == "lake":
            lake = st["lake"]
            lv = float(rng.uniform(0.05, 0.3)) + 0.03 * np.sin(2 * np.pi * (hours_loc - 19) / 24)
            # rain on the lake and its small catchment raises it by centimetres
            if rain_any.any():
                lv = lv + np.cumsum(rain_any / 60.0) * 0.004
            d_inst = float(rng.uniform(3.0, 12.0))
            if glof is not None and lake == source_lake:
                i0 = int(onset_s / 60)
                hs60 = glof["hs"][:: int(60 / DT)]
                m = min(len(hs60), len(t60) - i0)
                lv = lv.copy()
                lv[i0 : i0 + m] = hs60[:m] + (lv[i0] - hs60[0])
                if i0 + m < len(t60):
                    lv[i0 + m :] = lv[i0 + m - 1]
                if glof["mech"] == "wave":  # seiche from the impact wave
                    amp = float(rng.uniform(0.5, 3.0))
                    per = float(rng.uniform(60, 200))
                    dt_ = t60 - onset_s
                    lv = lv + np.where(dt_ >= 0, amp * np.sin(2 * np.pi * dt_ / per) * np.exp(-dt_ / 600), 0)
                params["lake_transducer_depth_m"] = round(d_inst, 2)
            lv = np.maximum(lv, -d_inst + rng.normal(0, 0.01, len(t60)))  # out of water: reads its own depth
            series[(sid, "water_level")] = lv + rng.normal(0, 0.004, len(t60)) + ar1_fast(rng, len(t60), 0.9, 0.006)
            if "water_temperature" in sensors:
                wt = float(rng.uniform(2, 6)) + float(rng.uniform(0.3, 1.2)) * np.cos(2 * np.pi * (hours_loc - 16) / 24)
                series[(sid, "water_temperature")] = np.clip(wt + rng.normal(0, 0.03, len(t60)), 0.0, 20)
        elif stkind in ("gauge", "geophone"):
            rv = next(r for r in rivers if any(sid in site.paths[lk]["stations"] for lk in rivers[r]))
            rq = river_q[rv]
            lake_r = path_for[rv]
            km = site.paths[lake_r]["stations"][sid]
            if event_lake in rivers[rv] and sid in site.paths[event_lake]["stations"]:
                km = site.paths[event_lake]["stations"][sid]
            gauge_km = max(site.paths[lake_r]["stations"].values())
            scale = (site.paths[lake_r]["stations"][sid] / gauge_km) ** 0.8
            qb = rq["q_base"] * scale * (1 + rq["melt_amp"] * np.cos(2 * np.pi * (hours_loc - rq["melt_peak_h"]) / 24))
            qb = qb * np.exp(ar1_fast(rng, len(t60), 0.995, 0.04))
            qr = rain_runoff.get(sid, np.zeros_like(t60))
            qf10 = station_q.get(sid, np.zeros(n10))
            qdf10 = station_qdf.get(sid, np.zeros(n10))
            qf = qf10[:: int(60 / DT)][: len(t60)]
            q_all = qb + qr + qf
            if stkind == "gauge":
                rating = make_rating(rq["q_base"], rng)
                stage = stage_with_hysteresis(rating, q_all, 60.0, max(rq["slope_gauge"], 0.02), 4.0)
                # debris flow surge: the radar sees the bulk flow surface (rating of water is meaningless)
                if qdf10.any():
                    qdf = np.maximum.reduceat(qdf10, np.arange(0, n10, 6))[: len(t60)]
                    stage = np.maximum(stage, rating.h(qb + qdf) * 1.15)
                    if rng.random() < 0.4 and qdf.max() > 20:  # bed aggradation / scour shifts the datum
                        shift = float(rng.uniform(-0.3, 0.8))
                        ipk = int(np.argmax(qdf))
                        stage[ipk:] += shift
                        params.setdefault("gauge_datum_shift_m", {})[sid] = round(shift, 2)
                turb = 0.005 + 0.02 * np.clip(stage - rating.h(rq["q_base"]), 0, None)
                stage = stage + rng.normal(0, 1, len(t60)) * turb
                sensor_max = float(rng.uniform(9.5, 10.0))
                series[(sid, "stage")] = np.clip(stage, 0, sensor_max)
                params.setdefault("rating", {})[sid] = {
                    "a": round(rating.a, 3),
                    "b": round(rating.b, 3),
                    "h0": round(rating.h0, 3),
                    "bankfull_m": round(rating.h_bf, 2),
                }
            else:
                info = geo_power_extra.get(sid)
                d_perp = float(rng.uniform(15, 60))
                rr_loc = rain_any
                bg = 0.0015 * float(np.exp(rng.normal(0, 0.4)))
                pw_bg = bg**2 * (1 + (rr_loc / 10.0) ** 2)  # rain drops and runoff on the sensor site
                # the river itself: water coefficient 0.1 x debris, amplitude ~ Q^0.8
                kw = 0.1 * K_SEIS
                x = info["seg"] if info else np.array([km])
                pw_seg = line_power(np.hypot((x - km) * 1000.0, d_perp))
                pw_river = (kw * (qb + qr) ** 0.8) ** 2 * pw_seg.sum()
                pw_flood = np.zeros(len(t60))
                if info and (qf10.any() or qdf10.any()):
                    acc = np.zeros(n10)
                    for xj, pj in zip(x, pw_seg, strict=True):
                        if pj < 1e-12:
                            continue
                        qw = np.zeros(n10)
                        qd = np.zeros(n10)
                        j_all = info["qfun"](float(xj))
                        if dflow is not None and event_lake in rivers[rv]:
                            qd = dflow.q_at(t10, float(xj), info["slope_fn"])
                        qw = np.clip(j_all - qd, 0, None)
                        acc += pj * ((kw * qw**0.8) ** 2 + (K_SEIS * qd**0.8) ** 2)
                    pw_flood = acc[: (len(acc) // 6) * 6].reshape(-1, 6).mean(axis=1)
                    pw_flood = np.concatenate([pw_flood, np.zeros(max(0, len(t60) - len(pw_flood)))])[: len(t60)]
                if glof is not None and glof["mech"] == "wave" and (event_lake in rivers[rv]):
                    # the ice/rock avalanche that made the wave, heard from the lake
                    a_av = float(rng.uniform(0.005, 0.08))
                    dt_ = t60 - onset_s + 120
                    pw_flood = pw_flood + np.where(dt_ > 0, (a_av * np.exp(-dt_ / 120.0)) ** 2, 0)
                amp = np.sqrt(pw_bg + pw_river + pw_flood)
                amp *= np.exp(ar1_fast(rng, len(t60), 0.8, 0.25))
                gain = float(rng.choice([8, 32, 64]))
                v_sat = 2500.0 / (28.8 * gain) / math.sqrt(2)  # 2.5 V input, 28.8 V/(m/s) geophone, mm/s RMS
                series[(sid, "ground_velocity")] = v_sat * np.tanh(amp / v_sat)
                params.setdefault("geophone", {})[sid] = {
                    "distance_m": round(d_perp, 1),
                    "gain": gain,
                    "saturation_mm_s": round(v_sat, 3),
                }

    # ---- stations destroyed by the hazard -----------------------------------------------------------
    faults = []
    if glof is not None:
        ls = site.lake_station.get(source_lake)
        if ls and rng_faults.random() < 0.35:
            t_d = onset_s + float(rng_faults.uniform(60, 1200))
            faults.append({"station": ls, "sensor": "*", "kind": "destroyed", "t0": t_d, "t1": horizon_s})
    if glof is not None or dflow is not None:
        for sid, qz in sorted(station_q.items()):
            tot = qz
            if tot.max() > 150 and rng_faults.random() < 0.15:
                i = int(np.argmax(tot >= 150))
                faults.append({"station": sid, "sensor": "*", "kind": "destroyed", "t0": float(t10[i]) + 60, "t1": horizon_s})

    # ---- sensor faults ------------------------------------------------------------------------------
    all_sensors = [(sid, s["id"]) for sid, st in site.stations.items() for s in st["sensors"]]
    geophones = [(sid, "ground_velocity") for sid, st in site.stations.items() if st.get("kind") == "geophone"]
    n_f = int(rng_faults.integers(1, 4)) if kind == "fault" else (1 if rng_faults.random() < 0.2 else 0)
    fault_kinds = [("spike", 3), ("stuck", 2), ("gap", 3), ("drift", 2), ("dead", 1.5), ("battery_dropout", 1)]
    if kind == "fault" and geophones and rng_faults.random() < 0.3:
        sid, sen = geophones[int(rng_faults.integers(len(geophones)))]
        t0 = float(rng_faults.uniform(0.5, 0.9 * horizon_s / 3600)) * 3600
        t1 = t0 + float(rng_faults.uniform(120, 600))
        amp = float(np.exp(rng_faults.normal(math.log(0.3), 1.2)))
        faults.append(burst(sid, sen, t0, t1, amp, str(rng_faults.choice(["rockfall", "quake", "vehicle"]))))
        n_f = max(0, n_f - 1)
    elif kind != "fault" and geophones and rng_faults.random() < 0.05:
        sid, sen = geophones[0]
        t0 = float(rng_faults.uniform(0.3, 0.9 * horizon_s / 3600)) * 3600
        t1 = t0 + float(rng_faults.uniform(120, 600))
        faults.append(burst(sid, sen, t0, t1, float(np.exp(rng_faults.normal(math.log(0.1), 1.0))), "rockfall"))
    for _ in range(n_f):
        fk = pick(rng_faults, fault_kinds)
        sid, sen = all_sensors[int(rng_faults.integers(len(all_sensors)))]
        t0 = float(rng_faults.uniform(0.3, 0.95 * horizon_s / 3600)) * 3600
        f = {"station": sid, "sensor": sen, "kind": fk, "t0": t0}
        if fk == "spike":
            f["t1"] = t0 + 60 * float(rng_faults.integers(0, 3))
        elif fk == "stuck":
            f["t1"] = min(horizon_s, t0 + float(rng_faults.uniform(1, 6)) * 3600)
        elif fk == "gap":
            f["t1"] = min(horizon_s, t0 + float(rng_faults.uniform(0.3, 3)) * 3600)
            if rng_faults.random() < 0.5:
                f["sensor"] = "*"
        elif fk == "drift":
            f["t1"] = horizon_s
            f["rate_per_h"] = float(rng_faults.uniform(0.02, 0.12)) * float(rng_faults.choice([-1, 1]))
        elif fk == "dead":
            f["t1"] = horizon_s
            f["nan"] = bool(rng_faults.random() < 0.5)
        elif fk == "battery_dropout":
            f["sensor"] = "*"
            f["t1"] = horizon_s
            f["sag_h"] = float(rng_faults.uniform(1, 4))
            f["t0"] = min(t0, horizon_s - 1800)
        faults.append(f)

    # ---- sample sensors, apply faults, serialise ----------------------------------------------------
    records = []  # (t_s, station, sensor, value or nan)
    fmt = {}
    for sid, st in site.stations.items():
        for s in st["sensors"]:
            sen = s["id"]
            iv = int(s["interval_s"])
            ts = np.arange(iv, horizon_s + 1, iv, dtype=float)
            x = series.get((sid, sen))
            if x is None:
                x = np.zeros_like(t60)
            idx = np.clip((ts / 60).astype(int), 0, len(t60) - 1)
            if sen == "precipitation":
                c = np.concatenate([[0.0], np.cumsum(x)])
                prev = np.clip(((ts - iv) / 60).astype(int), 0, len(t60) - 1)
                amt = c[idx + 1] - c[prev + 1]
                res = 0.2 if z_of(st) > 2500 else 0.1  # tipping-bucket resolution
                tips = np.floor(np.concatenate([[0.0], np.cumsum(amt)]) / res)
                vals = np.diff(tips) * res
                vals = np.clip(vals, 0, 60)
            elif sen == "ground_velocity":
                vals = x[np.clip(idx - 1, 0, None)]  # RMS over the minute that ends at the timestamp
            else:
                vals = x[idx].astype(float)
            vals = vals.astype(float)
            keep = np.ones(len(ts), dtype=bool)
            lo, hi = s.get("valid", [-1e9, 1e9])
            vals = np.clip(vals, lo, hi)
            for f in faults:
                if f["station"] != sid or f["sensor"] not in ("*", sen):
                    continue
                inw = (ts >= f["t0"]) & (ts <= f["t1"])
                k = f["kind"]
                if k == "destroyed":
                    keep &= ts < f["t0"]
                elif k == "gap":
                    keep &= ~inw
                elif k == "spike":
                    span = (hi - lo) if math.isfinite(hi - lo) else 10.0
                    j = np.nonzero(inw | (np.abs(ts - f["t0"]) < iv / 2))[0][:3]
                    vals[j] = vals[j] + float(rng_faults.choice([-1, 1])) * span * float(rng_faults.uniform(0.15, 0.6))
                elif k == "stuck":
                    j = np.nonzero(inw)[0]
                    if j.size:
                        vals[j] = vals[j[0]]
                elif k == "drift":
                    hrs = np.clip(ts - f["t0"], 0, None) / 3600
                    if sen == "ground_velocity":  # coupling / gain drift
                        vals = vals * np.clip(1 + 3 * f["rate_per_h"] * hrs, 0.1, None)
                    else:
                        scale = max(1.0, float(np.nanstd(vals)) * 3)
                        vals = vals + f["rate_per_h"] * scale * hrs
                elif k == "dead":
                    if f.get("nan"):
                        vals = np.where(inw, np.nan, vals)
                    else:
                        keep &= ~inw
                elif k == "battery_dropout":
                    t_off = f["t0"] + f["sag_h"] * 3600
                    if sen == "battery":
                        sag = np.clip((ts - f["t0"]) / (f["sag_h"] * 3600), 0, 1)
                        vals = np.where(inw, vals - sag * (vals - 10.9), vals)
                    keep &= ts < t_off
                elif k == "burst":
                    dt_ = ts - f["t0"]
                    dur = f["t1"] - f["t0"]
                    if f["shape"] == "vehicle":
                        env = np.where(inw, np.sin(np.pi * np.clip(dt_ / dur, 0, 1)), 0)
                    else:
                        env = np.where(inw, np.exp(-np.clip(dt_, 0, None) / (dur / 3)), 0)
                    vals = np.sqrt(vals**2 + (f["amp"] * env) ** 2)
            for t, v, k in zip(ts, vals, keep, strict=True):
                if k:
                    records.append((t, sid, sen, v))
            fmt[(sid, sen)] = (
                "%.5f"
                if sen == "ground_velocity"
                else (
                    "%.1f"
                    if sen in ("relative_humidity", "wind_speed")
                    else "%.3f"
                    if sen in ("water_level", "stage", "snow_depth", "water_temperature")
                    else "%.2f"
                )
            )

    # transport: NaN values, duplicates, late rows, GSM outage backfill
    nan_rate = float(rng_noise.uniform(0, 0.008))
    dup_rate = float(rng_noise.uniform(0, 0.005))
    late_rate = float(rng_noise.uniform(0, 0.003))
    n = len(records)
    arrival = np.array([r[0] for r in records]) + rng_noise.uniform(1, 25, n)
    is_nan = rng_noise.random(n) < nan_rate
    late = rng_noise.random(n) < late_rate
    arrival[late] += rng_noise.uniform(60, 3600, int(late.sum()))
    if rng_noise.random() < 0.15:  # a station's GSM link drops; the logger backfills when it returns
        sids = sorted(site.stations)
        so = sids[int(rng_noise.integers(len(sids)))]
        o0 = float(rng_noise.uniform(0.2, 0.8)) * horizon_s
        o1 = o0 + float(rng_noise.uniform(900, 5400))
        for i, r in enumerate(records):
            if r[1] == so and o0 <= r[0] < o1:
                arrival[i] = o1 + float(rng_noise.uniform(0, 120))
                late[i] = True
    dup = rng_noise.random(n) < dup_rate
    order_rows = []
    for i, r in enumerate(records):
        order_rows.append((arrival[i], i, r, is_nan[i]))
        if dup[i]:
            order_rows.append((arrival[i] + float(rng_noise.uniform(0, 600)), i, r, is_nan[i]))
    order_rows.sort(key=lambda e: (e[0], e[1]))
    lines = ["time,station,sensor,value"]
    toggle = False
    n_nan = 0
    for _, _, (t, sid, sen, v), nanflag in order_rows:
        tstr = iso(t_start + timedelta(seconds=float(t)))
        if nanflag or not np.isfinite(v):
            toggle = not toggle
            val = "NAN" if toggle else ""
            n_nan += 1
        else:
            val = fmt[(sid, sen)] % v
        lines.append(f"{tstr},{sid},{sen},{val}")

    # ---- truth --------------------------------------------------------------------------------------
    sid_name = f"holdout{seed}-{kind}"

    def ts_iso(s):
        return iso(t_start + timedelta(seconds=float(s)))

    if truth["hazard"]:
        zones_sorted = sorted(arrivals, key=lambda z: (arrivals[z], z))
        truth["zones"] = zones_sorted
        truth["arrivals"] = {z: ts_iso(arrivals[z]) for z in zones_sorted}
        truth["first_arrival"] = ts_iso(min(arrivals.values())) if arrivals else None
        truth["onset"] = ts_iso(onset_s)
        truth["stations"] = {s: ts_iso(st_arr[s]) for s in sorted(st_arr, key=lambda s: st_arr[s])}
        if source_lake and site.lake_station.get(source_lake) and glof is not None:
            truth["stations"][site.lake_station[source_lake]] = ts_iso(onset_s)
        ev_lake = source_lake if glof is not None else path_for[storm_valley]
        truth["source"] = {
            "flow_path": ev_lake,
            "chainage_km": 0.0 if glof is not None else round(params["torrent_km"], 2),
            "river": site.paths[ev_lake]["river"],
        }
        truth["peak_first_zone_m3s"] = round(peak_first, 1) if peak_first is not None else None
        truth["front_threshold_m3s"] = round(q_front[site.paths[ev_lake]["river"]], 2)
    else:
        truth.update(first_arrival=None, volume_m3=None, peak_discharge_m3s=None)
    truth.setdefault("volume_m3", None)
    truth.setdefault("peak_discharge_m3s", None)
    truth["faults"] = [
        {"station": f["station"], "sensor": f["sensor"], "kind": f["kind"], "start": ts_iso(f["t0"]), "end": ts_iso(f["t1"])}
        for f in faults
    ]
    truth["transport"] = {"nan": int(n_nan), "duplicates": int(dup.sum()), "late": int(late.sum())}
    params["base_flow_m3s"] = {rv: round(river_q[rv]["q_base"], 2) for rv in sorted(river_q)}
    out = {
        "id": sid_name,
        "seed": seed,
        "file": f"{sid_name}.csv",
        "kind": kind,
        "hazard": truth["hazard"],
        "lake": truth["lake"],
        "start": iso(t_start),
        "end": ts_iso(horizon_s),
        "onset": truth["onset"],
        "zones": truth["zones"],
        "arrivals": truth["arrivals"],
        "first_arrival": truth.get("first_arrival"),
        "volume_m3": truth["volume_m3"],
        "peak_discharge_m3s": truth["peak_discharge_m3s"],
        "faults": truth["faults"],
        "generator": "holdout_scenarios.py",
        "transport": truth["transport"],
    }
    for k in ("stations", "source", "peak_first_zone_m3s", "front_threshold_m3s", "rain"):
        if k in truth:
            out[k] = truth[k]
    out["params"] = _jsonable(params)
    return Scenario(sid=sid_name, rows=lines, truth=out)


def z_of(st: dict) -> float:
    return float(st.get("elevation_m", 0.0))


def _jsonable(o):
    if isinstance(o, dict):
        return {str(k): _jsonable(v) for k, v in o.items()}
    if isinstance(o, list | tuple):
        return [_jsonable(v) for v in o]
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, float):
        return round(o, 4)
    return o


def generate(site_dir: Path, *, seed: int, n: int, kinds: list[str] | None = None) -> list[Scenario]:
    site = load_site(site_dir)
    out = []
    for i in range(n):
        kind = kinds[i % len(kinds)] if kinds else None
        out.append(generate_one(site, seed + i, kind))
    return out


def write(scenarios: list[Scenario], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "truth.jsonl", "w") as tf:
        for sc in scenarios:
            (out_dir / f"{sc.sid}.csv").write_text("\n".join(sc.rows) + "\n")
            tf.write(json.dumps(sc.truth, sort_keys=False) + "\n")


def peak_table(site_dir: Path, n: int = 400, seed: int = 200_000_500) -> dict:
    """Source peaks of the drainage model per mechanism (for the doc's comparison table)."""
    site = load_site(site_dir)
    rng = np.random.default_rng(seed)
    res: dict = {}
    for lid, lk in sorted(site.lakes.items()):
        dam = lk.get("dam", "unknown")
        for mech, _ in MECHANISMS.get(dam, MECHANISMS["unknown"]):
            qp, vs = [], []
            for _ in range(n // 4):
                v0 = lake_volume(lk, rng)
                qs, _, lp = drain_lake(mech, float(lk["area_m2"]), v0, rng, 34 * 3600.0)
                qp.append(float(qs.max()))
                vs.append(float(np.clip(qs - lp["inflow_m3s"], 0, None).sum() * DT))
            res[f"{lid}/{mech}"] = {
                "volume_med_m3": round(float(np.median(vs))),
                "qp_p05": round(float(np.percentile(qp, 5)), 1),
                "qp_med": round(float(np.median(qp)), 1),
                "qp_p95": round(float(np.percentile(qp, 95)), 1),
            }
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=False)
    ap.add_argument("--seed", type=int, default=200_000_000)
    ap.add_argument("--n", type=int, default=10)
    ap.add_argument("--kinds", type=str, default=None)
    ap.add_argument("--site", type=Path, default=DEFAULT_SITE)
    ap.add_argument("--peak-table", action="store_true", help="print the drainage model's source peaks and exit")
    a = ap.parse_args(argv)
    if a.peak_table:
        print(json.dumps(peak_table(a.site), indent=1))
        return 0
    if a.out is None:
        ap.error("--out is required")
    kinds = [k.strip() for k in a.kinds.split(",")] if a.kinds else None
    if kinds:
        bad = [k for k in kinds if k not in KINDS]
        if bad:
            ap.error(f"unknown kind(s) {bad}; choose from {', '.join(KINDS)}")
    t0 = time.perf_counter()
    sc = generate(a.site, seed=a.seed, n=a.n, kinds=kinds)
    write(sc, a.out)
    print(f"wrote {len(sc)} scenarios to {a.out} in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
