#!/usr/bin/env python3
"""A third, blind scenario generator (red team) for glofwatch detection.

Written without reading the team's simulator, detectors, models, evaluation, QC or the two other
generators (see docs/blind-scenarios.md for what was and was not read). Physics and noise come from
the literature and from the real records in ../shared/data; every choice is documented in
docs/blind-scenarios.md.

    .venv/bin/python benchmarks/blind_scenarios.py --out /tmp/blind --seed 90000000 --n 150
    .venv/bin/python benchmarks/blind_scenarios.py --out /tmp/blind --seed 90000000 --n 10 --kinds glof,fault

Writes the contract folder: ``DIR/<id>.csv`` (long-form ``time,station,sensor,value`` in arrival
order) and ``DIR/truth.jsonl``. Scenario ``i`` uses seed ``seed + i``; everything about it (kind
included, unless ``--kinds`` is given) is drawn from that seed alone. numpy, pandas, scipy, PyYAML only.
Seeds 91 000 000 - 91 999 999 are reserved for the final measurement: do not generate or look at them.
"""

from __future__ import annotations

import argparse
import json
import math
import time as _time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy.signal import lfilter

BUNDLED_SITE = Path(__file__).resolve().parents[1] / "src" / "glofwatch" / "data" / "sites" / "issyk-kul"
KINDS = ("glof", "debris_flow", "rain", "quiet", "fault")
MIX = {"glof": 0.35, "debris_flow": 0.25, "rain": 0.15, "quiet": 0.10, "fault": 0.15}
DT = 30.0  # s, internal physics step
G = 9.81
RHO_W, RHO_I, RHO_S = 1000.0, 917.0, 2650.0
L_F = 3.34e5  # J/kg latent heat of fusion
A_GLEN = 2.4e-24  # Pa^-3 s^-1, Glen's rate factor at 0 degC (Cuffey & Paterson 2010)
ISSYK_KUL_LEVEL_M = 1607.0  # lake Issyk-Kul surface, m a.s.l. (the rivers' base level)
UTC_OFFSET_H = 6.0  # Asia/Bishkek
SOLAR_NOON_UTC_H = 12.0 - 77.1 / 15.0  # ~6.9 h UTC at 77.1 E

# ---------------------------------------------------------------------------------------------
# Constants derived from the real records in ../shared/data (procedure in docs/blind-scenarios.md)
# ---------------------------------------------------------------------------------------------
# Storm hyetographs (mm per hour): every wet spell with >= 10 mm (spells split by >= 3 dry hours,
# wet = RRR > 0.1 mm) of timeseries/cosipy_hintereisferner_hourly_2018_2019.csv (Hintereisferner, 3300 m).
# fmt: off
STORMS = [
    [0.1, 0.0, 0.2, 0.0, 0.0, 0.5, 0.0, 0.2, 0.0, 0.0, 0.3, 0.2, 0.1, 0.0, 1.7, 1.0, 0.3, 2.1, 1.3, 1.2, 1.6, 2.3, 0.8, 0.7],
    [0.7, 0.7, 1.5, 1.3, 0.8, 0.1, 1.5, 2.0, 0.7, 0.0, 0.2, 1.1, 1.0, 0.5, 1.3, 2.3, 1.1, 0.8, 0.4, 1.3, 2.2, 3.6, 3.0, 6.3, 5.8,
     5.0, 6.3, 3.4, 0.9, 0.2, 1.4, 0.9, 0.2, 0.7, 4.2, 5.8, 0.6, 0.0, 0.0, 0.2],
    [0.2, 0.1, 0.3, 0.7, 0.6, 1.6, 3.2, 1.5, 3.1, 1.5, 1.2, 6.6, 4.8, 7.0, 5.5, 2.5, 10.9, 5.6, 8.5, 1.1, 0.4, 0.2, 0.7, 1.7, 0.1,
     0.4],
    [0.8, 2.6, 5.1, 6.6, 2.4, 1.0],
    [0.2, 0.0, 0.2, 0.0, 0.2, 0.1, 0.0, 0.3, 0.3, 0.3, 0.1, 0.0, 0.1, 0.9, 3.6, 3.9, 1.7, 0.1, 0.7, 0.7, 0.5, 0.5, 0.0, 0.4],
    [0.2, 0.0, 0.3, 0.5, 0.6, 0.9, 0.6, 0.4, 0.0, 0.3, 0.3, 0.5, 1.8, 0.1, 0.2, 0.0, 0.0, 0.1, 0.9, 0.9, 3.1, 2.8, 2.7, 3.6, 1.0,
     1.6, 1.0, 1.3, 0.2, 0.6, 0.6, 0.2, 0.6, 0.2, 0.4, 0.6, 0.4, 0.4, 0.8, 0.1, 0.0, 0.5, 0.1, 0.4, 0.7, 1.6, 1.9, 3.8, 1.2, 1.9,
     0.7, 0.8, 0.5, 0.8, 0.4],
    [0.5, 0.3, 0.8, 0.4, 0.4, 0.6, 0.5, 1.1, 1.0, 0.7, 0.7, 0.2, 4.6, 4.2, 3.3, 5.7, 3.4, 2.9, 2.9, 1.1],
    [0.3, 0.2, 0.2, 0.3, 0.6, 0.6, 0.8, 0.8, 0.7, 1.1, 0.9, 0.9, 1.3, 1.0, 1.1, 0.4, 0.4],
    [1.0, 1.4, 1.3, 2.1, 1.4, 0.9, 1.3, 2.3, 2.4, 2.4, 2.3, 1.9, 1.8, 1.9, 1.7, 0.5, 0.6, 0.7, 0.2, 0.6, 0.4, 0.3, 0.3, 0.3, 0.3,
     0.3, 0.3, 0.1, 0.1, 0.2],
    [0.2, 0.5, 1.7, 1.8, 2.0, 1.8, 1.4, 1.4, 0.8, 0.4, 0.0, 0.0, 0.9, 0.2, 0.6, 1.9, 2.2, 1.2, 0.9, 0.8, 1.0, 0.7, 0.4, 1.3, 1.7,
     1.5, 1.3, 1.6, 2.5, 3.1, 2.2, 0.9, 0.1, 0.2, 0.8, 0.7, 0.6, 0.5, 0.5, 0.8, 0.3, 0.8, 1.9, 1.5, 0.1, 0.5, 0.1],
    [0.6, 0.2, 0.1, 0.2, 0.7, 0.4, 0.8, 0.0, 0.1, 0.3, 0.0, 0.2, 0.1, 1.4, 0.3, 0.0, 0.4, 0.1, 0.0, 0.8, 0.0, 0.0, 0.2, 0.0, 0.0,
     0.6, 0.3, 0.0, 0.2, 1.3, 0.0, 0.4, 0.4, 0.8, 0.4, 0.6, 0.3, 0.0, 0.0, 0.1],
    [0.1, 0.7, 2.2, 2.0, 1.5, 3.7, 2.3, 0.8, 0.7, 0.7, 1.2, 0.7, 0.6, 0.7, 0.4, 0.3, 0.5, 0.3, 1.5, 0.6, 0.5],
    [0.2, 0.0, 0.1, 0.3, 0.3, 0.0, 0.4, 0.0, 0.0, 0.3, 0.4, 0.6, 3.4, 1.4, 1.6, 3.1, 3.5, 4.0, 2.1, 2.5, 3.0, 1.6, 2.4, 3.1, 2.2,
     3.2, 4.8, 6.2, 7.6, 6.2, 4.3, 0.3, 0.0, 0.0, 1.1],
    [0.4, 0.0, 0.0, 0.4, 3.0, 0.0, 2.3, 1.2, 0.0, 0.0, 0.4, 0.8, 0.3, 1.1, 0.2, 0.5, 0.6, 0.3, 0.8, 0.6],
    [0.6, 2.7, 2.2, 2.9, 2.4, 1.9, 2.4, 0.7, 0.3, 0.1, 0.0, 0.7, 1.1, 1.0, 0.3],
    [0.7, 0.0, 0.5, 4.7, 1.5, 1.9, 1.4, 0.1],
    [0.7, 0.0, 0.0, 0.6, 4.0, 1.0, 5.2, 1.1, 0.2, 1.1, 0.7, 1.1, 0.7, 1.0, 0.6, 0.3, 0.4, 0.6, 0.4, 0.3, 0.2, 0.4],
    [1.3, 4.1, 2.9, 3.2, 4.5, 2.4, 0.1],
    [0.2, 0.4, 0.2, 0.1, 3.6, 4.1, 0.1, 1.4, 4.1, 1.7, 2.8, 2.5, 3.6, 3.7, 2.3, 0.0, 0.6, 2.0, 2.2, 2.0, 2.3, 4.2, 3.8, 3.5, 2.7,
     2.7, 1.4, 1.1, 1.1, 1.2, 0.7, 0.5, 0.2],
    [0.7, 1.8, 2.3, 2.4, 3.3, 2.0, 1.9, 1.7, 1.7, 1.4, 1.0, 1.0, 0.4, 0.7, 0.9, 0.4, 0.0, 0.4, 0.8, 0.2],
    [1.1, 0.0, 2.0, 0.2, 0.4, 0.0, 1.4, 1.7, 2.9, 2.8, 12.7, 7.2, 10.4, 0.1, 0.0, 1.2, 0.7, 0.4, 0.2],
    [8.0, 10.4, 11.8, 2.0],
    [0.2, 0.8, 0.0, 0.0, 3.0, 0.0, 0.2, 7.3, 3.6, 0.4],
    [6.6, 3.4, 1.8],
]
# Day of year of every dated outburst (Merzbacher excluded) at lon 73-81 E, lat 41-44 N in
# glof_events/Global_GLOF_database_2021_06_09.csv (Veh et al. 2022): the regional season.
GLOF_DOY = [154, 158, 165, 166, 168, 169, 170, 171, 172, 172, 172, 173, 173, 176, 177, 182, 184, 186, 187, 187, 188, 188, 190,
            191, 192, 192, 192, 193, 193, 195, 196, 196, 196, 196, 196, 196, 197, 197, 198, 198, 198, 199, 199, 200, 201, 202,
            202, 202, 202, 204, 204, 205, 206, 206, 206, 207, 207, 211, 211, 212, 212, 213, 214, 214, 214, 215, 216, 217, 220,
            220, 220, 220, 223, 224, 226, 227, 229, 230, 230, 231, 231, 231, 232, 232, 240, 247, 247]
