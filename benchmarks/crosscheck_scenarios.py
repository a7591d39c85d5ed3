#!/usr/bin/env python3
"""Cross-check scenario generator for glofwatch, written without reading the detection code.

Standalone (no glofwatch import): numpy + PyYAML only. It writes telemetry and truth in the contract of
docs/scenarios.md ("The contract"): ``DIR/<id>.csv`` (``time,station,sensor,value`` in arrival order) and
``DIR/truth.jsonl``. The physics, sensor models and faults are described in docs/crosscheck-scenarios.md.

Usage::

    .venv/bin/python benchmarks/crosscheck_scenarios.py --out /tmp/cc --seed 300000000 --n 100
    .venv/bin/python benchmarks/crosscheck_scenarios.py --out /tmp/cc --seed 300000000 --n 10 --kinds glof,fault

Scenario ``i`` uses seed ``seed + i``; its kind (unless ``--kinds`` cycles), date, physics, faults and
transport noise all come from that seed alone.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

DEFAULT_SITE = Path(__file__).resolve().parents[1] / "src" / "glofwatch" / "data" / "sites" / "issyk-kul"
KINDS = ("glof", "debris_flow", "rain", "quiet", "fault")
MIX = (0.35, 0.25, 0.15, 0.10, 0.15)
RESERVED_SEED = 301_000_000
EPOCH_2022 = 1640995200.0  # 2022-01-01T00:00:00Z
HOUR = 3600.0
LOCAL_UTC_OFFSET_H = 6.0  # Asia/Bishkek

# ----------------------------------------------------------------------------------------------
# formulas (DESIGN.md §2); V in m3, Qp in m3/s


def huggel_volume(area_m2: float) -> float:
    """Huggel et al. (2002): V = 0.104 A^1.42."""
    return 0.104 * area_m2**1.42


def qp_moraine(v: float) -> dict[str, float]:
    """Moraine-dam peak discharge formulas (Huggel 2002, Evans 1986, Popov 1991) and the 2V/1000 s bound."""
    return {
        "huggel_2002": 0.00077 * v**1.017,
        "evans_1986": 0.72 * v**0.53,
        "popov_1991": 0.0048 * v**0.896,
        "huggel_upper_2v_1000s": 2.0 * v / 1000.0,
    }


def qp_ice(v: float) -> dict[str, float]:
    """Ice-dam peak discharge formulas (Clague & Mathews 1973; Walder & Costa 1996 tunnel / breach)."""
    vm = v / 1e6
    return {
        "clague_mathews_1973": 75.0 * vm**0.67,
        "walder_costa_1996_tunnel": 46.0 * vm**0.66,
        "walder_costa_1996_breach": 1100.0 * vm**0.44,
    }


def caine_intensity(d_h: float) -> float:
    """Caine (1980) rainfall intensity-duration threshold, mm/h for a duration in h."""
    return 14.82 * d_h**-0.39


def guzzetti_intensity(d_h: float) -> float:
    """Guzzetti et al. (2008) global minimum threshold, mm/h."""
    return 2.20 * d_h**-0.44


# ----------------------------------------------------------------------------------------------
# site


def _km(a: list[float], b: list[float]) -> float:
    lat = math.radians(0.5 * (a[1] + b[1]))
    dx = (a[0] - b[0]) * 111.32 * math.cos(lat)
    dy = (a[1] - b[1]) * 110.57
    return math.hypot(dx, dy)


class Site:
    """The parts of a site.yaml this generator uses."""

    def __init__(self, site_dir: str | Path):
        self.dir = Path(site_dir)
        with open(self.dir / "site.yaml", encoding="utf-8") as fh:
            raw = yaml.safe_load(fh)
        self.lakes: dict[str, dict] = {lk["id"]: lk for lk in raw.get("lakes") or []}
        self.stations: list[dict] = list(raw.get("stations") or [])
        self.station_by_id = {s["id"]: s for s in self.stations}
        self.paths: dict[str, dict] = {p["lake"]: p for p in raw.get("flow_paths") or []}
        self.zone_geo = {z["id"]: z for z in raw.get("zones") or []}

    def lake_station(self, lake: str) -> dict | None:
        for st in self.stations:
            if st.get("kind") == "lake" and st.get("lake") == lake:
                return st
        return None

    def path_stations(self, lake: str) -> dict[str, float]:
        """Stations on the flow path of ``lake`` with their chainage (km) in that path's frame.

        A path with no station of its own borrows the stations of a path on the same river, shifted by
        the mean chainage difference of the zones both paths share.
        """
        own = {st["id"]: float(st["flow_path"]["chainage_km"]) for st in self.stations
               if (st.get("flow_path") or {}).get("lake") == lake}
        if own or lake not in self.paths:
            return own
        mine = self.paths[lake]
        for other, p in self.paths.items():
            if other == lake or p.get("river") != mine.get("river"):
                continue
            shared = [z for z in mine["zones"] if z in p["zones"]]
            theirs = {st["id"]: float(st["flow_path"]["chainage_km"]) for st in self.stations
                      if (st.get("flow_path") or {}).get("lake") == other}
            if shared and theirs:
                off = float(np.mean([mine["zones"][z] - p["zones"][z] for z in shared]))
                return {k: v + off for k, v in theirs.items()}
        return {}

    def station_point(self, sid: str) -> list[float]:
        return self.station_by_id[sid]["location"]

    def zone_point(self, zid: str) -> list[float]:
        ring = np.asarray(self.zone_geo[zid]["polygon"], dtype=float)
        return list(ring[:-1].mean(axis=0))

    def rivers(self) -> list[str]:
        """One representative lake per river: the one whose path carries stations, else the first."""
        seen: dict[str, str] = {}
        for lake, p in self.paths.items():
            r = p.get("river", lake)
            if r not in seen or (self.path_stations(lake) and not any(
                    (st.get("flow_path") or {}).get("lake") == seen[r] for st in self.stations)):
                seen[r] = lake
        return list(seen.values())


# ----------------------------------------------------------------------------------------------
# floods


@dataclass
class Flood:
    """A flood wave in one channel: a source hydrograph routed as a translating, stretching pulse."""

    path_lake: str            # chainage frame (the flow path of this lake)
    x_src_km: float           # source chainage
    t0: float                 # epoch s: the front leaves the source
    tau: np.ndarray           # s after t0
    q: np.ndarray             # m3/s at the source (above base flow)
    c1: float                 # front celerity, m/s, upper channel
    c2: float                 # front celerity below the knee
    knee_km: float            # chainage where the channel flattens (gorge exit / fan)
    att_km: float             # attenuation length: peak / (1 + dx/att)
    bulk: float               # bulking: volume x (1 + bulk) over the first 6 km (debris)
    reach_km: float           # runout limit (chainage); beyond it nothing arrives
    flow_type: str            # "debris" or "water"

    def travel_s(self, x_km: float) -> float:
        a = self.x_src_km
        up = max(0.0, min(x_km, self.knee_km) - a)
        down = max(0.0, x_km - max(a, self.knee_km))
        return 1000.0 * (up / self.c1 + down / self.c2)

    def arrival(self, x_km: float) -> float | None:
        if x_km < self.x_src_km or x_km > self.reach_km:
            return None
        return self.t0 + self.travel_s(x_km)

    def factors(self, x_km: float) -> tuple[float, float]:
        dx = max(0.0, x_km - self.x_src_km)
        stretch = 1.0 + dx / self.att_km
        bulk = 1.0 + self.bulk * min(dx, 6.0) / 6.0
        return stretch, bulk

    def q_at(self, x_km: float, t: np.ndarray) -> np.ndarray:
        ta = self.arrival(x_km)
        if ta is None:
            return np.zeros_like(t)
        s, b = self.factors(x_km)
        u = (t - ta) / s
        out = np.interp(u, self.tau, self.q, left=0.0, right=0.0) * b / s
        if self.reach_km < 1e6:  # debris flow depositing towards its runout end
            out *= np.clip((self.reach_km - x_km) / 2.0, 0.15, 1.0)
        return out

    def peak_at(self, x_km: float) -> float:
        if self.arrival(x_km) is None:
            return 0.0
        s, b = self.factors(x_km)
        f = np.clip((self.reach_km - x_km) / 2.0, 0.15, 1.0) if self.reach_km < 1e6 else 1.0
        return float(self.q.max() * b / s * f)

    def duration_at(self, x_km: float) -> float:
        """Seconds from the front until the flow at x falls below 10 % of its peak."""
        s, _ = self.factors(x_km)
        above = np.nonzero(self.q >= 0.1 * self.q.max())[0]
        return float(self.tau[above[-1]] * s) if len(above) else 0.0


def shaped_hydrograph(shape: str, volume: float, qp: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, dict]:
    """Source hydrograph with the given volume (m3) and peak (m3/s).

    Shapes: ``breach`` (gamma-like, k 1.5-4, fast rise), ``tunnel`` (exponential rise over hours, fast fall,
    Nye-type drainage), ``slow`` (long, flat, k 1-1.5).
    """
    u = np.linspace(0.0, 12.0, 2401)
    if shape == "tunnel":
        a, b = rng.uniform(3.0, 6.0), rng.uniform(6.0, 14.0)
        s = np.where(u <= 1.0, np.exp(a * (u - 1.0)), np.exp(-b * (u - 1.0)))
        s[0] = 0.0
        info = {"rise_exp": round(a, 2), "fall_exp": round(b, 2)}
    else:
        k = rng.uniform(1.5, 4.0) if shape == "breach" else rng.uniform(1.0, 1.5)
        s = (u * np.exp(1.0 - u)) ** k
        info = {"gamma_k": round(k, 2)}
    integral = float(np.trapezoid(s, u))
    tr = volume / (qp * integral)
    tau = u * tr
    q = s * qp
    keep = (q >= 1e-3 * qp) | (u <= 1.0)
    last = int(np.nonzero(keep)[0][-1]) + 2
    info["rise_time_s"] = round(tr, 1)
    return tau[:last], q[:last], info


def surge_hydrograph(volume: float, qp: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, dict]:
    """Debris-flow source hydrograph: 1-6 surges, each a steep front (20-90 s) and an exponential tail."""
    n = int(rng.integers(1, 7))
    gaps = np.concatenate([[0.0], np.cumsum(rng.uniform(120, 1200, n - 1))])
    rel = np.sort(rng.uniform(0.15, 1.0, n))[::-1]
    rel = np.roll(rel, int(rng.integers(0, min(n, 2))))  # the biggest surge is first or second
    rel /= rel.max()
    tails = rng.uniform(120, 900, n)
    fronts = rng.uniform(20, 90, n)
    tau = np.arange(0.0, gaps[-1] + 6 * tails.max() + 120, 5.0)
    shape = np.zeros_like(tau)
    for g, r, tl, fr in zip(gaps, rel, tails, fronts, strict=True):
        d = tau - g
        shape += r * np.where(d < 0, 0.0, np.where(d < fr, d / fr, np.exp(-(d - fr) / tl)))
    shape /= shape.max()
    v1 = float(np.trapezoid(shape, tau)) * qp
    # keep the peak, match the volume by stretching time
    tau = tau * (volume / v1)
    return tau, shape * qp, {"surges": n, "surge_gaps_s": [round(float(g * volume / v1)) for g in gaps]}


# ----------------------------------------------------------------------------------------------
# scenario assembly


@dataclass
class Storm:
    kind: str                  # convective | steady | moderate | rain_on_snow
    t0: float
    dur_s: float
    peak_mm_h: float
    center: list[float]
    scale_km: float
    hail: bool = False
    tt: np.ndarray = field(default_factory=lambda: np.zeros(0))
    ii: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def intensity(self, t: np.ndarray) -> np.ndarray:
        return np.interp(t, self.tt, self.ii, left=0.0, right=0.0)


def make_storm(rng: np.random.Generator, kind: str, t0: float, center: list[float], *, peak: float | None = None,
               dur_h: float | None = None) -> Storm:
    if kind == "convective":
        dur_h = dur_h or rng.uniform(0.5, 2.5)
        peak = peak or rng.uniform(8.0, 45.0)
        scale = rng.uniform(4.0, 12.0)
    elif kind == "steady":
        dur_h = dur_h or rng.uniform(6.0, 24.0)
        peak = peak or rng.uniform(2.0, 6.0)
        scale = rng.uniform(30.0, 80.0)
    else:  # moderate, rain_on_snow
        dur_h = dur_h or rng.uniform(2.0, 8.0)
        peak = peak or rng.uniform(2.5, 8.0)
        scale = rng.uniform(15.0, 50.0)
    dur = dur_h * HOUR
    tt = np.arange(0.0, dur + 1.0, 300.0)
    u = tt / dur
    if kind == "convective":
        up = rng.uniform(0.2, 0.45)
        base = np.where(u < up, u / up, np.exp(-3.0 * (u - up) / (1 - up)))
        cells = 1.0
    else:
        base = np.clip(np.sin(np.pi * u), 0.0, None) ** 0.6
        cells = np.exp(rng.normal(0.0, 0.35, len(u)))
    ii = peak * base * cells
    ii = ii * peak / max(ii.max(), 1e-9)
    hail = bool(kind == "convective" and rng.random() < 0.3)
    return Storm(kind, t0, dur, float(peak), center, float(scale), hail, t0 + tt, ii)


def month_weights(kind: str) -> np.ndarray:
    w = {
        "glof": [0, 0, 0, 0, 2, 15, 33, 30, 14, 6, 0, 0],
        "debris_flow": [0, 0, 0, 3, 14, 30, 30, 18, 5, 0, 0, 0],
        "rain": [0, 0, 3, 10, 16, 18, 16, 14, 12, 8, 3, 0],
        "quiet": [1] * 12,
        "fault": [1] * 12,
    }[kind]
    a = np.asarray(w, dtype=float)
    return a / a.sum()


class Builder:
    """Everything of one scenario, drawn from one seed."""

    def __init__(self, site: Site, seed: int, kind: str | None):
        self.site = site
        self.seed = int(seed)
        self.rng = np.random.default_rng(self.seed)
        rng = self.rng
        drawn = str(KINDS[int(rng.choice(len(KINDS), p=MIX))])  # always drawn: --kinds does not shift the stream
        self.kind = kind if kind is not None else drawn
        month = int(rng.choice(12, p=month_weights(self.kind))) + 1
        year = int(rng.integers(2022, 2027))
        day = int(rng.integers(1, 29))
        doy = (np.datetime64(f"{year}-{month:02d}-{day:02d}") - np.datetime64(f"{year}-01-01")).astype(int) + 1
        self.month, self.doy = month, int(doy)
        self.day0 = float((np.datetime64(f"{year}-{month:02d}-{day:02d}T00:00:00") - np.datetime64("1970-01-01T00:00:00"))
                          .astype("timedelta64[s]").astype(np.int64))
        self.summer = max(0.0, math.sin(math.pi * (self.doy - 115) / 165.0)) if 115 <= self.doy <= 280 else 0.0
        self.frozen_lakes = month in (11, 12, 1, 2, 3, 4)
        self.floods: list[Flood] = []
        self.storms: list[Storm] = []
        self.truth: dict = {}
        self.lake_effects: dict[str, dict] = {}
        self.faults: list[dict] = []
        self.destroyed: dict[tuple[str, str], float] = {}  # (station, sensor or *) -> epoch s silent from

    # ---- time helpers
    def iso(self, t: float | None) -> str | None:
        if t is None:
            return None
        return str(np.datetime64(int(round(t)), "s")) + "Z"

    # ---- event design
    def design(self) -> None:
        rng = self.rng
        event_t = self.day0 + rng.uniform(0, 24) * HOUR  # any hour, nights included
        if self.kind == "glof":
            self._design_glof(event_t)
        elif self.kind == "debris_flow":
            self._design_debris(event_t)
        elif self.kind == "rain":
            self._design_rain(event_t)
        # window
        if self.kind in ("glof", "debris_flow"):
            pre = rng.uniform(3.0, 10.0) * HOUR
            first = min([self.event_start] + [s.t0 for s in self.storms])
            start = math.floor((first - pre) / HOUR) * HOUR
            fl = self.floods[0]
            last_x = max(self.truth_zone_ch.values())
            tail = fl.arrival(last_x) + fl.duration_at(last_x) + rng.uniform(0.5, 3.0) * HOUR
            end = max(tail, start + 6 * HOUR)
            end = min(end, start + 40 * HOUR)
        elif self.kind == "rain":
            s = self.storms[0]
            start = math.floor((s.t0 - rng.uniform(3.0, 10.0) * HOUR) / HOUR) * HOUR
            end = min(max(s.t0 + s.dur_s + rng.uniform(3.0, 10.0) * HOUR, start + 6 * HOUR), start + 40 * HOUR)
        else:
            start = math.floor((event_t - rng.uniform(0, 12) * HOUR) / HOUR) * HOUR
            end = start + rng.uniform(6.0, 40.0) * HOUR
        self.start = float(start)
        self.end = float(math.ceil(end / 600.0) * 600.0)

    def _design_glof(self, t_breach: float) -> None:
        rng, site = self.rng, self.site
        lakes = [lk for lk in site.lakes if lk in site.paths and site.path_stations(lk)]
        lake = str(rng.choice(lakes))
        lk = site.lakes[lake]
        dam = lk.get("dam", "moraine")
        area = float(lk["area_m2"]) * rng.uniform(0.8, 1.3)  # mapped area is dated; lakes grow
        vol_lake = float(lk.get("volume_m3") or huggel_volume(area)) * rng.uniform(0.7, 1.3)
        p = {"dam": dam, "lake_area_m2": round(area), "lake_volume_m3": round(vol_lake)}
        precursor: dict | None = None
        if dam == "ice":
            mech = "tunnel" if rng.random() < 0.75 else "ice_breach"
            frac = rng.uniform(0.6, 1.0)
            vol = vol_lake * frac
            f = qp_ice(vol)
            if mech == "tunnel":
                qp = rng.uniform(0.7, 1.3) * math.sqrt(f["clague_mathews_1973"] * f["walder_costa_1996_tunnel"])
                shape = "tunnel"
            else:
                qp = rng.uniform(0.3, 1.0) * f["walder_costa_1996_breach"]
                shape = "breach"
        else:
            mech = str(rng.choice(["breach", "avalanche_wave", "piping_breach", "overtopping", "slow_drainage"],
                                  p=[0.3, 0.15, 0.2, 0.2, 0.15]))
            frac = {"breach": (0.4, 0.95), "avalanche_wave": (0.2, 0.9), "piping_breach": (0.3, 0.85),
                    "overtopping": (0.3, 0.9), "slow_drainage": (0.2, 0.6)}[mech]
            frac = rng.uniform(*frac)
            vol = vol_lake * frac
            f = qp_moraine(vol)
            if mech == "slow_drainage":  # ice-core thaw, Western Zyndan 2008 type: 437e3 m3 at 27 m3/s
                qp = math.exp(rng.uniform(math.log(12.0), math.log(70.0)))
                shape = "slow"
            else:
                lo = min(f["huggel_2002"], f["evans_1986"], f["popov_1991"])
                hi = max(f["huggel_2002"], f["evans_1986"], f["popov_1991"])
                qp = math.exp(rng.uniform(math.log(0.5 * lo), math.log(1.3 * hi)))
                shape = "breach"
            qp = min(qp, f["huggel_upper_2v_1000s"])
        tau, q, hinfo = shaped_hydrograph(shape, vol, qp, rng)
        if mech == "piping_breach":
            precursor = {"kind": "seepage", "start": t_breach - rng.uniform(1.0, 6.0) * HOUR,
                         "q_end_m3s": rng.uniform(1.0, 6.0)}
        elif mech == "overtopping":
            precursor = {"kind": "lake_rise", "start": t_breach - rng.uniform(3.0, 12.0) * HOUR,
                         "rise_m": rng.uniform(0.1, 0.6)}
            if rng.random() < 0.6:  # rain on the catchment drives it
                self.storms.append(make_storm(rng, "steady", precursor["start"] - HOUR, lk["location"]))
        elif mech == "avalanche_wave":
            precursor = {"kind": "displacement_wave", "start": t_breach - rng.uniform(0.0, 180.0),
                         "wave_m": rng.uniform(0.5, 3.0)}
        elif mech == "tunnel" and rng.random() < 0.5:
            precursor = None
        if rng.random() < 0.2 and mech != "overtopping":  # outburst during a storm
            self.storms.append(make_storm(rng, str(rng.choice(["convective", "steady"])), t_breach - rng.uniform(0.5, 4) * HOUR,
                                          lk["location"]))
        flow_type = "water" if shape in ("tunnel", "slow") or rng.random() < 0.4 else "debris"
        c1 = float(np.clip(2.5 * (qp / 100.0) ** 0.25 * rng.uniform(0.75, 1.3), 1.2, 10.0))
        if shape in ("tunnel", "slow"):
            c1 = float(rng.uniform(1.5, 3.0))
        fl = Flood(lake, 0.0, t_breach, tau, q, c1, c1 * rng.uniform(0.6, 0.95), 15.0,
                   rng.uniform(10.0, 40.0), rng.uniform(0.0, 0.6) if flow_type == "debris" else 0.0, 1e9, flow_type)
        self.floods.append(fl)
        self.event_start = t_breach if precursor is None else min(t_breach, precursor["start"])
        level_drop = vol / (0.75 * area)
        sensor_depth = rng.uniform(2.0, 8.0)
        self.lake_effects[lake] = {"flood": fl, "area": area, "precursor": precursor, "sensor_depth": sensor_depth,
                                   "volume": vol}
        self.truth_zone_ch = dict(site.paths[lake]["zones"])
        self.truth.update(
            hazard="glof", lake=lake, onset=t_breach, volume_m3=round(vol), peak_discharge_m3s=round(qp, 1),
            mechanism=mech, flow_type=flow_type,
            source={"flow_path": lake, "river": site.paths[lake].get("river"), "chainage_km": 0.0},
            precursor=None if precursor is None else {"kind": precursor["kind"], "start": self.iso(precursor["start"])},
        )
        p.update(drained_fraction=round(frac, 3), hydrograph_shape=shape, **hinfo,
                 level_drop_m=round(level_drop, 2), transducer_depth_m=round(sensor_depth, 2),
                 level_drop_seen_m=round(min(level_drop, sensor_depth), 2),
                 celerity_ms=[round(fl.c1, 2), round(fl.c2, 2)], knee_km=fl.knee_km,
                 attenuation_km=round(fl.att_km, 1), bulking=round(fl.bulk, 2),
                 formula_peaks_m3s={k: round(v, 1) for k, v in f.items()})
        self.truth["params"] = p

    def _design_debris(self, t_init: float) -> None:
        rng, site = self.rng, self.site
        lake = str(rng.choice(site.rivers()))
        path = site.paths[lake]
        zones = path["zones"]
        stations = site.path_stations(lake)
        first_zone = min(zones.values())
        # initiation in a tributary or the main channel; sometimes below the geophone
        x0 = float(rng.uniform(2.0, first_zone - 4.0))
        trig = "thunderstorm" if rng.random() < 0.7 else "snowmelt_rain"
        center = site.lakes[lake]["location"]
        if trig == "thunderstorm":
            # exceed the Caine threshold at the source
            d_h = rng.uniform(0.5, 2.0)
            peak = caine_intensity(d_h) * rng.uniform(1.3, 3.0)
            storm = make_storm(rng, "convective", t_init - rng.uniform(0.3, 1.2) * HOUR, center, peak=peak, dur_h=d_h)
            # initiation shortly after peak intensity
            t_pk = storm.tt[int(np.argmax(storm.ii))]
            t_init = t_pk + rng.uniform(5, 40) * 60.0
        else:
            d_h = rng.uniform(3.0, 8.0)
            peak = float(np.clip(guzzetti_intensity(d_h) * rng.uniform(1.5, 4.0), 1.5, caine_intensity(d_h) * 0.95))
            storm = make_storm(rng, "rain_on_snow", t_init - d_h * HOUR * rng.uniform(0.6, 0.95), center, peak=peak, dur_h=d_h)
            t_init = storm.t0 + storm.dur_s * rng.uniform(0.6, 1.0)
        self.storms.append(storm)
        vol = math.exp(rng.uniform(math.log(1.5e4), math.log(4e5)))
        # Illgraben 2019-20: 3.8e3-1.1e5 m3 at 3.5-148 m3/s; Qp = 0.012 V^0.8 follows their upper half
        qp = float(np.clip(0.012 * vol**0.8 * math.exp(rng.normal(0, 0.5)), 10.0, 1000.0))
        tau, q, hinfo = surge_hydrograph(vol, qp, rng)
        c1 = float(np.clip(3.0 * (qp / 50.0) ** 0.2 * rng.uniform(0.6, 1.4), 1.0, 10.0))
        ordered = sorted(zones.values())
        # runout: always into the first zone; further zones with a probability that grows with volume
        reach = ordered[0] + rng.uniform(0.3, 1.0)
        for z in ordered[1:]:
            if rng.random() < min(0.9, 0.2 + vol / 2e5):
                reach = z + rng.uniform(0.3, 1.0)
            else:
                break
        fl = Flood(lake, x0, t_init, tau, q, c1, c1 * rng.uniform(0.6, 0.9), 15.0, rng.uniform(8.0, 25.0),
                   rng.uniform(0.0, 0.8), float(reach), "debris")
        self.floods.append(fl)
        self.event_start = t_init
        self.truth_zone_ch = {z: c for z, c in zones.items() if c <= reach}
        self.truth.update(
            hazard="debris_flow", lake=None, onset=t_init, volume_m3=round(vol), peak_discharge_m3s=round(qp, 1),
            mechanism=trig, flow_type="debris",
            source={"flow_path": lake, "river": path.get("river"), "chainage_km": round(x0, 2)},
            stations_above_source=[s for s, c in stations.items() if c < x0],
        )
        self.truth["params"] = {"celerity_ms": [round(fl.c1, 2), round(fl.c2, 2)], "knee_km": fl.knee_km,
                                "attenuation_km": round(fl.att_km, 1), "bulking": round(fl.bulk, 2),
                                "runout_chainage_km": round(reach, 2), **hinfo}

    def _design_rain(self, t: float) -> None:
        rng, site = self.rng, self.site
        kind = str(rng.choice(["convective", "steady", "rain_on_snow"], p=[0.45, 0.35, 0.2]))
        lake = str(rng.choice(site.rivers()))
        center = list(np.asarray(site.lakes[lake]["location"]) + rng.normal(0, 0.05, 2))
        storm = make_storm(rng, kind, t, center)
        self.storms.append(storm)
        self.event_start = t

    # ---- environment series
    def air_temp(self, elev: float, t: np.ndarray) -> np.ndarray:
        t_sl = 17.0 + 11.5 * math.sin(2 * math.pi * (self.doy - 110) / 365.0) + self.t_anom
        hour = ((t - self.day0) / HOUR) % 24.0
        diurnal = self.t_amp * np.cos(2 * np.pi * (hour - 9.0) / 24.0)
        return t_sl - 0.0065 * elev + diurnal + self.t_walk(t)

    def station_rain(self, st: dict, t: np.ndarray) -> np.ndarray:
        """Rain intensity (mm/h) at a station."""
        out = np.zeros_like(t)
        for s in self.storms:
            d = _km(st["location"], s.center)
            oro = 1.0 + 0.25 * (st.get("elevation_m", 2000) - 2000) / 1000.0
            out += s.intensity(t) * math.exp(-((d / s.scale_km) ** 2)) * max(oro, 0.5)
        return out

    def basin_rain(self, lake: str, x_km: float, t: np.ndarray) -> np.ndarray:
        """Catchment-average rain (mm/h) above chainage x of a path: areal reduction for small storms."""
        lk = self.site.lakes[lake]["location"]
        out = np.zeros_like(t)
        for s in self.storms:
            d = _km(lk, s.center) * 0.6
            arf = min(1.0, s.scale_km / (6.0 + 0.8 * x_km))
            out += s.intensity(t) * math.exp(-((d / s.scale_km) ** 2)) * arf
        return out

    def base_flow(self, lake: str, x_km: float, t: np.ndarray) -> np.ndarray:
        """River discharge before any flood (m3/s): season, diurnal melt wave, rain runoff (unit hydrograph)."""
        key = (lake, round(x_km, 2))
        if key not in self._qcache:
            frac = min(1.0, x_km / 15.0)
            qb = (0.8 + 6.0 * self.summer) * self.q_scale * (0.4 + 0.6 * frac)
            area_km2 = 8.0 * x_km + 5.0
            tg = np.arange(self.start - 12 * HOUR, self.end + 600.0, 600.0)
            r = self.basin_rain(lake, x_km, tg)
            lag_h = 0.6 + 0.09 * x_km
            k = np.arange(0, 12 * HOUR, 600.0) / HOUR
            uh = (k / lag_h) ** 2 * np.exp(2 * (1 - k / lag_h))
            uh /= uh.sum()
            coef = self.runoff_coef
            qr = np.convolve(r * coef * area_km2 / 3.6, uh)[: len(tg)]
            self._qcache[key] = (tg, qr, qb)
        tg, qr, qb = self._qcache[key]
        hour = ((t - self.day0) / HOUR) % 24.0
        lag = 3.0 + 0.3 * x_km
        melt = 0.35 * self.summer * qb * np.cos(2 * np.pi * (hour - 8.0 - lag) / 24.0)
        return qb + melt + np.interp(t, tg, qr)

    def flood_q(self, lake: str, x_km: float, t: np.ndarray) -> np.ndarray:
        out = np.zeros_like(t)
        for f in self.floods:
            if self.site.paths[f.path_lake].get("river") != self.site.paths[lake].get("river"):
                continue
            x = x_km + self._frame_offset(lake, f.path_lake)
            out += f.q_at(x, t)
        return out

    def _frame_offset(self, frm: str, to: str) -> float:
        if frm == to:
            return 0.0
        a, b = self.site.paths[frm]["zones"], self.site.paths[to]["zones"]
        shared = [z for z in a if z in b]
        return float(np.mean([b[z] - a[z] for z in shared])) if shared else 0.0

    # ---- sensors
    def series(self, st: dict, sensor: dict, t: np.ndarray) -> np.ndarray:
        rng = self.rng
        sid, elev = sensor["id"], float(st.get("elevation_m", 2000))
        n = len(t)
        if sid == "air_temperature":
            v = self.air_temp(elev, t) + rng.normal(0, 0.15, n)
            r = self.station_rain(st, t)
            v -= np.minimum(6.0, 1.2 * r**0.5)
            if any(s.hail for s in self.storms):
                v -= 3.0 * (r > 10)
            return v
        if sid == "precipitation":
            r = self.station_rain(st, t)  # mm/h
            dt = float(sensor["interval_s"]) / HOUR
            amt = r * dt * np.exp(rng.normal(0, 0.25, n))
            if any(s.hail for s in self.storms):  # hail melts in the funnel: recorded late and smeared
                k = np.exp(-np.arange(0, 12) / 4.0)
                amt = 0.4 * amt + 0.6 * np.convolve(amt, k / k.sum())[:n]
            # tipping bucket 0.1 mm with carry
            cum = np.floor(np.cumsum(amt) * 10.0) / 10.0
            return np.diff(np.concatenate([[0.0], cum]))
        if sid == "relative_humidity":
            base = 55 - 20 * np.cos(2 * np.pi * (((t - self.day0) / HOUR) % 24 - 21) / 24) * 0.5 + rng.normal(0, 2, n)
            r = self.station_rain(st, t)
            return np.clip(base + 40 * np.tanh(r / 2.0), 5, 100)
        if sid == "wind_speed":
            hour = ((t - self.day0) / HOUR) % 24.0
            v = 2.0 + 1.5 * np.cos(2 * np.pi * (hour - 9) / 24) + np.abs(rng.normal(0, 1.0, n))
            gust = 1.0 + 1.5 * any(s.kind == "convective" for s in self.storms)  # thunderstorm outflow
            v += 5.0 * gust * np.tanh(self.station_rain(st, t) / 15.0) * np.abs(rng.normal(1.0, 0.3, n))
            return np.clip(v, 0, 40)
        if sid == "snow_depth":
            s0 = {1: 0.6, 2: 0.8, 3: 0.9, 4: 0.8, 5: 0.5, 6: 0.15, 7: 0.0, 8: 0.0, 9: 0.0, 10: 0.05, 11: 0.2, 12: 0.4}
            d0 = s0[self.month] * self.rng.uniform(0.5, 1.5)
            temp = self.air_temp(elev, t)
            dt_h = float(sensor["interval_s"]) / HOUR
            rain = self.station_rain(st, t) * dt_h
            melt = np.where(temp > 0, 0.004 * temp * dt_h * 4, 0.0)  # degree-hour factor
            melt += np.where(temp > 0, 0.002 * rain, 0.0)  # rain on snow
            snow = np.where(temp < 1.0, rain * 0.01, 0.0)  # 10:1 fresh snow
            d = np.empty(n)
            cur = d0
            for i in range(n):
                cur = max(0.0, cur + snow[i] - (melt[i] if cur > 0 else 0.0))
                d[i] = cur
            return np.clip(d + rng.normal(0, 0.008, n), 0, 8)
        if sid == "battery":
            hour = ((t - self.day0) / HOUR + LOCAL_UTC_OFFSET_H) % 24.0
            sun = np.clip(np.sin(np.pi * (hour - 6.5) / 13.0), 0, None)
            return 12.45 + self.batt_off[st["id"]] + 1.2 * sun + rng.normal(0, 0.02, n)
        if sid == "water_level":
            return self.lake_level(st, t)
        if sid == "water_temperature":
            hour = ((t - self.day0) / HOUR) % 24.0
            v = (0.4 if self.frozen_lakes else 1.5 + 3.5 * self.summer) + 0.6 * self.summer * np.cos(2 * np.pi * (hour - 10) / 24)
            v = v + rng.normal(0, 0.03, n)
            exposed = self._exposed.get(st["id"])
            if exposed is not None:  # transducer out of water: it reads air temperature
                v = np.where(t >= exposed, self.air_temp(elev, t), v)
            return v
        if sid == "stage":
            lake = st["flow_path"]["lake"]
            x = float(st["flow_path"]["chainage_km"])
            q = self.base_flow(lake, x, t) + self.flood_q(lake, x, t)
            a = self.rating[st["id"]]
            h = a * q**0.45
            rough = np.abs(self.flood_q(lake, x, t)) > 0.5
            h += rng.normal(0, 0.004, n) + rough * rng.normal(0, 0.03, n) * np.sqrt(h)
            # a debris flow leaves sediment in the section: stage stays up after it
            for f in self.floods:
                # only on its own river (like flood_q): another valley's flow leaves this bed alone
                if f.flow_type == "debris" and \
                        self.site.paths[f.path_lake].get("river") == self.site.paths[lake].get("river"):
                    ta = f.arrival(x + self._frame_offset(lake, f.path_lake))
                    if ta is not None:
                        h += (t >= ta) * self.aggradation * min(1.0, f.peak_at(x) / 100.0)
            return np.clip(h, 0, 10)
        if sid == "ground_velocity":
            return self.geophone(st, t)
        return rng.normal(0, 1, n)

    def lake_level(self, st: dict, t: np.ndarray) -> np.ndarray:
        rng, lake = self.rng, st["lake"]
        n = len(t)
        hour = ((t - self.day0) / HOUR) % 24.0
        base = self.lake_base[lake] + (0.0 if self.frozen_lakes else 0.02 * self.summer * np.cos(2 * np.pi * (hour - 12) / 24))
        wind = 0.004 * (1 + self.summer)
        v = base + rng.normal(0, 0.003, n) + (0 if self.frozen_lakes else rng.normal(0, wind, n))
        # rain on the lake catchment raises it (a few cm)
        lk = self.site.lakes[lake]
        cum = np.zeros(n)
        for s in self.storms:
            w = math.exp(-((_km(lk["location"], s.center) / s.scale_km) ** 2))
            tt = np.arange(s.tt[0], s.tt[-1] + 1, 300.0)
            c = np.cumsum(s.intensity(tt)) * 300 / HOUR * w / 1000.0 * 6.0  # catchment 6x lake area, mm -> m
            cum += np.interp(t, tt, c, left=0.0) * 0.5
        v = v + np.minimum(cum, 0.4) * (1 - 0.5 * np.clip(v + cum, 0, None) / 0.5)
        eff = self.lake_effects.get(lake)
        if eff is None:
            return v
        fl: Flood = eff["flood"]
        pre = eff["precursor"]
        area = eff["area"]
        if pre is not None and pre["kind"] == "lake_rise":
            u = np.clip((t - pre["start"]) / (fl.t0 - pre["start"]), 0, 1)
            v = v + pre["rise_m"] * (1 - (1 - u) ** 1.5)
        if pre is not None and pre["kind"] == "seepage":
            dur = fl.t0 - pre["start"]
            u = np.clip((t - pre["start"]) / dur, 0, 1)
            k = 3.0
            qv = pre["q_end_m3s"] * (np.exp(k * u) - 1) / (math.exp(k) - 1)  # seepage grows
            vol = np.cumsum(qv * np.gradient(t))  # approximate, monotone
            v = v - vol / area
        if pre is not None and pre["kind"] == "displacement_wave":
            d = t - pre["start"]
            seiche = pre["wave_m"] * np.exp(-np.clip(d, 0, None) / 900.0) * np.cos(2 * np.pi * d / rng.uniform(120, 400))
            v = v + np.where(d >= 0, seiche, 0.0)
        # breach drawdown: released volume / shrinking area
        tau = t - fl.t0
        cumv = np.interp(tau, fl.tau, np.concatenate([[0.0], np.cumsum(0.5 * (fl.q[1:] + fl.q[:-1]) * np.diff(fl.tau))]),
                         left=0.0)
        drop = cumv / (0.75 * area)
        v = v - drop
        floor = -eff["sensor_depth"]
        below = v < floor
        if below.any():
            self._exposed[st["id"]] = float(t[np.argmax(below)])
            # transducer in the air: reads its own depth below the datum (gauge pressure 0), with drift
            v = np.where(below, floor + rng.normal(0, 0.01, n), v)
        return np.clip(v, -30, 5)

    def geophone(self, st: dict, t: np.ndarray) -> np.ndarray:
        rng = self.rng
        n = len(t)
        lake = st["flow_path"]["lake"]
        x = float(st["flow_path"]["chainage_km"])
        bg = self.geo_bg * np.exp(rng.normal(0, 0.25, n))
        qriver = self.base_flow(lake, x, t)
        v = bg + 0.0015 * qriver**1.1
        v += 0.002 * self.station_rain(st, t) ** 0.8
        if self.traffic:
            local = ((t - self.day0) / HOUR + LOCAL_UTC_OFFSET_H) % 24.0
            day = (local > 7) & (local < 21)
            passes = rng.random(n) < self.traffic_rate / 60.0
            amp = np.exp(rng.normal(math.log(0.04), 0.8, n))
            v += day * passes * amp
        for f in self.floods:
            if self.site.paths[f.path_lake].get("river") != self.site.paths[lake].get("river"):
                continue
            xf = x + self._frame_offset(lake, f.path_lake)
            ta = f.arrival(xf)
            if ta is None:
                continue
            g = (0.35 if f.flow_type == "debris" else 0.05) * (100.0 / self.geo_dist_m)
            q = f.q_at(xf, t)
            sig = g * (q / 50.0) ** 0.8
            # the approaching front is heard before it passes (upstream source, distance decay)
            peak = g * (f.peak_at(xf) / 50.0) ** 0.8
            dist_m = np.clip((ta - t) * f.c1, 0, None)
            ahead = np.where((t < ta) & (t > f.t0), peak * np.exp(-dist_m / self.geo_hear_m), 0.0)
            v += sig * np.exp(rng.normal(0, 0.2, n)) + ahead
        return np.clip(v, 0, 500)

    # ---- assembly
    def build(self) -> tuple[list[tuple], dict]:
        rng = self.rng
        self.t_anom = rng.normal(0, 3.0)
        self.t_amp = rng.uniform(3.0, 7.0)
        knots = np.arange(-48, 96, 6.0) * HOUR
        walk = np.cumsum(rng.normal(0, 0.8, len(knots)))
        self.t_walk = lambda tt: np.interp(tt - self.day0, knots, walk)
        self.q_scale = rng.uniform(0.6, 1.5)
        self.runoff_coef = rng.uniform(0.15, 0.45)
        self.design()
        if any(s.kind == "rain_on_snow" for s in self.storms):
            self.runoff_coef = rng.uniform(0.5, 0.8)
            self.q_scale *= rng.uniform(1.3, 2.0)
        self._qcache: dict = {}
        self._exposed: dict[str, float] = {}
        self.lake_base = {lk: (rng.uniform(-0.4, -0.1) if self.frozen_lakes else rng.uniform(-0.15, 0.05))
                          for lk in self.site.lakes}
        self.batt_off = {st["id"]: rng.uniform(-0.3, 0.4) for st in self.site.stations}
        self.rating = {st["id"]: rng.uniform(0.2, 0.3) for st in self.site.stations}
        self.aggradation = rng.uniform(0.0, 0.4)
        self.geo_bg = math.exp(rng.uniform(math.log(0.004), math.log(0.03)))
        self.geo_dist_m = rng.uniform(60.0, 300.0)
        self.geo_hear_m = rng.uniform(300.0, 1200.0)
        self.traffic = bool(rng.random() < 0.4)
        self.traffic_rate = rng.uniform(2.0, 12.0)  # vehicles per hour by day

        # clocks: jitter and an offset for one logger sometimes
        jitter = {st["id"]: (rng.uniform(1, 25) if rng.random() < 0.3 else 0.0) for st in self.site.stations}
        offsets: dict[str, float] = {}
        if rng.random() < 0.15:
            sid = str(rng.choice([s["id"] for s in self.site.stations]))
            offsets[sid] = float(rng.choice([-1, 1]) * rng.uniform(30, 900))

        # clean series
        data: dict[tuple[str, str], dict] = {}
        order = sorted(self.site.stations, key=lambda s: s.get("kind") != "lake")  # lakes first (exposure time)
        for st in order:
            for sen in st["sensors"]:
                iv = float(sen["interval_s"])
                t = np.arange(self.start, self.end + 0.1, iv)
                v = self.series(st, sen, t)
                data[(st["id"], sen["id"])] = {"t": t, "v": v.astype(float), "keep": np.ones(len(t), bool),
                                               "iv": iv, "valid": sen.get("valid")}
        clean = {k: d["v"].copy() for k, d in data.items()}
        self._destroy(data)
        self._faults(data)
        det = self._detectability(data, clean)
        rows, transport = self._transport(data, jitter, offsets)
        truth = self._truth(det, transport, offsets, jitter)
        return rows, truth

    # ---- destruction by the flood and faults
    def _kill(self, data: dict, sid: str, sensor: str, t_from: float, t_to: float | None = None, nan_half: bool = True) -> None:
        for (s, sen), d in data.items():
            if s != sid or (sensor != "*" and sen != sensor):
                continue
            m = (d["t"] >= t_from) & (d["t"] < (t_to if t_to is not None else 1e12))
            if nan_half and self.rng.random() < 0.5:
                d["v"][m] = np.nan
            else:
                d["keep"][m] = False

    def _add_fault(self, station: str, sensor: str, kind: str, start: float, end: float | None) -> None:
        self.faults.append({"station": station, "sensor": sensor, "kind": kind, "start": self.iso(start),
                            "end": self.iso(end if end is not None else self.end)})

    def _destroy(self, data: dict) -> None:
        rng = self.rng
        if self.truth.get("hazard") is None:
            return
        fl = self.floods[0]
        if self.truth["hazard"] == "glof":
            ls = self.site.lake_station(self.truth["lake"])
            if ls is not None and self.truth["mechanism"] not in ("tunnel", "slow_drainage") and rng.random() < 0.35:
                tk = fl.t0 + rng.uniform(60, 1200)
                self._kill(data, ls["id"], "*", tk, nan_half=False)
                self._add_fault(ls["id"], "*", "destroyed", tk, None)
        for sid, ch in self.site.path_stations(fl.path_lake).items():
            ta = fl.arrival(ch)
            if ta is None or fl.peak_at(ch) <= 150 or rng.random() >= 0.15:
                continue
            tk = ta + rng.uniform(0, 240)
            self._kill(data, sid, "*", tk, nan_half=False)
            self._add_fault(sid, "*", "destroyed", tk, None)

    def _faults(self, data: dict) -> None:
        rng = self.rng
        # fault scenarios: 1-3 faults; any other scenario: one unrelated fault in 25 %
        nf = int(rng.integers(1, 4)) if self.kind == "fault" else int(rng.random() < 0.25)
        hazard_sensors = [(s["id"], sen["id"]) for s in self.site.stations for sen in s["sensors"]
                          if sen["id"] in ("water_level", "stage", "ground_velocity")]
        all_sensors = [(s["id"], sen["id"]) for s in self.site.stations for sen in s["sensors"]]
        kinds = ["spike", "stuck", "gap", "drift", "dead", "battery_dropout", "clog", "wrong_unit", "power_cut"]
        kw = np.array([14, 12, 12, 12, 8, 10, 8, 8, 8], float)
        if self.kind == "fault" and rng.random() < 0.3:
            geos = [s for s in hazard_sensors if s[1] == "ground_velocity"]
            if geos:
                sid, sen = geos[int(rng.integers(len(geos)))]
                self._burst(data, sid, sen)
        for _ in range(nf):
            fk = str(rng.choice(kinds, p=kw / kw.sum()))
            pool = hazard_sensors if rng.random() < 0.75 else all_sensors
            sid, sen = pool[int(rng.integers(len(pool)))]
            if fk == "clog" and sen != "stage":
                fk = "drift"
            if fk == "wrong_unit" and sen not in ("stage", "water_level", "water_temperature", "air_temperature"):
                fk = "spike"
            d = data[(sid, sen)]
            t = d["t"]
            span = self.end - self.start
            t1 = self.start + rng.uniform(0.1, 0.8) * span
            t2 = min(self.end, t1 + rng.uniform(0.5, 6.0) * HOUR)
            m = (t >= t1) & (t < t2)
            v = d["v"]
            scale = {"water_level": 0.3, "stage": 0.5, "ground_velocity": 0.05}.get(sen, max(1.0, float(np.nanstd(v)) * 3))
            if fk == "spike":
                idx = rng.choice(len(t), size=min(len(t), int(rng.integers(1, 6))), replace=False)
                for i in idx:
                    v[i] = v[i] + rng.choice([-1, 1]) * scale * rng.uniform(3, 15) if sen != "ground_velocity" \
                        else v[i] * rng.uniform(20, 200)
                t1, t2 = float(t[idx].min()), float(t[idx].max()) + d["iv"]
            elif fk == "stuck":
                if m.any():
                    v[m] = v[np.argmax(m)]
            elif fk == "gap":
                d["keep"][m] = False
            elif fk == "drift":
                t2 = self.end
                m = t >= t1
                rate = rng.choice([-1, 1]) * scale * rng.uniform(0.2, 1.0) / 6.0  # per hour
                v[m] = v[m] + rate * (t[m] - t1) / HOUR
            elif fk == "dead":
                t2 = self.end
                self._kill(data, sid, sen, t1)
            elif fk == "clog":  # sediment in the intake: sluggish, creeping reading
                tc = rng.uniform(1.0, 3.0) * HOUR
                t2 = self.end
                m = t >= t1
                a = math.exp(-d["iv"] / tc)
                y = v.copy()
                for i in np.nonzero(m)[0]:
                    y[i] = a * y[i - 1] + (1 - a) * v[i] if i > 0 else v[i]
                v[m] = y[m] + rng.uniform(0.05, 0.4) * (t[m] - t1) / (self.end - t1 + 1)
            elif fk == "wrong_unit":
                if sen in ("stage", "water_level"):
                    v[m] = v[m] * 100.0  # centimetres for a while
                elif sen == "water_temperature":
                    v[m] = v[m] * 1.8 + 32.0
                else:
                    v[m] = v[m] + 273.15
            elif fk in ("battery_dropout", "power_cut"):
                sen = "*"
                if fk == "battery_dropout":
                    bat = data.get((sid, "battery"))
                    if bat is not None:
                        mb = (bat["t"] >= t1 - 3 * HOUR) & (bat["t"] < t1)
                        bat["v"][mb] = np.linspace(12.0, 10.6, mb.sum()) + rng.normal(0, 0.03, mb.sum())
                    if rng.random() < 0.5:
                        t2 = self.end
                self._kill(data, sid, "*", t1, t2, nan_half=False)
            self._add_fault(sid, sen, fk, float(t1), float(t2))
        if self.kind != "fault" and rng.random() < 0.08:
            geos = [s for s in hazard_sensors if s[1] == "ground_velocity"]
            if geos:
                sid, sen = geos[int(rng.integers(len(geos)))]
                self._burst(data, sid, sen)

    def _burst(self, data: dict, sid: str, sen: str) -> None:
        """2-10 min of strong ground motion with no flow behind it (rockfall, quake, quarry blast, a truck)."""
        rng = self.rng
        d = data[(sid, sen)]
        t = d["t"]
        t1 = self.start + rng.uniform(0.1, 0.9) * (self.end - self.start)
        t2 = t1 + rng.uniform(2, 10) * 60.0
        m = (t >= t1) & (t < t2)
        amp = math.exp(rng.uniform(math.log(0.2), math.log(20.0)))
        env = np.exp(-np.clip(t - t1, 0, None) / max(60.0, (t2 - t1) / 3))
        d["v"][m] = d["v"][m] + amp * env[m] * np.exp(rng.normal(0, 0.3, m.sum()))
        self._add_fault(sid, sen, "burst", t1, t2)

    # ---- detectability: the flood's own signal at each station on its path, while that station reports
    def _alive(self, data: dict, sid: str, sen: str, t1: float, t2: float) -> bool:
        d = data[(sid, sen)]
        m = (d["t"] >= t1) & (d["t"] <= t2) & d["keep"] & np.isfinite(d["v"])
        return bool(m.any())

    def _detectability(self, data: dict, clean: dict) -> dict:
        if self.truth.get("hazard") is None:
            return {}
        fl = self.floods[0]
        by: list[str] = []
        signal: dict[str, float] = {}
        stations: dict[str, float] = {}
        if self.truth["hazard"] == "glof":
            ls = self.site.lake_station(self.truth["lake"])
            if ls is not None:
                stations[ls["id"]] = fl.t0
                eff = self.lake_effects[self.truth["lake"]]
                cum = np.concatenate([[0.0], np.cumsum(0.5 * (fl.q[1:] + fl.q[:-1]) * np.diff(fl.tau))])
                drop30 = min(float(np.interp(1800.0, fl.tau, cum)) / (0.75 * eff["area"]), eff["sensor_depth"])
                if (ls["id"], "water_level") in data:
                    signal[f"{ls['id']}/water_level"] = round(drop30, 3)
                    if drop30 >= 0.2 and self._alive(data, ls["id"], "water_level", fl.t0 + 300, fl.t0 + 1800):
                        by.append(f"{ls['id']}/water_level")
        for sid, ch in self.site.path_stations(fl.path_lake).items():
            ta = fl.arrival(ch)
            if ta is None:
                continue
            stations[sid] = ta
            st = self.site.station_by_id[sid]
            own = st["flow_path"]["lake"]
            x_own = float(st["flow_path"]["chainage_km"])
            qb = float(self.base_flow(own, x_own, np.array([ta]))[0])
            qpk = fl.peak_at(ch)
            t2 = ta + max(1800.0, min(fl.duration_at(ch), 3 * HOUR))
            for sen in [s["id"] for s in st["sensors"]]:
                if sen == "stage":
                    val = self.rating[sid] * ((qb + qpk) ** 0.45 - qb**0.45)
                    good = val >= 0.25
                elif sen == "ground_velocity":
                    g = (0.35 if fl.flow_type == "debris" else 0.05) * (100.0 / self.geo_dist_m)
                    val = g * (qpk / 50.0) ** 0.8 / (self.geo_bg + 0.0015 * qb**1.1)
                    good = val >= 4.0
                else:
                    continue
                signal[f"{sid}/{sen}"] = round(float(val), 3)
                if good and self._alive(data, sid, sen, ta, t2):
                    by.append(f"{sid}/{sen}")
        # a station the front destroys goes silent at the front: silence is evidence too
        for f in self.faults:
            if f["kind"] == "destroyed" and f["station"] in stations and not any(x.startswith(f["station"] + "/") for x in by):
                by.append(f"{f['station']}/silence")
        self.stations_truth = stations
        return {"detectable": bool(by), "detectable_by": by, "signal": signal,
                "detectable_reason": None if by else "no station on the path sees a clear flood signal while it reports"}

    # ---- transport: jitter, offsets, duplicates, late rows, NaN, late bursts
    def _transport(self, data: dict, jitter: dict, offsets: dict) -> tuple[list, dict]:
        rng = self.rng
        p_dup = rng.uniform(0, 0.01) if rng.random() < 0.6 else 0.0
        p_late = rng.uniform(0, 0.005) if rng.random() < 0.5 else 0.0
        p_nan = rng.uniform(0, 0.005) if rng.random() < 0.5 else 0.0
        holds = []
        if rng.random() < 0.2:  # a station's telemetry held back (GSM down) and sent in one burst later
            sid = str(rng.choice([s["id"] for s in self.site.stations]))
            h1 = self.start + rng.uniform(0.1, 0.7) * (self.end - self.start)
            h2 = min(self.end, h1 + rng.uniform(1.0, 4.0) * HOUR)
            holds.append((sid, h1, h2))
        times, stas, sens, vals, arr = [], [], [], [], []
        n_dup = n_late = n_nan = 0
        nan_flip = 0
        for (sid, sen), d in sorted(data.items()):
            keep = d["keep"]
            t = d["t"][keep]
            v = d["v"][keep].copy()
            n = len(t)
            if n == 0:
                continue
            tr = t + offsets.get(sid, 0.0)
            if jitter[sid] > 0:
                tr = tr + np.round(rng.uniform(-jitter[sid], jitter[sid], n))
            a = t + rng.uniform(2, 40, n)
            nanm = rng.random(n) < p_nan
            n_nan += int(nanm.sum())
            v[nanm] = np.nan
            late = rng.random(n) < p_late
            n_late += int(late.sum())
            a[late] += rng.uniform(300, 7200, late.sum())
            for hs, h1, h2 in holds:
                if hs == sid:
                    mh = (t >= h1) & (t < h2)
                    a[mh] = h2 + rng.uniform(5, 120) + np.arange(mh.sum()) * 0.01
            dup = rng.random(n) < p_dup
            n_dup += int(dup.sum())
            if dup.any():
                tr = np.concatenate([tr, tr[dup]])
                v = np.concatenate([v, v[dup]])
                a = np.concatenate([a, a[dup] + rng.uniform(1, 900, dup.sum())])
            fmt = {"ground_velocity": "{:.5f}", "water_level": "{:.4f}", "stage": "{:.3f}", "precipitation": "{:.1f}",
                   "battery": "{:.2f}", "snow_depth": "{:.3f}"}.get(sen, "{:.2f}")
            vs = []
            for x in v:
                if np.isfinite(x):
                    vs.append(fmt.format(x))
                else:
                    vs.append("NAN" if nan_flip % 2 == 0 else "")
                    nan_flip += 1
            times.append(np.datetime_as_string(np.round(tr).astype("int64").astype("datetime64[s]"), unit="s"))
            stas.extend([sid] * len(v))
            sens.extend([sen] * len(v))
            vals.extend(vs)
            arr.append(a)
        allt = np.concatenate(times)
        alla = np.concatenate(arr)
        order = np.argsort(alla, kind="stable")
        rows = [(allt[i] + "Z", stas[i], sens[i], vals[i]) for i in order]
        transport = {"nan": n_nan, "duplicates": n_dup, "late": n_late,
                     "late_bursts": [{"station": s, "start": self.iso(a), "end": self.iso(b)} for s, a, b in holds]}
        return rows, transport

    def _truth(self, det: dict, transport: dict, offsets: dict, jitter: dict) -> dict:
        kind = self.kind
        tid = f"crosscheck{self.seed}-{kind}"
        tr = {"id": tid, "seed": self.seed, "file": f"{tid}.csv", "kind": kind, "hazard": None, "lake": None,
              "start": self.iso(self.start), "end": self.iso(self.end), "onset": None, "zones": [], "arrivals": {},
              "first_arrival": None, "volume_m3": None, "peak_discharge_m3s": None}
        extra = dict(self.truth)
        tr.update({k: extra.pop(k) for k in ("hazard", "lake", "onset", "volume_m3", "peak_discharge_m3s") if k in extra})
        if tr["hazard"] is not None:
            fl = self.floods[0]
            arr = {z: fl.arrival(c) for z, c in sorted(self.truth_zone_ch.items(), key=lambda kv: kv[1])}
            arr = {z: a for z, a in arr.items() if a is not None}
            tr["zones"] = list(arr)
            tr["arrivals"] = {z: self.iso(a) for z, a in arr.items()}
            tr["first_arrival"] = self.iso(min(arr.values()))
            tr["onset"] = self.iso(tr["onset"])
            first = tr["zones"][0]
            extra["peak_first_zone_m3s"] = round(fl.peak_at(self.truth_zone_ch[first]), 1)
            extra["peaks_zone_m3s"] = {z: round(fl.peak_at(self.truth_zone_ch[z]), 1) for z in tr["zones"]}
            extra["stations"] = {s: self.iso(a) for s, a in sorted(self.stations_truth.items(), key=lambda kv: kv[1])}
            extra.update(det)
        tr["faults"] = sorted(self.faults, key=lambda f: f["start"])
        if offsets:
            for sid, off in offsets.items():
                tr["faults"].append({"station": sid, "sensor": "*", "kind": "clock_offset", "start": tr["start"],
                                     "end": tr["end"], "offset_s": round(off)})
        tr.update(extra)
        tr["generator"] = "crosscheck"
        tr["variant"] = "crosscheck"
        tr["clock_offsets_s"] = {k: round(v) for k, v in offsets.items()}
        tr["clock_jitter_s"] = {k: round(v) for k, v in jitter.items() if v > 0}
        tr["transport"] = transport
        tr["environment"] = {"month": self.month, "geophone_traffic": self.traffic,
                             "geophone_background_mm_s": round(self.geo_bg, 4),
                             "frozen_lakes": self.frozen_lakes}
        if self.storms:
            s = self.storms[0]
            d_h = s.dur_s / HOUR
            tr["rain"] = {"kind": s.kind, "start": self.iso(s.t0), "duration_h": round(d_h, 2),
                          "peak_intensity_mm_h": round(s.peak_mm_h, 1), "mean_intensity_mm_h": round(float(s.ii.mean()), 2),
                          "caine_threshold_mm_h": round(caine_intensity(d_h), 2),
                          "caine_exceeded": bool(s.ii.mean() > caine_intensity(d_h)),
                          "hail": s.hail, "center": [round(c, 4) for c in s.center], "scale_km": round(s.scale_km, 1)}
        else:
            tr["rain"] = None
        return tr


# ----------------------------------------------------------------------------------------------
# public API


@dataclass
class Scenario:
    truth: dict
    rows: list

    @property
    def id(self) -> str:
        return self.truth["id"]


def scenario(site_dir: str | Path, seed: int, kind: str | None = None, *, _site: Site | None = None,
             measure: bool = False) -> Scenario:
    """One scenario from one seed; ``kind`` None draws it from the seed (default mix). Reserved seeds only with
    ``measure`` (the team's measurement, once a rule or model is final; never to develop against)."""
    if seed >= RESERVED_SEED and not measure:
        raise ValueError(f"seed {seed} is reserved for the final measurement (>= {RESERVED_SEED}); "
                         "pass measure=True (--measure) only to measure")
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose from {', '.join(KINDS)}")
    b = Builder(_site or Site(site_dir), seed, kind)
    rows, truth = b.build()
    return Scenario(truth, rows)


def generate(site_dir: str | Path = DEFAULT_SITE, seed: int = 300_000_000, n: int = 10, kinds: list[str] | None = None,
             measure: bool = False) -> list:
    """``n`` scenarios, scenario i from seed ``seed + i``; ``kinds`` cycles through the given kinds."""
    site = Site(site_dir)
    out = []
    for i in range(n):
        k = kinds[i % len(kinds)] if kinds else None
        out.append(scenario(site_dir, seed + i, k, _site=site, measure=measure))
    return out


def write(scenarios: list, out_dir: str | Path) -> Path:
    """Write ``<id>.csv`` for each scenario and ``truth.jsonl`` (one line each) into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "truth.jsonl", "w", encoding="utf-8") as tf:
        for sc in scenarios:
            with open(out / sc.truth["file"], "w", encoding="utf-8", newline="") as fh:
                fh.write("time,station,sensor,value\n")
                fh.write("".join(f"{a},{b},{c},{d}\n" for a, b, c, d in sc.rows))
            tf.write(json.dumps(sc.truth, sort_keys=False) + "\n")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--n", type=int, default=10)
    ap.add_argument("--kinds", default=None, help="comma list cycled over the scenarios, e.g. glof,debris_flow")
    ap.add_argument("--site", default=str(DEFAULT_SITE))
    ap.add_argument("--measure", action="store_true", help=f"allow the reserved seeds (>= {RESERVED_SEED}): the team's "
                    "measurement only")
    a = ap.parse_args(argv)
    kinds = [k.strip() for k in a.kinds.split(",") if k.strip()] if a.kinds else None
    if a.seed + a.n - 1 >= RESERVED_SEED and not a.measure:
        ap.error(f"seeds >= {RESERVED_SEED} are reserved for the team's final measurement (--measure)")
    scs = generate(a.site, seed=a.seed, n=a.n, kinds=kinds, measure=a.measure)
    write(scs, a.out)
    print(f"wrote {len(scs)} scenarios to {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