# Flood volumes V0 (10^6 m3) of the same region's moraine / water-pocket / unknown-type outbursts.
V0_REGION_1E6 = [0.00125, 0.002, 0.02, 0.08, 0.1, 0.123, 0.13, 0.15, 0.182, 0.194, 0.2, 0.2, 0.22, 0.25, 0.3, 0.3, 0.3, 0.437,
                 0.9, 1.1, 2.0, 2.0, 3.8, 4.0, 5.8, 6.0]
# Logger battery (Batt_Min, V): hourly means by UTC hour of the Hintereisferner CR3000 TOA5 file
# (timeseries/cosipy_hintereis_aws_toa5_cr3000_small.dat), a solar-charged 12 V system at 10.8 E.
BATTERY_HOURLY_HEF = [12.43, 12.41, 12.40, 12.40, 12.54, 13.22, 13.39, 13.39, 13.28, 13.19, 13.09, 13.20, 13.18, 13.18, 13.25,
                      13.34, 13.39, 13.37, 13.07, 12.68, 12.56, 12.51, 12.48, 12.45]
# fmt: on
HEF_SOLAR_NOON_UTC_H = 12.0 - 10.78 / 15.0
# Noise of the same TOA5 file: residual sd of 10-min values around a centred 70-min running mean.
NOISE_TAIR = 0.26  # degC
NOISE_RH = 1.67  # %
NOISE_SONIC = 0.022  # m (Dist_Avg)
PRESS_DIFF_SD = 0.078  # hPa per 10 min (Press_Avg)
WIND_MEDIAN = 2.48  # m/s (Wspeed)
# Illgraben ILL11 BHZ (seismic/illgraben_ILL11_...mseed), response removed (ILL11_inventory.xml), 5-20 Hz,
# 1-min RMS of ground velocity in the hour before the 2019-06-10 debris flow.
SEIS_BG_MEDIAN = 0.0019  # mm/s
SEIS_BG_LOGSD = 0.71  # sd of ln(RMS), includes the slow pre-event trend
SEIS_BG_AR1 = 0.70  # lag-1 (1 min) autocorrelation of ln(RMS)
SEIS_DF_PEAK = 0.046  # mm/s, peak 1-min RMS of that debris flow at ILL11
SEIS_DF_Q = 9.93  # m3/s, its peak discharge (illgraben_debrisflow_characteristics_2019_2020.csv, CD 27-29)
SEIS_ILL11_DIST_M = 300.0  # assumed source distance of ILL11 (station "Fussballfeld" on the fan; not in the files)


# ---------------------------------------------------------------------------------------------
# Site
# ---------------------------------------------------------------------------------------------
@dataclass
class PathNode:
    name: str
    chainage_km: float
    kind: str  # "station" | "zone"


@dataclass
class FlowPath:
    lake: str
    river: str
    zones: dict[str, float]
    stations: dict[str, float]  # station id -> chainage on THIS path
    profile: list[tuple[float, float]] = field(default_factory=list)  # (chainage km, elevation m)

    def elevation(self, ch: float) -> float:
        xs, ys = zip(*self.profile, strict=True)
        return float(np.interp(ch, xs, ys))

    def slope(self, a: float, b: float) -> float:
        if b <= a:
            return 0.05
        return max(0.01, (self.elevation(a) - self.elevation(b)) / ((b - a) * 1000.0))

    @property
    def end_km(self) -> float:
        return max(list(self.zones.values()) + list(self.stations.values())) + 0.5


@dataclass
class Site:
    raw: dict
    lakes: dict[str, dict]
    stations: dict[str, dict]
    paths: dict[str, FlowPath]

    def sensors(self):
        for sid, st in self.stations.items():
            for se in st["sensors"]:
                yield sid, se


def load_site(site_dir: Path) -> Site:
    raw = yaml.safe_load((Path(site_dir) / "site.yaml").read_text())
    lakes = {lk["id"]: lk for lk in raw.get("lakes", [])}
    stations = {s["id"]: s for s in raw.get("stations", [])}
    fps = {fp["lake"]: fp for fp in raw.get("flow_paths", [])}
    paths: dict[str, FlowPath] = {}
    for lake, fp in fps.items():
        st_on: dict[str, float] = {}
        for sid, s in stations.items():
            sfp = s.get("flow_path")
            if not sfp:
                continue
            if sfp["lake"] == lake:
                st_on[sid] = float(sfp["chainage_km"])
            elif sfp["lake"] in fps and fps[sfp["lake"]].get("river") == fp.get("river"):
                # Same river: map the station by the chainage offset of the zones both paths share.
                other = fps[sfp["lake"]]["zones"]
                shared = [fp["zones"][z] - other[z] for z in fp["zones"] if z in other]
                if shared:
                    st_on[sid] = float(sfp["chainage_km"]) + float(np.median(shared))
        paths[lake] = FlowPath(lake, fp.get("river", ""), {z: float(c) for z, c in fp["zones"].items()}, st_on)
    for lake, p in paths.items():
        e0 = float(lakes.get(lake, {}).get("elevation_m", 3500.0))
        pts = [(0.0, e0)]
        for sid, ch in sorted(p.stations.items(), key=lambda kv: kv[1]):
            el = stations[sid].get("elevation_m")
            if el is not None and ch > pts[-1][0] and el < pts[-1][1]:
                pts.append((ch, float(el)))
        end = p.end_km
        if end > pts[-1][0]:
            last_el = max(ISSYK_KUL_LEVEL_M + 5.0, pts[-1][1] - 0.03 * (end - pts[-1][0]) * 1000.0)
            pts.append((end, min(last_el, pts[-1][1] - 1.0)))
        if len(pts) == 1:
            pts.append((max(end, 1.0), e0 - 0.06 * max(end, 1.0) * 1000))
        p.profile = pts
    return Site(raw, lakes, stations, paths)


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------
def iso(t: float) -> str:
    return pd.Timestamp(int(round(t)), unit="s", tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def ar1(rng: np.random.Generator, n: int, phi: float, sd) -> np.ndarray:
    """Stationary AR(1) with marginal sd ``sd`` (a number or an array of length n)."""
    if n <= 0:
        return np.zeros(0)
    e = rng.normal(0.0, math.sqrt(max(1e-9, 1 - phi * phi)), n)
    e[0] = rng.normal(0.0, 1.0)
    return lfilter([1.0], [1.0, -phi], e) * sd


def local_hour(t: np.ndarray) -> np.ndarray:
    return ((t / 3600.0) + UTC_OFFSET_H) % 24.0


def solar_hour(t: np.ndarray) -> np.ndarray:
    """Hours from local solar noon, in [-12, 12)."""
    return ((t / 3600.0 - SOLAR_NOON_UTC_H + 12.0) % 24.0) - 12.0


def caine(d_h):
    return 14.82 * np.asarray(d_h, float) ** -0.39


def guzzetti(d_h):
    return 2.20 * np.asarray(d_h, float) ** -0.44


# ---------------------------------------------------------------------------------------------
# Weather and storms
# ---------------------------------------------------------------------------------------------
@dataclass
class Storm:
    start: float
    hourly: np.ndarray  # mm/h at the upper station, hour bins from start
    rate10: np.ndarray  # mm per 10 min on the 10-min grid from start
    caine_ratio: float
    guzzetti_ratio: float
    exceed_time: float | None  # first time a Caine duration is exceeded


def id_ratio(rate10: np.ndarray, fn) -> tuple[float, int | None]:
    """Max over durations of (mean intensity over D) / threshold(D); index where first exceeded."""
    best, first = 0.0, None
    cs = np.concatenate([[0.0], np.cumsum(rate10)])
    for d_h in (1 / 3, 0.5, 1, 2, 3, 6, 12, 24):
        k = int(round(d_h * 6))
        if k < 1 or k > len(rate10):
            continue
        mean_i = (cs[k:] - cs[:-k]) / d_h  # mm/h over windows ending at index k-1..
        r = mean_i / float(fn(d_h))
        best = max(best, float(r.max()))
        over = np.nonzero(r >= 1.0)[0]
        if over.size:
            idx = int(over[0] + k - 1)
            first = idx if first is None else min(first, idx)
    return best, first


def make_storm(rng, start: float, target_ratio: float | None, peak_mm_h: float) -> Storm:
    tpl = np.array(STORMS[rng.integers(len(STORMS))], float)
    if rng.random() < 0.5 and len(tpl) > 8:  # convective summer storms are shorter: take the wettest part
        k = int(rng.integers(4, min(12, len(tpl)) + 1))
        cs = np.convolve(tpl, np.ones(k), "valid")
        i0 = int(np.argmax(cs))
        tpl = tpl[i0 : i0 + k]
    tpl = np.maximum(tpl, 0.0)
    if tpl.max() <= 0:
        tpl = np.array([1.0])
    hourly = tpl * (peak_mm_h / tpl.max())
    # Disaggregate hours into 10-min values with a Dirichlet cascade (bursty convective rain).
    w = rng.dirichlet(np.full(6, 0.8), size=len(hourly))
    rate10 = (hourly[:, None] * w).ravel()
    ratio, first = id_ratio(rate10, caine)
    if target_ratio is not None and ratio > 0:
        f = target_ratio / ratio
        rate10 = rate10 * f
        hourly = hourly * f
        ratio, first = id_ratio(rate10, caine)
    gz, _ = id_ratio(rate10, guzzetti)
    ex = None if first is None else start + (first + 1) * 600.0
    return Storm(start, hourly, rate10, ratio, gz, ex)


@dataclass
class Weather:
    t: np.ndarray
    rain_up: np.ndarray  # mm/h at the upper AWS
    rain_low: np.ndarray
    rain_valley: dict[str, np.ndarray]  # catchment-mean rain rate, mm/h, by flow path lake
    t_up: np.ndarray
    t_low: np.ndarray
    rh_up: np.ndarray
    rh_low: np.ndarray
    wind_up: np.ndarray
    wind_low: np.ndarray
    snow_up: np.ndarray
    press_hpa: np.ndarray
    cloud: np.ndarray  # 0..1
    storms: list[Storm]


def make_weather(rng, t: np.ndarray, season_doy: int, storms: list[Storm], site: Site) -> Weather:
    n = len(t)
    # Seasonal mean at 3350 m: ~ +5 degC in July, -12 degC in January (Tien Shan lapse ~6.5 K/km).
    t_mean_up = -3.5 - 8.5 * math.cos(2 * math.pi * (season_doy - 15) / 365.0) + rng.normal(0, 2.0)
    amp = rng.uniform(3.0, 6.0)
    sh = solar_hour(t)
    rain = np.zeros(n)
    for s in storms:
        k = ((t - s.start) // 600).astype(int)
        ok = (k >= 0) & (k < len(s.rate10))
        rain[ok] += s.rate10[k[ok]] * 6.0  # mm per 10 min -> mm/h
    wet = np.clip(lfilter([0.02], [1, -0.98], (rain > 0.2).astype(float)) * 3.0, 0, 1)  # smoothed wetness
    cloud = np.clip(0.2 + 0.8 * wet + ar1(rng, n, 0.999, 0.1), 0, 1)
    t_up = t_mean_up + amp * (1 - 0.7 * cloud) * np.cos(2 * math.pi * (sh - 2.5) / 24.0) - 3.0 * wet
    t_up = t_up + ar1(rng, n, 0.995, 0.8) + ar1(rng, n, 0.5, NOISE_TAIR)
    lapse = rng.uniform(0.0055, 0.0075)
    t_low = t_up + lapse * (3350 - 1850) + ar1(rng, n, 0.995, 0.6) + ar1(rng, n, 0.5, NOISE_TAIR)
    rh_up = np.clip(
        70 - 12 * np.cos(2 * math.pi * (sh - 2.5) / 24.0) + 28 * wet + ar1(rng, n, 0.995, 6) + ar1(rng, n, 0.5, NOISE_RH), 5, 100
    )
    rh_low = np.clip(rh_up - rng.uniform(5, 20) + ar1(rng, n, 0.99, 4), 5, 100)
    wscale = WIND_MEDIAN / math.log(2) ** (1 / 1.8)
    w_base = wscale * (-np.log(np.clip(rng.random(n), 1e-9, 1))) ** (1 / 1.8)  # Weibull k=1.8
    w_sm = lfilter([0.15], [1, -0.85], w_base)
    wind_up = np.clip(w_sm * (1 + 0.4 * np.cos(2 * math.pi * (sh - 3) / 24)) * (1 + 0.8 * wet) * rng.uniform(0.7, 1.5), 0, None)
    wind_low = np.clip(0.6 * wind_up + ar1(rng, n, 0.9, 0.4), 0, None)
    # Orography: the upper station gets more; the catchment mean is between the two.
    f_low = rng.uniform(0.35, 0.9)
    rain_low = rain * f_low * np.clip(1 + ar1(rng, n, 0.9, 0.25), 0.2, None)
    valley: dict[str, np.ndarray] = {}
    for lake, p in site.paths.items():
        if p.river == "Cholpon-Ata":
            valley[lake] = 0.5 * (rain + rain_low)
        else:  # another valley: the storm cell is displaced and of a different strength
            shift = int(rng.integers(-12, 13))
            valley[lake] = np.roll(rain, shift) * rng.uniform(0.4, 1.3)
    # Snow at the upper AWS: precipitation below ~+1 degC falls as snow (density 100 kg/m3), then melts.
    snow = np.zeros(n)
    s0 = 0.0 if 120 < season_doy < 290 else rng.uniform(0.1, 1.2)
    ddf = 5e-3 / 86400.0  # m of snow per degC per s (degree-day factor, ~5 mm w.e./degC/day x 10)
    cur = s0
    for i in range(n):
        if t_up[i] < 1.0:
            cur += rain[i] * DT / 3600.0 / 1000.0 * 10.0
        elif cur > 0:
            cur = max(0.0, cur - ddf * 10 * max(t_up[i], 0.0) * DT - rain[i] * DT / 3600.0 / 1000.0 * 2.0)
        snow[i] = cur
    press = 655.0 + np.cumsum(rng.normal(0, PRESS_DIFF_SD / math.sqrt(600 / DT), n)) - 4.0 * wet
    return Weather(t, rain, rain_low, valley, t_up, t_low, rh_up, rh_low, wind_up, wind_low, snow, press, cloud, storms)


# ---------------------------------------------------------------------------------------------
# Hydraulics: sources, routing, bulking
# ---------------------------------------------------------------------------------------------
def hypsometry(area: float, depth_mean: float, alpha: float):
    """A(h) = A0 ((h+D)/D)^alpha, h = level above the spillway, D = max depth = depth_mean (alpha+1)."""
    d_max = depth_mean * (alpha + 1)

    def vol(h):
        return area * d_max / (alpha + 1) * np.clip((h + d_max) / d_max, 0, None) ** (alpha + 1)

    def level(v):
        return d_max * (np.clip(v, 0, None) / (area * d_max / (alpha + 1))) ** (1 / (alpha + 1)) - d_max

    return d_max, vol, level


def moraine_breach(rng, n: int, lake_area: float, v_release: float, depth_mean: float):
    """Froehlich (2008) breach geometry/time, breach growth after Fread's BREACH, broad-crested weir outflow."""
    alpha = rng.uniform(0.8, 2.0)
    d_max, vol, level = hypsometry(lake_area, depth_mean, alpha)
    v_tot = float(vol(0.0))
    v_release = min(v_release, 0.9 * v_tot)
    h_f = float(level(v_tot - v_release))  # final breach-bottom level (negative)
    h_f = max(h_f, -27.0)
    h_b = -h_f
    mode = "overtopping" if rng.random() < 0.45 else "piping"
    k0 = 1.3 if mode == "overtopping" else 1.0
    z = 1.0 if mode == "overtopping" else 0.7
    b_avg = 0.27 * k0 * v_release**0.32 * h_b**0.04
    b_final = max(1.0, b_avg - z * h_b)
    t_f = 63.2 * math.sqrt(v_release / (G * h_b * h_b))
    # Ice-cored / coarse Tien Shan moraines erode slower than Froehlich's (embankment) data set.
    t_f *= float(np.exp(rng.normal(math.log(1.3), 0.8)))
    rho = rng.uniform(1.0, 2.5)  # breach-formation exponent
    h = rng.uniform(0.02, 0.3)  # lake starts above the spillway crest (overflow)
    v = float(vol(h))
    q = np.zeros(n)
    lev = np.zeros(n)
    inflow = rng.uniform(0.3, 2.0)
    for i in range(n):
        tt = i * DT
        s = min(1.0, tt / t_f) ** rho
        zb = -h_b * s
        b = b_final * s + 0.5
        head = max(0.0, h - zb)
        qi = 1.7 * b * head**1.5 + 1.35 * z * head**2.5
        qi = min(qi, max(0.0, (v - float(vol(zb))) / DT + inflow))
        v = max(float(vol(-d_max + 1e-6)), v + (inflow - qi) * DT)
        h = float(level(v))
        q[i] = qi
        lev[i] = h
        if tt > t_f and qi < 0.02 * q.max() and tt > 3 * t_f:
            q[i + 1 :] = inflow
            lev[i + 1 :] = h
            break
    params = {
        "dam": "moraine",
        "mechanism": mode,
        "froehlich_failure_time_s": round(t_f, 1),
        "inflow_m3s": round(inflow, 3),
        "breach_bottom_width_m": round(b_final, 1),
        "breach_depth_m": round(h_b, 2),
        "lake_volume_m3": round(v_tot),
        "hypsometry_alpha": round(alpha, 2),
        "breach_exponent": round(rho, 2),
    }
    return q, lev, params


def tunnel_drainage(rng, n: int, lake_area: float, depth_mean: float, drain_frac: float):
    """Lumped Nye (1976) / Clarke (2003) tunnel: wall melt by dissipated heat vs creep closure.

    The onset is the moment the tunnel carries Q0 = 0.2-1 m3/s (it grew unseen before); parameter
    sets that cannot drain 70 % of the target within 44 h are redrawn (at most 6 times).
    """
    alpha = rng.uniform(0.8, 2.0)
    d_max, vol, level = hypsometry(lake_area, depth_mean, alpha)
    v_tot = float(vol(0.0))
    v_end = v_tot * (1 - drain_frac)
    for _attempt in range(10):
        L_t = rng.uniform(500, 2000)  # tunnel length, m
        dz = rng.uniform(80, 250)  # lake surface to glacier portal, m
        H_i = rng.uniform(30, 100)  # ice thickness over the tunnel (small cirque glacier), m
        n_m = rng.uniform(0.02, 0.05)  # Manning roughness of the ice tunnel
        q0 = rng.uniform(0.2, 1.0)
        psi0 = RHO_W * G * dz / L_t
        k = (1 / (2 * math.sqrt(math.pi))) ** (2 / 3) * math.sqrt(psi0 / (RHO_W * G)) / n_m
        S = (q0 / k) ** 0.75  # Q = k S^(4/3)
        v = v_tot
        q = np.zeros(n)
        lev = np.full(n, float(level(v)))
        done = False
        for i in range(n):
            h = float(level(v))
            psi = RHO_W * G * (dz + h) / L_t  # Pa/m
            r_h = math.sqrt(S / math.pi) / 2
            qi = S * r_h ** (2 / 3) * math.sqrt(psi / (RHO_W * G)) / n_m
            if v - qi * DT <= v_end:
                qi = max(0.0, (v - v_end) / DT)
                done = True  # the lake falls below the tunnel intake: the flood stops abruptly
            N = max(0.0, RHO_I * G * H_i - RHO_W * G * (0.5 * dz + h + d_max))
            S = max(1e-3, S + DT * (qi * psi / (RHO_I * L_F) - 2 * A_GLEN * S * (N / 3) ** 3))
            v -= qi * DT
            q[i] = qi
            lev[i] = h
            if done:
                lev[i:] = float(level(v))
                break
        if (v_tot - v) >= 0.7 * (v_tot - v_end) and np.argmax(q) * DT < 40 * 3600 and q.max() >= 3.0:
            break
    params = {
        "dam": "ice",
        "mechanism": "tunnel",
        "tunnel_length_m": round(L_t),
        "tunnel_drop_m": round(dz),
        "ice_thickness_m": round(H_i),
        "manning_n": round(n_m, 3),
        "initial_q_m3s": round(q0, 2),
        "lake_volume_m3": round(v_tot),
        "drained_fraction": round(drain_frac, 2),
    }
    return q, lev, params


def ice_dam_flotation(rng, n: int, lake_area: float, depth_mean: float, drain_frac: float):
    """Mechanical failure of the ice dam (flotation, calving of the barrier): a fast drainage.

    Peak from Walder & Costa (1996) for ice-dam breaches, Qp = 1100 (V/1e6)^0.44, times a factor
    0.05-0.3 (their data are upper envelopes for large lakes); gamma-shaped hydrograph carrying V.
    """
    alpha = rng.uniform(0.8, 2.0)
    d_max, vol, level = hypsometry(lake_area, depth_mean, alpha)
    v_tot = float(vol(0.0))
    v_rel = v_tot * drain_frac
    qp = 1100 * (v_rel / 1e6) ** 0.44 * rng.uniform(0.05, 0.3)
    k = rng.uniform(2.0, 4.0)  # gamma shape: rise time = (k-1) theta
    theta = v_rel * ((k - 1) / math.e) ** (k - 1) / (qp * math.gamma(k))  # gamma pdf x V peaks at qp
    tt = np.arange(n) * DT
    shape = (tt / theta) ** (k - 1) * np.exp(-tt / theta)
    q = shape * (v_rel / (shape.sum() * DT))
    cum = np.cumsum(q) * DT
    lev = level(v_tot - cum)
    params = {
        "dam": "ice",
        "mechanism": "flotation",
        "lake_volume_m3": round(v_tot),
        "drained_fraction": round(drain_frac, 2),
        "walder_costa_factor": round(qp / (1100 * (v_rel / 1e6) ** 0.44), 3),
    }
    return q, np.asarray(lev, float), params


def debris_hydrograph(rng, n: int, volume: float, qp: float):
    """Surge train: steep bouldery front, exponential tail (Illgraben-like, 1-4 surges)."""
    tt = np.arange(n) * DT
    out = np.zeros(n)
    n_s = int(rng.integers(1, 5))
    t0 = 0.0
    amp = 1.0
    for _ in range(n_s):
        tp = rng.uniform(30, 150)
        tail = rng.uniform(300, 1200)
        x = tt - t0
        pulse = np.where(x < 0, 0.0, np.where(x < tp, x / tp, np.exp(-(x - tp) / tail)))
        out += amp * pulse
        t0 += rng.uniform(120, 900)
        amp *= rng.uniform(0.3, 0.9)
    out *= qp / out.max()
    vol_now = out.sum() * DT
    if vol_now > 0:  # keep the peak, stretch the tail to carry the volume
        k = volume / vol_now
        if k > 1:
            extra = lfilter([1 - math.exp(-DT / 1800)], [1, -math.exp(-DT / 1800)], out) * (k - 1)
            out = out + extra
        else:
            out = out * max(k, 0.3)
    return out


def jarrett_celerity(q_m3s: float, width: float, slope: float) -> float:
    """Manning with Jarrett (1984) roughness n = 0.39 S^0.38 R^-0.16 (wide channel, R ~ h), c = 5/3 v."""
    s = min(max(slope, 0.002), 0.04)  # Jarrett's calibration range
    qq = max(q_m3s, 0.05) / width
    h = 0.5
    for _ in range(6):
        n_m = 0.39 * s**0.38 * max(h, 0.05) ** -0.16
        h = (qq * n_m / math.sqrt(slope)) ** 0.6
    v = max(h, 0.05) ** (2 / 3) * math.sqrt(slope) / (0.39 * s**0.38 * max(h, 0.05) ** -0.16)
    return 5.0 / 3.0 * v


def rickenmann_velocity(q_m3s: float, slope: float) -> float:
    """Rickenmann (1999) debris-flow mean velocity v = 2.1 Q^0.33 S^0.33."""
    return 2.1 * max(q_m3s, 0.1) ** 0.33 * slope**0.33


def takahashi_cv(slope: float, mobility: float, rho_f: float) -> float:
    """Equilibrium sediment concentration (Takahashi 1991), interstitial fluid density rho_f, phi = 37 deg."""
    tan_t = slope
    tan_phi = math.tan(math.radians(37))
    if tan_t >= tan_phi * 0.95:
        return 0.6
    return float(min(0.6, mobility * rho_f * tan_t / ((RHO_S - rho_f) * (tan_phi - tan_t))))


def route(rng, path: FlowPath, src_km: float, q_src: np.ndarray, cv0: float, nodes: dict[str, float], debris: bool):
    """Muskingum-Cunge (Cunge 1969, Ponce 1986 parameters) sub-reach by sub-reach, reference discharge
    re-evaluated per reach (quasi-nonlinear), with bulking/debulking towards Takahashi's equilibrium."""
    targets = sorted((c, k) for k, c in nodes.items() if c >= src_km)
    out: dict[str, np.ndarray] = {}
    cvs: dict[str, float] = {}
    q = q_src.copy()
    cv = cv0
    pos = src_km
    mobility = rng.uniform(1.0, 2.5)
    rho_f = rng.uniform(1000, 1400)
    l_b = rng.uniform(0.8, 3.0)  # km, adaptation length of concentration
    width_k = rng.uniform(3.0, 5.0)
    cel = []
    for ch, key in targets:
        while pos < ch - 1e-9:
            step = min(1.0, ch - pos)
            s = path.slope(pos, pos + step)
            if pos < 1.0 and path.lake in ("cha-1", "cha-2", "cak-1") and src_km < 1.0:
                s = max(s, 0.18)  # moraine face and outlet gorge below the dam
            qref = max(0.05, 2.0 / 3.0 * float(q.max()) + 2.0)
            cv_eq = takahashi_cv(s, mobility, rho_f) if (debris or cv > 0.05) else 0.0
            cv_new = cv_eq + (cv - cv_eq) * math.exp(-step / l_b)
            if cv_new < 0.2:
                c = jarrett_celerity(qref, min(40.0, max(5.0, width_k * qref**0.4)), s)
            else:
                c = rickenmann_velocity(qref, s) * 1.1
            c = float(np.clip(c, 0.8, 12.0))
            width = min(40.0, max(5.0, width_k * qref**0.4))
            diff = qref / (2 * width * s)
            dx_total = step * 1000.0
            nsub = max(1, int(math.ceil(dx_total / (c * DT))))
            dx = dx_total / nsub
            k_m = dx / c
            courant = DT / k_m
            x = min(float(np.clip(0.5 - diff / (c * dx), 0.0, 0.5)), 0.5 * courant)  # C0 >= 0: no dip ahead of the wave
            den = 2 * k_m * (1 - x) + DT
            c0, c1, c2 = (DT - 2 * k_m * x) / den, (DT + 2 * k_m * x) / den, (2 * k_m * (1 - x) - DT) / den
            for _ in range(nsub):
                q = lfilter([c0, c1], [1.0, -c2], q)
            # bulking (cv up) adds sediment, debulking deposits it: water volume conserved
            q = q * (1 - cv) / (1 - cv_new)
            cv = cv_new
            cel.append(c)
            pos += step
        out[key] = q.copy()
        cvs[key] = cv
    return out, cvs, (float(np.mean(cel)) if cel else None)


def front_index(exc: np.ndarray) -> int | None:
    pk = float(exc.max()) if exc.size else 0.0
    if pk < 1.0:
        return None
    thr = max(0.02 * pk, 1.0)  # the leading edge: 2 % of the local peak, at least 1 m3/s
    idx = np.nonzero(exc >= thr)[0]
    return int(idx[0]) if idx.size else None


# ---------------------------------------------------------------------------------------------
# Sensors
# ---------------------------------------------------------------------------------------------
def seismic_amplitude(q: np.ndarray, cv: float | np.ndarray, dist_m: float) -> np.ndarray:
    """1-min RMS ground velocity (mm/s) of the flow at distance ``dist_m``.

    Debris flows: scaled from the real Illgraben peak (0.046 mm/s at ~300 m for 9.9 m3/s) with
    Q^0.8 (impact-force model of Lai et al. 2018 / Farin et al. 2019: power ~ flow depth and
    velocity to high powers) and Rayleigh-wave decay r^-0.5 exp(-pi f r / (Q_f v_c)), f = 10 Hz,
    Q_f = 20, v_c = 1000 m/s (Tsai et al. 2012 Green's function at fan distances).
    Water: turbulence + bedload (Gimbert et al. 2014) at one tenth of the debris-flow level, Q^0.9.
    """

    def geo(r):
        return r**-0.5 * np.exp(-math.pi * 10.0 * r / (20.0 * 1000.0))

    g = geo(dist_m) / geo(SEIS_ILL11_DIST_M)
    qq = np.maximum(q, 0.0) / SEIS_DF_Q
    a_df = SEIS_DF_PEAK * g * qq**0.8
    a_w = 0.1 * SEIS_DF_PEAK * g * qq**0.9
    f = np.clip(np.asarray(cv) / 0.4, 0, 1)
    return np.sqrt(a_w**2 + (f * a_df) ** 2)


@dataclass
class Rating:
    h0: float
    c: float
    beta: float
    s0: float
    celerity: float

    def stage(self, q: np.ndarray) -> np.ndarray:
        return self.h0 + (np.maximum(q, 0) / self.c) ** (1 / self.beta)


def gauge_stage(rating: Rating, q: np.ndarray) -> np.ndarray:
    """Stage with loop-rating hysteresis (Jones formula): Q = Q_s sqrt(1 + dh/dt / (S0 c))."""
    h_s = rating.stage(q)
    dhdt = np.gradient(h_s, DT)
    fac = np.sqrt(np.clip(1 + dhdt / (rating.s0 * rating.celerity), 0.25, 4.0))
    return rating.stage(q / fac)


# ---------------------------------------------------------------------------------------------
# Scenario
# ---------------------------------------------------------------------------------------------
@dataclass
class Series:
    times: np.ndarray  # float epoch s (logger time)
    values: np.ndarray  # float (NaN = missing value)
    keep: np.ndarray  # bool, row exists


class Scenario:
    def __init__(self, site: Site, seed: int, kind: str):
        self.site = site
        self.seed = seed
        self.kind = kind
        self.rng = np.random.default_rng(seed)
        self.faults: list[dict] = []
        self.quirks: list[dict] = []
        self.truth: dict = {}
        self.params: dict = {}
        self.frame: pd.DataFrame | None = None

    # ---- time frame -------------------------------------------------------------------------
    def _date(self, hazard_season: bool) -> float:
        rng = self.rng
        year = int(rng.integers(2025, 2029))
        if hazard_season or rng.random() < 0.75:
            doy = int(GLOF_DOY[rng.integers(len(GLOF_DOY))] + rng.integers(-7, 8))
        else:
            doy = int(rng.integers(1, 366))
        self.doy = doy
        base = pd.Timestamp(year=year, month=1, day=1, tz="UTC") + pd.Timedelta(days=doy - 1)
        return base.timestamp() + 3600.0 * int(rng.integers(0, 24))

    def build(self):
        rng = self.rng
        kind = self.kind
        t0 = self._date(kind in ("glof", "debris_flow", "rain"))
        hazard = kind if kind in ("glof", "debris_flow") else None
        # Storms
        storms: list[Storm] = []
        lead = rng.uniform(1.5, 6.0) * 3600
        if kind == "debris_flow":
            over = rng.random() < 0.8
            ratio = rng.uniform(1.0, 2.6) if over else rng.uniform(0.55, 0.95)
            st = make_storm(rng, t0 + rng.uniform(0.5, 2.5) * 3600, ratio, rng.uniform(8, 30))
            if st.guzzetti_ratio < 1.0:
                st = make_storm(rng, st.start, 1.0 * 14.82 / 2.2 * 1.05, 10)
            storms.append(st)
        elif kind == "rain":
            r = rng.random()
            ratio = rng.uniform(1.0, 2.0) if r < 0.4 else rng.uniform(0.3, 0.99)
            storms.append(make_storm(rng, t0 + rng.uniform(0.5, 3) * 3600, ratio, rng.uniform(3, 25)))
        elif kind == "glof" and rng.random() < 0.25 or kind in ("fault", "quiet") and rng.random() < 0.3:
            storms.append(make_storm(rng, t0 + rng.uniform(0, 8) * 3600, rng.uniform(0.1, 0.6), rng.uniform(1, 6)))
        # Hazard source
        self.src = None
        onset = None
        if kind == "glof":
            onset = t0 + lead
        elif kind == "debris_flow":
            st = storms[0]
            if st.exceed_time is not None and rng.random() < 0.85:
                onset = st.exceed_time + rng.uniform(0, 40) * 60
            else:
                pk = int(np.argmax(st.rate10))
                onset = st.start + (pk + 1) * 600 + rng.uniform(0, 45) * 60
        # Duration: start..end; glof ice tunnels need longer windows
        if kind == "glof":
            lake = self._pick_lake()
            self._glof_source(lake)
            qs = self.src_q
            active = np.nonzero(qs > 0.05 * qs.max())[0]
            t_flood = (active[-1] + 1) * DT if active.size else 3600.0
            dur = lead + t_flood + rng.uniform(2.5, 4.0) * 3600
        elif kind == "debris_flow":
            lake = None
            if onset - t0 > 30 * 3600:  # long storm: the window opens some hours before the flow
                t0 = math.floor((onset - rng.uniform(3, 10) * 3600) / 3600) * 3600.0
            dur = (onset - t0) + rng.uniform(4, 7) * 3600
        else:
            lake = None
            dur = rng.uniform(6, 14) * 3600
            if storms:
                dur = max(dur, storms[0].start - t0 + len(storms[0].hourly) * 3600 + 3 * 3600)
        dur = float(min(max(dur, 6 * 3600), 48 * 3600))
        n = int(dur // DT) + 1
        t = t0 + np.arange(n) * DT
        self.t = t
        self.t0 = t0
        self.onset = onset
        self.w = make_weather(rng, t, self.doy, storms, self.site)
        self.lake = lake
        self.hazard = hazard
        self._hydrology(kind, lake, onset)
        # Trim the window for long drainages to where the flood has passed
        self._stations()
        self._faults()
        self._truth()
        return self

    def _pick_lake(self) -> str:
        lakes = [lk for lk in self.site.lakes if lk in self.site.paths]
        return lakes[int(self.rng.integers(len(lakes)))]

    # ---- hydrology ---------------------------------------------------------------------------
    def _hydrology(self, kind, lake, onset):
        rng = self.rng
        site = self.site
        t = self.t
        n = len(t)
        # Base flow per flow path at each node: glacier/snow melt with a diurnal cycle (peak in the
        # evening at the gauges, ~6-8 h after the melt peak) + rain runoff (linear reservoir).
        summer = 1.0 if 140 < self.doy < 260 else (0.5 if 110 < self.doy < 290 else 0.15)
        self.base: dict[str, dict[str, np.ndarray]] = {}
        self.melt_pulse = rng.random() < 0.12 and summer == 1.0
        if self.melt_pulse:
            self.quirks.append({"kind": "snowmelt_diurnal_pulse", "note": "hot day: diurnal melt flood at the gauges"})
        for lk, p in site.paths.items():
            qb = rng.uniform(1.5, 5.0) * summer * (1.4 if p.river != "Cholpon-Ata" else 1.0)
            amp = rng.uniform(0.15, 0.45) * (2.2 if self.melt_pulse else 1.0)
            lag_h = rng.uniform(5, 9)
            area_km2 = 2.6 * p.end_km  # catchment area grows down the valley (~2.6 km2 per km)
            coef = rng.uniform(0.15, 0.45)
            k_res = rng.uniform(1.0, 3.0) * 3600
            nodes = dict(p.stations) | dict(p.zones)
            self.base[lk] = {}
            for key, ch in nodes.items():
                frac = min(1.0, ch / p.end_km)
                diur = 1 + amp * np.cos(2 * math.pi * (solar_hour(t) - 1.5 - lag_h * frac) / 24)
                diur = np.maximum(diur, 0.2)
                r = self.w.rain_valley.get(lk, self.w.rain_up) / 1000.0 / 3600.0 * coef * area_km2 * frac * 1e6
                a = math.exp(-DT / k_res)
                runoff = lfilter([1 - a], [1, -a], r)
                self.base[lk][key] = qb * (0.3 + 0.7 * frac) * diur + runoff
        self.flood: dict[str, np.ndarray] = {}  # node key "lake:name" -> excess discharge
        self.cv_at: dict[str, float] = {}
        self.front: dict[str, float] = {}
        self.lake_level: dict[str, np.ndarray] = {}
        self.volume = None
        self.peak = None
        if kind == "glof":
            self._glof(lake, onset)
        elif kind == "debris_flow":
            self._debris(onset)
        # Lakes that did not burst: level near the spillway crest with melt-driven diurnal inflow
        for lk in site.lakes:
            if lk not in self.lake_level:
                h = rng.uniform(-0.05, 0.15) + 0.03 * np.cos(2 * math.pi * (solar_hour(t) - 4) / 24) + ar1(rng, n, 0.999, 0.01)
                self.lake_level[lk] = h

    def _glof_source(self, lake):
        """Source hydrograph and lake level on the DT grid from the onset (48 h at most)."""
        rng = self.rng
        lk = self.site.lakes[lake]
        n_max = int(48 * 3600 / DT)
        area = float(lk.get("area_m2", 5e4))
        depth_mean = float(np.exp(rng.normal(math.log(9.0), 0.4)))  # bathymetry of Tien Shan moraine lakes
        if lk.get("volume_m3"):
            depth_mean = float(lk["volume_m3"]) / area
        if lk.get("dam") == "ice":
            frac = rng.uniform(0.6, 0.95)
            q, lev, params = tunnel_drainage(rng, n_max, area, depth_mean, frac)
            if rng.random() < 0.15 or q.max() < 3.0:
                q, lev, params = ice_dam_flotation(rng, n_max, area, depth_mean, frac)
        else:
            for _ in range(6):  # an outburst is a flood: redraw the rare breaches that release only a trickle
                v_cat = V0_REGION_1E6[rng.integers(len(V0_REGION_1E6))] * 1e6 * float(np.exp(rng.normal(0, 0.3)))
                v_rel = min(max(v_cat, 3e4), rng.uniform(0.4, 0.9) * area * depth_mean)
                q, lev, params = moraine_breach(rng, n_max, area, v_rel, depth_mean)
                if q.max() - params["inflow_m3s"] >= 5.0:
                    break
        q = np.maximum(q - params.get("inflow_m3s", 0.0), 0.0)  # the flood: what the breach adds to the lake's usual outflow
        self.src_q, self.src_level, self.params = q, lev, params

    def _glof(self, lake, onset):
        rng = self.rng
        lk = self.site.lakes[lake]
        t = self.t
        n = len(t)
        i0 = int((onset - t[0]) // DT)
        q = np.zeros(n - i0)
        m = min(len(q), len(self.src_q))
        q[:m] = self.src_q[:m]
        lev = np.full(n - i0, self.src_level[m - 1])
        lev[:m] = self.src_level[:m]
        params = self.params
        cv0 = 0.0
        self.volume = float(self.src_q.sum() * DT)
        self.peak = float(self.src_q.max())
        q_src = np.zeros(n)
        q_src[i0:] = q
        level = np.full(n, lev[0])
        level[i0:] = lev
        self.lake_level[lake] = level + 0.03 * np.cos(2 * math.pi * (solar_hour(t) - 4) / 24)
        self.params = params
        # Precursors that real outbursts show
        prec = rng.random()
        if lk.get("dam") != "ice" and prec < 0.25:  # ice/rock avalanche into the lake: displacement wave
            k = slice(max(0, i0 - 2), min(n, i0 + 20))
            self.lake_level[lake][k] += (
                rng.uniform(0.5, 2.5) * np.exp(-np.arange(k.stop - k.start) / 6.0) * np.cos(np.arange(k.stop - k.start) * 1.3)
            )
            self.params["trigger"] = "avalanche displacement wave"
        elif lk.get("dam") != "ice" and prec < 0.5:  # rising lake: inflow surge in the hours before
            k0 = max(0, i0 - int(rng.uniform(2, 5) * 3600 / DT))
            self.lake_level[lake][k0:i0] += np.linspace(0, rng.uniform(0.1, 0.5), i0 - k0)
            self.params["trigger"] = "lake rise (melt/rain inflow)"
        elif self.params.get("mechanism") == "piping" and prec < 0.75:  # seepage through the moraine before the breach
            k0 = max(0, i0 - int(rng.uniform(1, 6) * 3600 / DT))
            self.lake_level[lake][k0:i0] -= np.linspace(0, rng.uniform(0.02, 0.1), i0 - k0)
            self.params["trigger"] = "seepage (slow level fall before the breach)"
        else:
            self.params["trigger"] = "unobserved"
        self.src = (lake, 0.0)
        self._route_path(lake, 0.0, q_src, cv0, debris=False)

    def _debris(self, onset):
        rng = self.rng
        paths = list(self.site.paths.values())
        p = paths[int(rng.integers(len(paths)))]
        st_ch = sorted(p.stations.values())
        z_ch = sorted(p.zones.values())
        r = rng.random()
        if st_ch and r < 0.55:
            ch = rng.uniform(0.5, max(0.6, st_ch[0] - 0.8))
        elif len(st_ch) > 1 and r < 0.8:
            ch = rng.uniform(st_ch[0] + 0.3, st_ch[-1] - 0.3)
        else:  # a side torrent entering below every sensor: nature does not ask where the sensors are
            lo = (st_ch[-1] + 0.3) if st_ch else 0.5
            ch = rng.uniform(lo, max(lo + 0.1, z_ch[0] - 0.3))
        vol = float(np.exp(rng.uniform(math.log(5e3), math.log(3e5))))
        qp = 0.0188 * vol**0.79 * float(np.exp(rng.normal(0, 0.4)))  # Mizuyama et al. (1992), muddy
        n = len(self.t)
        i0 = int((onset - self.t[0]) // DT)
        q = debris_hydrograph(rng, n - i0, vol, qp)
        q_src = np.zeros(n)
        q_src[i0:] = q
        self.volume = vol
        self.peak = float(q_src.max())
        cv0 = rng.uniform(0.35, 0.6)
        self.params = {"source_cv": round(cv0, 2), "relation": "Mizuyama 1992 muddy Qp = 0.0188 V^0.79 (x lognormal 0.4)"}
        self.src = (p.lake, round(float(ch), 2))
        self._route_path(p.lake, float(ch), q_src, cv0, debris=True)

    def _route_path(self, lake, src_km, q_src, cv0, debris):
        p = self.site.paths[lake]
        nodes = dict(p.stations) | dict(p.zones)
        out, cvs, cel = route(self.rng, p, src_km, q_src, cv0, nodes, debris)
        self.route_lake = lake
        for key, q in out.items():
            self.flood[key] = q
            self.cv_at[key] = cvs[key]
            fi = front_index(q)
            if fi is not None:
                self.front[key] = float(self.t[fi])
        self.params["mean_celerity_m_s"] = None if cel is None else round(cel, 2)

    # ---- stations ------------------------------------------------------------------------------
    def _node_discharge(self, sid) -> tuple[np.ndarray, float]:
        """Total discharge at a downstream station and the flood's concentration there."""
        st = self.site.stations[sid]
        fp = st.get("flow_path") or {}
        lake = fp.get("lake")
        if lake not in self.base:
            return np.full(len(self.t), 2.0), 0.0
        q = self.base[lake].get(sid, np.full(len(self.t), 2.0)).copy()
        if self.flood and sid in self.flood and getattr(self, "route_lake", None) in self.site.paths:
            q = q + self.flood[sid]
            return q, self.cv_at.get(sid, 0.0)
        return q, 0.0

    def _stations(self):
        rng = self.rng
        t = self.t
        n = len(t)
        w = self.w
        self.phys: dict[tuple[str, str], np.ndarray] = {}
        self.destroyed: dict[str, float] = {}
        for sid, st in self.site.stations.items():
            kind = st.get("kind")
            up = (st.get("elevation_m") or 2000) > 2600
            # Battery: HEF CR3000 profile shifted to local solar time, less charge under cloud
            hh = (solar_hour(t) + HEF_SOLAR_NOON_UTC_H) % 24
            prof = np.interp(hh, np.arange(25), BATTERY_HOURLY_HEF + BATTERY_HOURLY_HEF[:1])
            bat = 12.4 + (prof - 12.4) * (1 - 0.6 * w.cloud) + rng.normal(0, 0.15) + ar1(rng, n, 0.9, 0.02)
            self.phys[(sid, "battery")] = bat
            if kind == "weather":
                self.phys[(sid, "air_temperature")] = w.t_up if up else w.t_low
                rr = w.rain_up if up else w.rain_low
                self.phys[(sid, "precipitation")] = rr  # mm/h, integrated per interval later
                self.phys[(sid, "relative_humidity")] = w.rh_up if up else w.rh_low
                self.phys[(sid, "wind_speed")] = w.wind_up if up else w.wind_low
                self.phys[(sid, "snow_depth")] = np.clip(w.snow_up + ar1(rng, n, 0.3, NOISE_SONIC * 0.5), 0, None)
            elif kind == "lake":
                lake = st.get("lake")
                lev = self.lake_level.get(lake, np.zeros(n)).copy()
                # transducer depth: once the lake falls below it, it reads air (a flat floor)
                floor = -rng.uniform(6, 26)
                lev = np.maximum(lev, floor + ar1(rng, n, 0.5, 0.004))
                if rng.random() < 0.2:  # non-vented transducer: barometric pressure leaks into the level
                    lev = lev - (w.press_hpa - w.press_hpa[0]) * 100 / (RHO_W * G)
                    self.quirks.append(
                        {
                            "kind": "unvented_level_transducer",
                            "station": sid,
                            "note": "level includes -1 cm per hPa of air-pressure change",
                        }
                    )
                self.phys[(sid, "water_level")] = (
                    lev + ar1(rng, n, 0.6, 0.003) + ar1(rng, n, 0.3, 0.0015 * w.wind_up)
                )  # wind set-up / waves
                wt = 3.5 + 1.5 * np.cos(2 * math.pi * (solar_hour(t) - 3) / 24) + rng.normal(0, 1.0) + ar1(rng, n, 0.99, 0.1)
                self.phys[(sid, "water_temperature")] = np.clip(wt, 0.05, 20)
                if self.hazard == "glof" and lake == self.lake and self.onset is not None:
                    dam_fail = self.params.get("dam") == "moraine"
                    if dam_fail and rng.random() < 0.4:
                        tf = float(self.params.get("froehlich_failure_time_s", 600))
                        self.destroyed[sid] = self.onset + rng.uniform(0.1, 1.0) * tf
            elif kind == "gauge":
                q, cv = self._node_discharge(sid)
                rating = Rating(
                    h0=rng.uniform(0.1, 0.4),
                    c=rng.uniform(12, 30),
                    beta=rng.uniform(1.6, 2.3),
                    s0=max(0.01, self._station_slope(sid)),
                    celerity=rng.uniform(2, 5),
                )
                h = gauge_stage(rating, q)
                fi = self.front.get(sid)
                if fi is not None and cv > 0.15:  # debris deposit at the section aggrades the bed
                    h = h + np.where(t >= fi, rng.uniform(0.05, 0.6), 0.0) * np.clip((t - fi) / 900, 0, 1)
                turb = ar1(rng, n, 0.4, 0.004 + 0.01 * np.sqrt(np.maximum(q, 0) / 50))
                self.phys[(sid, "stage")] = np.clip(h + turb, 0.0, 9.98)  # radar over-range saturates
                self.params.setdefault("ratings", {})[sid] = {
                    "h0": round(rating.h0, 3),
                    "c": round(rating.c, 2),
                    "beta": round(rating.beta, 2),
                }
                self._maybe_destroy(sid, q)
            elif kind == "geophone":
                q, cv = self._node_discharge(sid)
                dist = rng.uniform(15, 80)
                fl = seismic_amplitude(q, cv, dist)
                fl = fl * np.exp(ar1(rng, n, 0.8, 0.25))  # surge-to-surge fluctuation
                bg_level = SEIS_BG_MEDIAN * float(np.exp(rng.normal(0, 0.5)))
                day = 1 + 0.6 * ((local_hour(t) > 7) & (local_hour(t) < 21))  # traffic/people by day
                bg = bg_level * day * np.exp(ar1(rng, n, SEIS_BG_AR1 ** (DT / 60), 0.45) + ar1(rng, n, 0.9995, 0.3))
                wind = 4e-5 * w.wind_up**2  # mast/tree coupling
                rain_n = 8e-4 * np.maximum(w.rain_low, 0) ** 0.7  # raindrop impacts on the sensor hut
                self.phys[(sid, "ground_velocity")] = np.sqrt(fl**2 + bg**2 + wind**2 + rain_n**2)
                self.params.setdefault("geophone_distance_m", {})[sid] = round(dist, 1)
                self._maybe_destroy(sid, q, thr=300.0)

    def _station_slope(self, sid):
        fp = self.site.stations[sid].get("flow_path") or {}
        p = self.site.paths.get(fp.get("lake"))
        if p is None:
            return 0.05
        ch = float(fp.get("chainage_km", 1.0))
        return p.slope(max(0.0, ch - 1), ch + 1)

    def _maybe_destroy(self, sid, q, thr=150.0):
        fi = self.front.get(sid)
        if fi is None or self.hazard is None:
            return
        qpk = float(q.max())
        if qpk > thr and self.rng.random() < min(0.6, (qpk - thr) / 1000.0):
            ipk = int(np.argmax(q))
            i_f = int((fi - self.t[0]) // DT)
            self.destroyed[sid] = float(self.t[int(self.rng.uniform(i_f, max(i_f + 1, ipk + 1)))])

    # ---- sampling, faults, transport ---------------------------------------------------------
    def _faults(self):
        rng = self.rng
        t = self.t
        end = t[-1]
        self.series: dict[tuple[str, str], Series] = {}
        clock_off: dict[str, float] = {}
        for sid in self.site.stations:
            if rng.random() < 0.025:
                off = float(rng.choice([rng.uniform(-180, -20), rng.uniform(20, 420)]))
                clock_off[sid] = off
                self.quirks.append({"kind": "logger_clock_offset", "station": sid, "offset_s": round(off, 1)})
        for sid, se in self.site.sensors():
            key = (sid, se["id"])
            iv = float(se.get("interval_s", 600))
            if rng.random() < 0.005:
                iv2 = iv * (1 + rng.uniform(0.002, 0.01))
                self.quirks.append({"kind": "interval_drift", "station": sid, "sensor": se["id"], "interval_s": round(iv2, 2)})
            else:
                iv2 = iv
            first = math.ceil(t[0] / iv) * iv
            ts = np.arange(first, end + 1e-6, iv2)
            phys = self.phys.get(key)
            if phys is None:
                vals = np.full(len(ts), np.nan)
            elif se["id"] == "precipitation":
                cum = np.concatenate([[0.0], np.cumsum(phys) * DT / 3600.0])
                cum_at = np.interp(ts, np.concatenate([[t[0] - DT], t]), cum)
                prev = np.interp(ts - iv2, np.concatenate([[t[0] - DT], t]), cum)
                tips = np.floor(cum_at / 0.2) - np.floor(prev / 0.2)  # 0.2 mm tipping bucket
                vals = np.maximum(tips, 0) * 0.2
            elif se["id"] == "ground_velocity":  # RMS over the interval
                vals = np.sqrt(np.interp(ts - iv2 / 2, t, phys**2))
            else:
                vals = np.interp(ts, t, phys)
            vals = np.asarray(vals, float)
            rnd = {"ground_velocity": 5, "precipitation": 1, "water_level": 3, "stage": 3}.get(se["id"], 2)
            vals = np.round(vals, 6 if se["id"] == "ground_velocity" else rnd)
            lo, hi = se.get("valid") or [-1e9, 1e9]
            vals = np.clip(vals, lo, hi)
            keep = np.ones(len(ts), bool)
            self.series[key] = Series(ts + clock_off.get(sid, 0.0), vals, keep)
            if hasattr(self, "_sample_times"):
                pass
        # Physical destructions
        for sid, td in self.destroyed.items():
            self._silence(sid, "*", td, end)
            self.faults.append({"station": sid, "sensor": "*", "kind": "destroyed", "start": td, "end": end})
        # Fault draws
        if self.kind == "fault":
            nf = int(rng.integers(1, 4))
            kinds = ["spike", "stuck", "gap", "drift", "dead", "battery_dropout"]
            for _ in range(nf):
                self._one_fault(str(rng.choice(kinds)))
            if rng.random() < 0.3:
                self._burst()
        else:
            if rng.random() < 0.3:
                self._one_fault(str(rng.choice(["spike", "gap", "stuck", "drift", "dead", "battery_dropout"])))
            if rng.random() < 0.12:
                self._burst()
        # Sonic ranger echoes in snowfall / hail (spikes)
        if ("aws-cha-up", "snow_depth") in self.series and rng.random() < 0.1:
            self._one_fault("spike", key=("aws-cha-up", "snow_depth"))

    def _silence(self, sid, sensor, a, b, nan=False):
        for (s, se), ser in self.series.items():
            if s != sid or (sensor != "*" and se != sensor):
                continue
            m = (ser.times >= a) & (ser.times <= b)
            if nan:
                ser.values[m] = np.nan
            else:
                ser.keep[m] = False

    def _pick_sensor(self):
        # 60 % on the sensors that carry the hazard signal (lake level, stage, ground motion)
        hz = [k for k in self.series if k[1] in ("water_level", "stage", "ground_velocity")]
        other = [k for k in self.series if k not in hz and k[1] != "battery"]
        keys = hz if (hz and self.rng.random() < 0.6) or not other else other
        return keys[int(self.rng.integers(len(keys)))]

    def _one_fault(self, kind, key=None):
        rng = self.rng
        t = self.t
        t_a = float(rng.uniform(t[0] + 0.5 * 3600, t[-1] - 0.5 * 3600))
        end = float(t[-1])
        if kind == "battery_dropout":
            sid = list(self.site.stations)[int(rng.integers(len(self.site.stations)))]
            sag = rng.uniform(1, 3) * 3600
            t_a = float(rng.uniform(t[0] + 0.5 * 3600, max(t[0] + 0.6 * 3600, t[-1] - sag - 1800)))
            t_b = min(end, t_a + sag + rng.uniform(1, 6) * 3600)
            bk = (sid, "battery")
            if bk in self.series:
                ser = self.series[bk]
                m = (ser.times >= t_a) & (ser.times < t_a + sag)
                ser.values[m] = np.round(np.linspace(12.2, rng.uniform(10.2, 11.0), int(m.sum())), 2)
            self._silence(sid, "*", t_a + sag, t_b)
            self.faults.append({"station": sid, "sensor": "*", "kind": "battery_dropout", "start": t_a, "end": t_b})
            return
        key = key or self._pick_sensor()
        ser = self.series[key]
        st_sensor = next(s for s in self.site.stations[key[0]]["sensors"] if s["id"] == key[1])
        lo, hi = st_sensor.get("valid", [0, 1])
        span = hi - lo
        if kind == "spike":
            k = int(rng.integers(1, 6))
            idx = rng.choice(len(ser.values), size=min(k, len(ser.values)), replace=False)
            for i in idx:
                mag = rng.uniform(0.1, 0.6) * span * (1 if rng.random() < 0.6 else -1)
                ser.values[i] = round(float(np.nan_to_num(ser.values[i]) + mag), 4)
            ts = ser.times[idx]
            self.faults.append(
                {"station": key[0], "sensor": key[1], "kind": "spike", "start": float(ts.min()), "end": float(ts.max())}
            )
        elif kind == "stuck":
            t_b = min(end, t_a + rng.uniform(1, 6) * 3600)
            m = (ser.times >= t_a) & (ser.times <= t_b)
            if m.any():
                ser.values[m] = ser.values[np.argmax(m)]
            self.faults.append({"station": key[0], "sensor": key[1], "kind": "stuck", "start": t_a, "end": t_b})
        elif kind == "gap":
            t_b = min(end, t_a + rng.uniform(0.3, 4) * 3600)
            self._silence(key[0], key[1], t_a, t_b)
            self.faults.append({"station": key[0], "sensor": key[1], "kind": "gap", "start": t_a, "end": t_b})
        elif kind == "drift":
            m = ser.times >= t_a
            ramp = (ser.times[m] - t_a) / 86400.0 * rng.uniform(0.05, 0.3) * span * (1 if rng.random() < 0.6 else -1)
            ser.values[m] = np.round(ser.values[m] + ramp, 4)
            self.faults.append({"station": key[0], "sensor": key[1], "kind": "drift", "start": t_a, "end": end})
        elif kind == "dead":
            self._silence(key[0], key[1], t_a, end, nan=rng.random() < 0.5)
            self.faults.append({"station": key[0], "sensor": key[1], "kind": "dead", "start": t_a, "end": end})

    def _burst(self):
        rng = self.rng
        geos = [k for k in self.series if self.site.stations[k[0]].get("kind") == "geophone" and k[1] != "battery"]
        if not geos:
            return
        key = geos[int(rng.integers(len(geos)))]
        ser = self.series[key]
        t_a = float(rng.uniform(self.t[0] + 1800, self.t[-1] - 1800))
        what = rng.choice(["rockfall", "earthquake", "vehicle"], p=[0.5, 0.25, 0.25])
        dur = {"rockfall": rng.uniform(2, 10), "earthquake": rng.uniform(2, 4), "vehicle": rng.uniform(2, 5)}[what] * 60
        amp = float(np.exp(rng.uniform(math.log(0.05), math.log(8.0))))
        m = (ser.times >= t_a) & (ser.times <= t_a + dur)
        x = (ser.times[m] - t_a) / dur
        env = amp * np.exp(-3 * x) * (1 + 0.3 * rng.random(int(m.sum())))
        ser.values[m] = np.round(np.clip(np.sqrt(np.nan_to_num(ser.values[m]) ** 2 + env**2), 0, 500), 6)
        self.faults.append(
            {"station": key[0], "sensor": key[1], "kind": "burst", "start": t_a, "end": t_a + dur, "source": str(what)}
        )

    def _transport(self) -> pd.DataFrame:
        rng = self.rng
        frames = []
        for (sid, se), ser in self.series.items():
            if not ser.keep.any():
                continue
            frames.append(pd.DataFrame({"t": ser.times[ser.keep], "station": sid, "sensor": se, "value": ser.values[ser.keep]}))
        df = pd.concat(frames, ignore_index=True)
        nrow = len(df)
        arrival = df.t.to_numpy() + rng.uniform(0, 40, nrow)
        # GSM outages: a station's rows are buffered and arrive in a batch when the link returns
        n_out = int(rng.poisson(0.6 + 1.5 * (self.w.rain_up.max() > 5)))
        late = 0
        for _ in range(n_out):
            sid = list(self.site.stations)[int(rng.integers(len(self.site.stations)))]
            a = rng.uniform(self.t[0], self.t[-1])
            b = a + rng.uniform(0.2, 3) * 3600
            m = (df.station.to_numpy() == sid) & (df.t.to_numpy() >= a) & (df.t.to_numpy() < b)
            arrival[m] = b + rng.uniform(0, 120, int(m.sum()))
            late += int(m.sum())
        df["arrival"] = arrival
        # missing values and duplicates
        p_nan = rng.uniform(0.001, 0.01)
        nanm = rng.random(nrow) < p_nan
        vals = df.value.to_numpy().copy()
        vals[nanm] = np.nan
        df["value"] = vals
        p_dup = rng.uniform(0, 0.006)
        dup = df[rng.random(nrow) < p_dup].copy()
        dup["arrival"] = dup.arrival + np.where(
            rng.random(len(dup)) < 0.7, rng.uniform(0, 60, len(dup)), rng.uniform(600, 7200, len(dup))
        )
        df = pd.concat([df, dup], ignore_index=True).sort_values(["arrival", "t"], kind="stable").reset_index(drop=True)
        self.transport = {"nan": int(np.isnan(df.value.to_numpy()).sum()), "duplicates": len(dup), "late": late}
        return df

    # ---- truth ----------------------------------------------------------------------------------
    def _truth(self):
        t_start, t_end = float(self.t[0]), float(self.t[-1])
        tr: dict = {
            "id": f"blind{self.seed}-{self.kind}",
            "seed": self.seed,
            "file": f"blind{self.seed}-{self.kind}.csv",
            "kind": self.kind,
            "hazard": self.hazard,
            "lake": self.lake if self.kind == "glof" else None,
            "start": iso(t_start),
            "end": iso(t_end),
            "onset": None,
            "zones": [],
            "arrivals": {},
            "first_arrival": None,
            "volume_m3": None,
            "peak_discharge_m3s": None,
        }
        stations: dict[str, str] = {}
        if self.hazard:
            lake, src_km = self.src
            p = self.site.paths[lake]
            tr["onset"] = iso(self.onset)
            zs = sorted((c, z) for z, c in p.zones.items() if c > src_km)
            for _c, z in zs:
                if z in self.front:
                    tr["zones"].append(z)
                    tr["arrivals"][z] = iso(self.front[z])
            if tr["arrivals"]:
                tr["first_arrival"] = min(tr["arrivals"].values())
            tr["volume_m3"] = round(self.volume, 1)
            tr["peak_discharge_m3s"] = round(self.peak, 2)
            if self.kind == "glof":
                for sid, st in self.site.stations.items():
                    if st.get("lake") == lake:
                        stations[sid] = iso(self.onset)
            for sid, c in sorted(p.stations.items(), key=lambda kv: kv[1]):
                if c > src_km and sid in self.front:
                    stations[sid] = iso(self.front[sid])
            tr["source"] = {"flow_path": lake, "chainage_km": src_km}
            if zs and zs[0][1] in self.flood:
                z0 = zs[0][1]
                tr["peak_first_zone_m3s"] = round(float((self.flood[z0] + self.base[lake][z0]).max()), 2)
            else:
                tr["peak_first_zone_m3s"] = None
        else:
            tr["source"] = None
            tr["peak_first_zone_m3s"] = None
        tr["stations"] = stations
        self._truth_extras = True
        self.truth = tr

    def finish(self):
        df = self._transport()
        faults = sorted(self.faults, key=lambda f: f["start"])
        self.truth["faults"] = [
            {
                "station": f["station"],
                "sensor": f["sensor"],
                "kind": f["kind"],
                "start": iso(f["start"]),
                "end": iso(max(f["end"], f["start"])),
            }
            | ({"source": f["source"]} if "source" in f else {})
            for f in faults
        ]
        self.truth["transport"] = self.transport
        self.truth["quirks"] = self.quirks
        if self.w.storms:
            s = self.w.storms[0]
            self.truth["rain"] = {
                "start": iso(s.start),
                "duration_h": round(len(s.rate10) / 6, 2),
                "peak_mm_h": round(float(s.hourly.max()), 2),
                "total_mm": round(float(s.rate10.sum()), 1),
                "caine_ratio": round(s.caine_ratio, 3),
                "guzzetti_ratio": round(s.guzzetti_ratio, 3),
                "over_caine": bool(s.caine_ratio >= 1.0),
            }
        else:
            self.truth["rain"] = None
        prm = dict(self.params)
        if self.volume:
            v6 = self.volume / 1e6
            prm["formula_peaks_m3s"] = {
                "huggel2002": round(0.00077 * self.volume**1.017, 1),
                "evans1986": round(0.72 * self.volume**0.53, 1),
                "popov1991": round(0.0048 * self.volume**0.896, 1),
                "walder_costa1996_tunnel": round(46 * v6**0.66, 1),
                "clague_mathews1973": round(75 * v6**0.67, 1),
            }
        self.truth["params"] = prm
        self.frame = df
        return self

    def write_csv(self, out_dir: Path):
        df = self.frame
        ts = pd.to_datetime(np.round(df.t.to_numpy()).astype("int64"), unit="s", utc=True).strftime("%Y-%m-%dT%H:%M:%SZ")
        v = df.value.to_numpy()
        sv = np.array([f"{x:.6g}" for x in np.nan_to_num(v)], dtype=object)
        nanm = np.isnan(v)
        alt = np.cumsum(nanm) % 2 == 0
        sv[nanm & alt] = "NAN"
        sv[nanm & ~alt] = ""
        lines = ["time,station,sensor,value"]
        lines += [f"{a},{b},{c},{d}" for a, b, c, d in zip(ts, df.station.to_numpy(), df.sensor.to_numpy(), sv, strict=True)]
        (out_dir / self.truth["file"]).write_text("\n".join(lines) + "\n")


def draw_kind(seed: int) -> str:
    rng = np.random.default_rng([seed, 7])
    return str(rng.choice(list(MIX), p=list(MIX.values())))


def scenario(site: Site, seed: int, kind: str | None = None) -> Scenario:
    kind = kind or draw_kind(seed)
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")
    return Scenario(site, seed, kind).build().finish()


def generate(site: Site, seed: int, n: int, kinds: list[str] | None = None) -> list[Scenario]:
    out = []
    for i in range(n):
        k = kinds[i % len(kinds)] if kinds else None
        out.append(scenario(site, seed + i, k))
    return out


def write_all(scenarios: list[Scenario], out_dir: Path) -> None:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "truth.jsonl", "w") as fh:
        for s in scenarios:
            s.write_csv(out_dir)
            fh.write(json.dumps(s.truth) + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, default=BUNDLED_SITE)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=90_000_000)
    ap.add_argument("--n", type=int, default=150)
    ap.add_argument("--kinds", default=None, help="comma-separated kinds to cycle through (default: the mix)")
    a = ap.parse_args(argv)
    kinds = [k.strip() for k in a.kinds.split(",") if k.strip()] if a.kinds else None
    if kinds:
        bad = [k for k in kinds if k not in KINDS]
        if bad:
            ap.error(f"unknown kinds {bad}; choose from {','.join(KINDS)}")
    site = load_site(a.site)
    t0 = _time.perf_counter()
    a.out.mkdir(parents=True, exist_ok=True)
    with open(a.out / "truth.jsonl", "w") as fh:
        for i in range(a.n):
            s = scenario(site, a.seed + i, kinds[i % len(kinds)] if kinds else None)
            s.write_csv(a.out)
            fh.write(json.dumps(s.truth) + "\n")
    print(f"{a.n} scenarios in {a.out} ({_time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
