"""Physically based scenarios for any site: outbursts, debris flows, heavy rain, quiet days, faults.

A :class:`Scenario` is a few hours of long-form telemetry (``time,station,sensor,value``, DESIGN.md §3)
of every sensor of the site, plus a ``truth`` dict saying what happened (the contract of
``docs/scenarios.md``). Everything follows from the site file and a seed:

- **glof**: a lake (with a flow path) drains. Volume from the site (``volume_m3``) or its area
  (Huggel 2002), a drained fraction and a peak discharge drawn like the recorded outbursts
  (:mod:`glofwatch.sim.grounding`), a breach hydrograph (:class:`~glofwatch.sim.physics.Hydrograph`)
  and its front routed down the flow path (:class:`~glofwatch.sim.physics.Channel`, 2-10 m/s,
  slowing downstream, attenuating). The lake station's level falls by released volume / area; the
  station may be destroyed at the breach. Geophones surge as the front nears and passes; gauges rise.
- **debris_flow**: a storm at the weather stations crosses the Caine (1980) intensity-duration
  threshold; a debris flow (peak like the measured Illgraben flows, about half of Mizuyama 1992)
  starts at a chainage on a flow path and runs down it. No lake drop.
- **rain**: a storm, sometimes above the threshold, with no flow: gauges rise slowly with runoff.
- **quiet**: the background of :mod:`glofwatch.sim.day`.
- **fault**: a quiet or rainy day with 1-3 sensor faults on the hazard sensors.

Any scenario may also carry a fault and transport noise (NAN, duplicate, late rows), all declared
in the truth. Seeds < :data:`EVALUATION_SEED_START` are for training, the rest for evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd

from glofwatch.errors import GlofwatchError
from glofwatch.sim import faults as F
from glofwatch.sim.day import _signal
from glofwatch.sim.grounding import OutburstPrior, debris_flow_peak, default_prior, formula_peaks, huggel_volume
from glofwatch.sim.physics import (
    Channel,
    Hydrograph,
    caine_intensity,
    geophone_rms,
    stage_from_discharge,
)
from glofwatch.site.model import Lake, Site, Station

#: Seeds below this are for training (``glofwatch train``); evaluation uses seeds from here on.
EVALUATION_SEED_START = 1_000_000
#: The kind of the scenario of seed s is ``KIND_CYCLE[s % 10]``: any 10 consecutive seeds hold this mix.
KIND_CYCLE = ("glof", "debris_flow", "rain", "glof", "fault", "quiet", "glof", "debris_flow", "rain", "fault")
KINDS = ("glof", "debris_flow", "rain", "quiet", "fault", "maintenance")
# kinds made only when asked for (``--kind``): not in KIND_CYCLE, so that every seed's scenario stays what it was
ON_REQUEST = ("maintenance",)
HOURS = 6.0
MIN_MS = 60_000
HOUR_MS = 3_600_000


@dataclass(frozen=True)
class Physics:
    """The ranges a scenario's physics is drawn from (uniform over each range).

    ``default`` is what training uses. ``shifted`` moves every assumption (slower, more attenuated waves,
    flatter rating curves, quieter geophones, slower breaches, floods arriving as roll-wave surges,
    skewed logger clocks, more stations destroyed): scenarios "generated independently of our
    simulator" as far as one code base can, to measure how much detection leans on the default's
    particular choices.
    """

    name: str = "default"
    celerity_ms: tuple[float, float] = (3.0, 10.0)
    celerity_decay: tuple[float, float] = (0.0, 0.5)  # share of the source celerity lost by the farthest zone
    attenuation_km: tuple[float, float] = (15.0, 60.0)
    rating_c: tuple[float, float] = (20.0, 60.0)  # Q = C h^1.6 at gauges
    geophone_gain: tuple[float, float] = (0.3, 3.0)  # mm/s per (Q/100 m3/s)^0.8
    rise_share: tuple[float, float] = (0.15, 0.5)  # breach hydrograph rise, share of V0/Qp
    debris_rise_share: tuple[float, float] = (0.1, 0.3)
    lake_station_destroyed: float = 0.35  # probability the lake station is lost at the breach
    surges: int = 1  # > 1: the flood passes stations as this many surges (roll waves)
    clock_skew_s: float = 0.0  # each station's logger clock off by up to this many seconds


VARIANTS: dict[str, Physics] = {
    "default": Physics(),
    "shifted": Physics(name="shifted", celerity_ms=(2.0, 6.0), celerity_decay=(0.3, 0.8), attenuation_km=(8.0, 30.0),
                       rating_c=(40.0, 150.0), geophone_gain=(0.1, 1.0), rise_share=(0.3, 0.8),
                       debris_rise_share=(0.2, 0.5), lake_station_destroyed=0.6, surges=3, clock_skew_s=180.0),
}


def physics(variant: str | Physics | None) -> Physics:
    """A :class:`Physics` by name ('default', 'shifted'), or as given."""
    if isinstance(variant, Physics):
        return variant
    try:
        return VARIANTS[variant or "default"]
    except KeyError:
        raise GlofwatchError(f"unknown scenario variant {variant!r}; use one of {', '.join(VARIANTS)}") from None


def iso(t_ms: int | float) -> str:
    """Epoch ms -> ``2025-07-27T07:35:00Z``."""
    return datetime.fromtimestamp(int(t_ms) / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_array(t_ms: np.ndarray) -> np.ndarray:
    """Epoch ms -> ISO 8601 ``...Z`` strings, vectorised (numpy's formatter; pandas' strftime is 10x slower)."""
    return np.char.add(np.datetime_as_string(np.asarray(t_ms, dtype="datetime64[ms]").astype("datetime64[s]"), unit="s"),
                       "Z").astype(object)


def _ms(t: datetime) -> int:
    return int(round((t if t.tzinfo else t.replace(tzinfo=UTC)).timestamp() * 1000))


@dataclass
class Scenario:
    """One simulated scenario: ``telemetry`` (time, station, sensor, value; file order) and ``truth``."""

    id: str
    seed: int
    kind: str
    telemetry: pd.DataFrame
    truth: dict[str, Any]

    def write(self, out: Path) -> Path:
        """Write ``out/<id>.csv``; the truth line is written by :func:`write_all`.

        Missing values are written as loggers do, both ways: ``NAN`` and empty, alternately.
        """
        out.mkdir(parents=True, exist_ok=True)
        p = out / f"{self.id}.csv"
        v = self.telemetry["value"].to_numpy(dtype=float)
        text = np.char.mod("%.4f", np.nan_to_num(v)).astype(object)
        missing = np.flatnonzero(~np.isfinite(v))
        text[missing[0::2]] = "NAN"
        text[missing[1::2]] = ""
        self.telemetry.assign(value=text).to_csv(p, index=False)
        return p


def write_all(scenarios: list[Scenario], out: Path) -> Path:
    """Write every scenario's CSV and ``out/truth.jsonl`` (one truth object a line); returns the truth path."""
    out.mkdir(parents=True, exist_ok=True)
    for s in scenarios:
        s.write(out)
    truth = out / "truth.jsonl"
    truth.write_bytes(b"".join(orjson.dumps(s.truth) + b"\n" for s in scenarios))
    return truth


def read_truth(folder: Path) -> list[dict[str, Any]]:
    """The truth objects of a scenario folder (``folder/truth.jsonl``), with a clear error when missing."""
    p = Path(folder) / "truth.jsonl"
    if not p.exists():
        raise GlofwatchError(f"{p} not found: a scenario folder holds truth.jsonl and one CSV a scenario "
                             "(make one with `glofwatch simulate --out DIR`)")
    return [orjson.loads(line) for line in p.read_bytes().splitlines() if line.strip()]


# --- where things are along a flow path --------------------------------------------------------------------------
def path_stations(site: Site, lake_id: str) -> dict[str, float]:
    """Chainage (km) of every station on ``lake_id``'s flow path.

    A station declared on another lake's path counts too when the two paths share zones (the same
    river below a confluence): its chainage is shifted by the median difference of the shared zones'
    chainages. The simulator assumes such stations sit below the confluence.
    """
    fp = site.flow_path(lake_id)
    out: dict[str, float] = {}
    for st in site.stations:
        if st.flow_path is None:
            continue
        if st.flow_path.lake == lake_id:
            out[st.id] = st.flow_path.chainage_km
        elif fp is not None and (other := site.flow_path(st.flow_path.lake)) is not None:
            shared = set(fp.zones) & set(other.zones)
            if shared:
                shift = float(np.median([fp.zones[z] - other.zones[z] for z in shared]))
                if st.flow_path.chainage_km + shift >= 0:
                    out[st.id] = st.flow_path.chainage_km + shift
    return out


def rain_share(site: Site, station: Station, *, scale_km: float = 25.0) -> float:
    """Share of the storm measured at the weather stations that falls around ``station``: exp(-d / 25 km),
    d the distance to the nearest weather station (1 when the site has none): storms are local."""
    weather = [w for w in site.stations if w.kind == "weather"]
    if not weather:
        return 1.0
    lon, lat = station.location
    d = min(np.hypot((w.location[0] - lon) * 111.32 * np.cos(np.radians(lat)), (w.location[1] - lat) * 110.57)
            for w in weather)
    return float(np.exp(-d / scale_km))


def lake_station(site: Site, lake_id: str) -> str | None:
    for st in site.stations:
        if st.kind == "lake" and st.lake == lake_id:
            return st.id
    return None


def lake_area(lake: Lake) -> tuple[float, float]:
    """(area m2, volume m3) of a lake: the site's values, volume from area by Huggel (2002), area back from volume."""
    if lake.area_m2:
        return float(lake.area_m2), float(lake.volume_m3 or huggel_volume(lake.area_m2))
    if lake.volume_m3:
        return float((lake.volume_m3 / 0.104) ** (1 / 1.42)), float(lake.volume_m3)
    return 50_000.0, float(huggel_volume(50_000.0))  # unmapped lake: a typical small moraine lake


# --- the scenario builder ----------------------------------------------------------------------------------------
class _Build:
    """Background series of every sensor, changed in place by the event and faults, then assembled."""

    def __init__(self, site: Site, start_ms: int, hours: float, rng: np.random.Generator, phys: Physics):
        self.site, self.start, self.rng, self.phys = site, start_ms, rng, phys
        self.end = start_ms + int(hours * HOUR_MS)
        self.series: F.Store = {}
        for st in site.stations:
            for se in st.sensors:
                t = np.arange(start_ms, self.end, se.interval_s * 1000, dtype=np.int64)
                self.series[(st.id, se.id)] = F.Series.of(t, _signal(st, se, t, rng), se.valid)
        self.faults: list[F.Fault] = []

    def get(self, station: str, sensor: str) -> F.Series | None:
        return self.series.get((station, sensor))

    def add_fault(self, kind: str, station: str, sensor: str, t0: int) -> None:
        self.faults.append(F.FAULTS[kind](self.series, station, sensor, int(t0), self.end, self.rng))

    def storm(self, t0: int, duration_h: float, intensity_mmh: float) -> dict[str, Any]:
        """Rain at every weather station (the upper ones wetter), humidity up, temperature down, and runoff."""
        rng = self.rng
        weather = [st for st in self.site.stations if st.kind == "weather"]
        elev = np.array([st.elevation_m or 2000.0 for st in weather])
        rank = (elev - elev.min()) / max(np.ptp(elev), 1.0) if len(elev) else elev
        total_mm = intensity_mmh * duration_h
        for st, r in zip(weather, rank, strict=True):
            factor = 0.4 + 0.6 * r + rng.uniform(-0.1, 0.1)
            if (s := self.get(st.id, "precipitation")) is not None:
                x = (s.t - t0) / (duration_h * HOUR_MS)
                inside = (x >= 0) & (x < 1)
                shape = np.where(inside, np.sin(np.pi * np.clip(x, 0, 1)) ** 1.5, 0.0)
                w = shape * rng.lognormal(0, 0.35, len(s.t))
                amount = np.where(inside, w / max(w.sum(), 1e-9) * total_mm * factor, 0.0)
                s.v = np.clip(s.v * (~inside) + np.round(amount, 1), s.lo, s.hi)
            if (s := self.get(st.id, "relative_humidity")) is not None:
                wet = (s.t >= t0) & (s.t < t0 + duration_h * HOUR_MS + HOUR_MS)
                s.v[wet] = np.clip(rng.uniform(92, 100, wet.sum()), 0, 100)
            if (s := self.get(st.id, "air_temperature")) is not None:
                s.v -= rng.uniform(2, 4) * np.clip((s.t - t0) / HOUR_MS, 0, 1)
        # runoff: a delayed, smoothed response at every gauge (rational method Q = C i A / 3.6 with a runoff
        # coefficient 0.1-0.35 over 20-80 km2: a storm flood of tens of m3/s, the classic false alarm for
        # a gauge); rain noise on geophones; a few cm on lakes. Catchment draws come from their own stream.
        own = np.random.default_rng([t0, 4])
        runoff_peak = own.uniform(0.1, 0.3) * intensity_mmh * own.uniform(20, 60) / 3.6 * rng.uniform(0.5, 1.5)
        rating = own.uniform(*self.phys.rating_c)
        lag = rng.uniform(0.5, 1.5) * HOUR_MS
        for st in self.site.stations:
            near = rain_share(self.site, st)  # a storm is local: a valley 30 km away gets a quarter of it
            for sensor, s in ((k[1], v) for k, v in self.series.items() if k[0] == st.id):
                x = (s.t - t0 - lag) / (duration_h * HOUR_MS + HOUR_MS)
                pulse = np.where(x > 0, np.clip(x, 0, None) * np.exp(1 - np.clip(x, 0, None)), 0.0)
                if sensor == "stage":
                    s.v = np.clip(s.v + stage_from_discharge(near * runoff_peak * pulse, rating_c=rating), s.lo, s.hi)
                elif sensor == "ground_velocity":
                    rain = (s.t >= t0) & (s.t < t0 + duration_h * HOUR_MS)
                    s.v[rain] *= 1.0 + near * 0.03 * intensity_mmh * rng.uniform(0.5, 1.5)
                elif sensor == "water_level" and st.kind == "lake":
                    s.v += near * total_mm * rng.uniform(2, 5) / 1000 * np.clip((s.t - t0) / (duration_h * HOUR_MS), 0, 1)
        return {"start": iso(t0), "duration_h": round(duration_h, 2), "intensity_mm_h": round(intensity_mmh, 2),
                "total_mm": round(total_mm, 1), "caine_mm_h": round(float(caine_intensity(duration_h)), 2),
                "runoff_peak_m3s": round(float(runoff_peak), 1)}

    def flood(self, path_lake: str, source_km: float, onset: int, hydro: Hydrograph, ch: Channel,
              *, destroy_share: float = 0.15) -> dict[str, int]:
        """Route ``hydro`` from ``source_km`` down ``path_lake``'s path past every station below it; arrivals in ms."""
        rng, phys = self.rng, self.phys
        arrivals: dict[str, int] = {}
        surges = None
        if phys.surges > 1:  # volume shares and lags (s) of roll waves; the first one is the front
            own = np.random.default_rng([onset, 2])
            lags = np.concatenate([[0.0], np.cumsum(own.uniform(120, 900, phys.surges - 1))])
            surges = list(zip(own.dirichlet(np.full(phys.surges, 2.0)), lags, strict=True))
        for sid, x in path_stations(self.site, path_lake).items():
            if x < source_km:
                continue
            dx = x - source_km
            travel = float(ch.travel_s(dx)[0])
            arrive = onset + int(travel * 1000)
            arrivals[sid] = arrive
            stretch = 1.0 / ch.peak_factor(dx)
            for sensor in ("stage", "ground_velocity"):
                s = self.get(sid, sensor)
                if s is None:
                    continue
                dt = (s.t - arrive) / 1000.0
                q = hydro.discharge(dt, stretch=stretch) if surges is None else \
                    sum(share * hydro.discharge(dt - lag, stretch=stretch) for share, lag in surges)
                if sensor == "stage":
                    s.v = np.clip(s.v + stage_from_discharge(q, rating_c=rng.uniform(*phys.rating_c)), s.lo, s.hi)
                else:
                    ts = (s.t - onset) / 1000.0
                    front = ch.front_km(ts, x_max_km=dx + 5.0)
                    approach = np.where((ts >= 0) & (s.t < arrive), dx - front, np.nan)
                    extra = geophone_rms(q, approach, hydro.peak_m3s / stretch, gain=rng.uniform(*phys.geophone_gain))
                    s.v = np.clip(s.v + extra * rng.lognormal(0, 0.25, len(s.t)), s.lo, s.hi)
            if rng.random() < destroy_share and hydro.peak_m3s / stretch > 150:
                self.add_fault("destroyed", sid, F.STATION, arrive + int(rng.uniform(1, 10) * MIN_MS))
        return arrivals

    def telemetry(self) -> pd.DataFrame:
        """The kept rows of every series, sorted by (time, station, sensor) with one numpy lexsort."""
        keys = sorted(self.series)  # (station, sensor) in name order: its index is the tie-break rank
        parts = [self.series[k] for k in keys]
        t = np.concatenate([s.t[s.keep] for s in parts])
        v = np.concatenate([s.v[s.keep] for s in parts])
        code = np.concatenate([np.full(int(s.keep.sum()), i) for i, s in enumerate(parts)])
        order = np.lexsort((code, t))
        code = code[order]
        names = np.array(keys, dtype=object)
        return pd.DataFrame({"t_ms": t[order], "station": names[code, 0], "sensor": names[code, 1],
                             "value": np.round(v[order], 4)})


def _start(rng: np.random.Generator) -> int:
    """A start in the outburst season (June-September), on the hour."""
    day = datetime(int(rng.integers(2024, 2029)), 6, 1, tzinfo=UTC) + timedelta(days=int(rng.integers(0, 122)))
    return _ms(day + timedelta(hours=int(rng.integers(0, 24))))


def _channel(rng: np.random.Generator, length_km: float, phys: Physics) -> Channel:
    return Channel(c0_ms=float(rng.uniform(*phys.celerity_ms)), decay=float(rng.uniform(*phys.celerity_decay)),
                   length_km=length_km, attenuation_km=float(rng.uniform(*phys.attenuation_km)))


def _base_truth(sid: str, seed: int, kind: str, start: int) -> dict[str, Any]:
    return {"id": sid, "seed": seed, "kind": kind, "hazard": None, "lake": None, "start": iso(start), "end": None,
            "onset": None, "zones": [], "arrivals": {}, "first_arrival": None, "volume_m3": None,
            "peak_discharge_m3s": None, "faults": [], "transport": {"nan": 0, "duplicates": 0, "late": 0},
            "file": f"{sid}.csv"}


def _finish(b: _Build, truth: dict[str, Any], *, noise: bool) -> Scenario:
    rng = b.rng
    if b.phys.clock_skew_s > 0:  # loggers with wrong clocks: their rows are stamped off (truth keeps true times)
        own = np.random.default_rng([truth["seed"], 3])
        skew = {st.id: int(own.uniform(-b.phys.clock_skew_s, b.phys.clock_skew_s)) for st in b.site.stations}
        for (st, _), ser in b.series.items():
            ser.t = ser.t + skew[st] * 1000
        truth["clock_skew_s"] = skew
    truth["variant"] = b.phys.name
    df = b.telemetry()
    if noise:
        df, counts = F.transport_noise(df, rng, nan_share=float(rng.uniform(0, 0.004)),
                                       dup_share=float(rng.uniform(0, 0.01)),
                                       late_share=float(rng.uniform(0.002, 0.01)) if rng.random() < 0.5 else 0.0)
        truth["transport"] = counts
    truth["faults"] = [f.to_dict() for f in sorted(b.faults, key=lambda f: f.start_ms)]
    truth["end"] = iso(b.end)
    df.insert(0, "time", iso_array(df.pop("t_ms").to_numpy()))
    return Scenario(id=truth["id"], seed=truth["seed"], kind=truth["kind"], telemetry=df, truth=truth)


def _zones_below(site: Site, path_lake: str, source_km: float) -> dict[str, float]:
    fp = site.flow_path(path_lake)
    return {z: ch for z, ch in sorted((fp.zones if fp else {}).items(), key=lambda kv: kv[1]) if ch >= source_km}


def _record_arrivals(truth: dict[str, Any], onset: int, zone_ms: dict[str, int], station_ms: dict[str, int]) -> None:
    truth["onset"] = iso(onset)
    truth["zones"] = list(zone_ms)
    truth["arrivals"] = {z: iso(t) for z, t in zone_ms.items()}
    truth["first_arrival"] = iso(min(zone_ms.values())) if zone_ms else None
    truth["stations"] = {s: iso(t) for s, t in sorted(station_ms.items(), key=lambda kv: kv[1])}


def _glof(site: Site, seed: int, rng: np.random.Generator, start: int, lake: Lake, prior: OutburstPrior, phys: Physics,
          *, onset_after_min: float | None = None, destroy: bool | None = None) -> tuple[_Build, dict[str, Any]]:
    fp = site.flow_path(lake.id)
    if fp is None or not fp.zones:
        raise GlofwatchError(f"lake {lake.id!r} has no flow path with zones in site {site.id!r}; "
                             "add one under flow_paths: so its outburst can be routed")
    area, vol = lake_area(lake)
    frac = prior.drained_fraction(lake.dam, rng)
    v0 = vol * frac
    qp = prior.peak_discharge(v0, lake.dam, rng)
    hydro = Hydrograph.from_volume(v0, qp, rise_share=float(rng.uniform(*phys.rise_share)))
    zones = _zones_below(site, lake.id, 0.0)
    ch = _channel(rng, max(zones.values()), phys)
    onset = start + int((onset_after_min if onset_after_min is not None else rng.uniform(45, 120)) * MIN_MS)
    zone_ms = {z: onset + int(float(ch.travel_s(x)[0]) * 1000) for z, x in zones.items()}
    drain_95 = onset + int((hydro.rise_s + 3 * hydro.recession_s) * 1000)
    hours = max(HOURS, (max(max(zone_ms.values()) + 45 * MIN_MS, min(drain_95, onset + 8 * HOUR_MS)) - start) / HOUR_MS)
    b = _Build(site, start, float(np.ceil(hours * 6) / 6), rng, phys)
    lake_st = lake_station(site, lake.id)
    drop = 0.0
    if lake_st and (s := b.get(lake_st, "water_level")) is not None:
        released = hydro.released((s.t - onset) / 1000.0)
        s.v = np.clip(s.v - released / area, s.lo, s.hi)
        drop = float(released[-1] / area)
        if destroy if destroy is not None else rng.random() < phys.lake_station_destroyed:
            b.add_fault("destroyed", lake_st, F.STATION, onset + int(rng.uniform(0, 10) * MIN_MS))
    station_ms = b.flood(lake.id, 0.0, onset, hydro, ch)
    truth = _base_truth(f"s{seed:07d}-glof", seed, "glof", start)
    truth.update(hazard="glof", lake=lake.id, volume_m3=round(v0), peak_discharge_m3s=round(qp, 1),
                 peak_first_zone_m3s=round(qp * ch.peak_factor(min(zones.values())), 1))
    _record_arrivals(truth, onset, zone_ms, station_ms)
    truth["source"] = {"flow_path": lake.id, "chainage_km": 0.0}
    truth["params"] = {
        "dam": lake.dam, "lake_area_m2": round(area), "lake_volume_m3": round(vol), "drained_fraction": round(frac, 3),
        "rise_s": round(hydro.rise_s), "recession_s": round(hydro.recession_s), "lake_station": lake_st,
        "level_drop_m": round(drop, 3), "celerity_ms": round(ch.c0_ms, 2), "celerity_decay": round(ch.decay, 3),
        "attenuation_km": round(ch.attenuation_km, 1),
        "qp_formulas_m3s": {k: round(v, 1) for k, v in formula_peaks(v0, lake.dam).items()},
    }
    return b, truth


def _storm_params(rng: np.random.Generator, *, above: bool) -> tuple[float, float]:
    d = float(rng.uniform(1.0, 4.0))
    factor = rng.uniform(1.2, 2.5) if above else rng.uniform(0.4, 1.6)
    return d, float(caine_intensity(d) * factor)


def _debris_flow(site: Site, seed: int, rng: np.random.Generator, start: int, phys: Physics) -> tuple[_Build, dict[str, Any]]:
    paths = [fp for fp in site.flow_paths if fp.zones]
    if not paths:
        raise GlofwatchError(f"site {site.id!r} has no flow path with zones: a debris flow needs one")
    fp = paths[int(rng.integers(len(paths)))]
    d_h, i_mmh = _storm_params(rng, above=True)
    rain0 = start + int(rng.uniform(20, 60) * MIN_MS)
    # the flow starts once the storm's mean intensity so far crosses Caine's threshold, plus 5-40 min
    steps = np.arange(1, int(d_h * 6) + 1) / 6.0
    shape = np.sin(np.pi * np.clip(steps / d_h, 0, 1)) ** 1.5
    cum = np.cumsum(shape / shape.sum() * i_mmh * d_h)
    crossed = np.flatnonzero(cum / steps >= caine_intensity(steps))
    t_cross = steps[crossed[0]] if len(crossed) else d_h / 2
    onset = rain0 + int((t_cross * 60 + rng.uniform(5, 40)) * MIN_MS)
    # the flow starts above at least one station of the path (when it has any), so sensors can see it
    on_path = [x for x in path_stations(site, fp.lake).values() if x > 1.5]
    top = min(0.8 * min(fp.zones.values()), max(on_path) - 0.5 if on_path else np.inf)
    src = float(rng.uniform(1.0, max(top, 1.0)))
    volume = float(np.exp(rng.uniform(np.log(1e4), np.log(3e5))))
    # peak like the measured Illgraben flows: about half of Mizuyama (1992), with their spread
    qp = debris_flow_peak(volume, float(rng.uniform()))
    hydro = Hydrograph.from_volume(volume, qp, rise_share=float(rng.uniform(*phys.debris_rise_share)))
    zones = _zones_below(site, fp.lake, src)
    ch = _channel(rng, max(zones.values()), phys)
    zone_ms = {z: onset + int(float(ch.travel_s(x - src)[0]) * 1000) for z, x in zones.items()}
    hours = max(HOURS, (max(zone_ms.values()) + 60 * MIN_MS - start) / HOUR_MS)
    b = _Build(site, start, float(np.ceil(hours * 6) / 6), rng, phys)
    storm = b.storm(rain0, d_h, i_mmh)
    station_ms = b.flood(fp.lake, src, onset, hydro, ch)
    truth = _base_truth(f"s{seed:07d}-debris_flow", seed, "debris_flow", start)
    truth.update(hazard="debris_flow", lake=None, volume_m3=round(volume), peak_discharge_m3s=round(qp, 1),
                 peak_first_zone_m3s=round(qp * ch.peak_factor(min(zones.values()) - src), 1))
    _record_arrivals(truth, onset, zone_ms, station_ms)
    truth["source"] = {"flow_path": fp.lake, "chainage_km": round(src, 2)}
    truth["rain"] = storm
    truth["params"] = {"celerity_ms": round(ch.c0_ms, 2), "celerity_decay": round(ch.decay, 3),
                       "attenuation_km": round(ch.attenuation_km, 1), "rise_s": round(hydro.rise_s)}
    return b, truth


def _hazard_sensor_fault(b: _Build, rng: np.random.Generator, *, prefer_hazard: bool, kinds: tuple[str, ...]) -> None:
    kind = kinds[int(rng.integers(len(kinds)))]
    pick = F.pick_sensor(b.site, kind, rng, prefer_hazard=prefer_hazard)
    if pick:
        b.add_fault(kind, pick[0], pick[1], b.start + int(rng.uniform(0.1, 0.8) * (b.end - b.start)))


def _maintenance(b: _Build, truth: dict[str, Any], rng: np.random.Generator) -> None:
    """One or two technician visits to hazard stations (:func:`glofwatch.sim.faults.visit`), each told to the system as
    the maintenance window the duty officer opens (a few minutes before the work to a few minutes after it):
    ``truth["maintenance"]``, which ``glofwatch evaluate`` hands to replay (``--no-maintenance``: withheld)."""
    hazard = [st.id for st in b.site.stations if st.kind in ("lake", "gauge", "geophone")]
    truth["maintenance"] = []
    for st in rng.choice(hazard, size=min(len(hazard), int(rng.integers(1, 3))), replace=False).tolist():
        t0 = b.start + int(rng.uniform(0.15, 0.6) * (b.end - b.start))
        f, t1 = F.visit(b.series, st, t0, b.end, rng)
        b.faults.append(f)
        truth["maintenance"].append({"station": st, "sensor": None, "start": iso(t0 - int(rng.uniform(1, 15)) * MIN_MS),
                                     "end": iso(t1 + int(rng.uniform(1, 15)) * MIN_MS), "reason": "sensor re-mounted"})


def scenario(site: Site, seed: int, *, kind: str | None = None, prior: OutburstPrior | None = None,
             variant: str | Physics | None = None) -> Scenario:
    """The scenario of ``seed`` (its kind is ``KIND_CYCLE[seed % 10]`` unless ``kind`` is given) under the
    physics ``variant`` (default: 'default'; see :class:`Physics`)."""
    phys = physics(variant)
    kind = kind or KIND_CYCLE[seed % len(KIND_CYCLE)]
    if kind not in KINDS:
        raise GlofwatchError(f"unknown scenario kind {kind!r}; use one of {', '.join(KINDS)}")
    prior = prior or default_prior()
    rng = np.random.default_rng(seed)
    start = _start(rng)
    if kind == "glof":
        lakes = [lk for lk in site.lakes if (fp := site.flow_path(lk.id)) is not None and fp.zones]
        if not lakes:
            raise GlofwatchError(f"site {site.id!r} has no lake with a flow path and zones: nothing can burst")
        b, truth = _glof(site, seed, rng, start, lakes[int(rng.integers(len(lakes)))], prior, phys)
    elif kind == "debris_flow":
        b, truth = _debris_flow(site, seed, rng, start, phys)
    else:
        b = _Build(site, start, HOURS, rng, phys)
        truth = _base_truth(f"s{seed:07d}-{kind}", seed, kind, start)
        if kind == "rain" or (kind == "fault" and rng.random() < 0.3):
            d_h, i_mmh = _storm_params(rng, above=rng.random() < 0.5)
            truth["rain"] = b.storm(start + int(rng.uniform(20, 120) * MIN_MS), d_h, i_mmh)
        if kind == "maintenance":
            _maintenance(b, truth, rng)
        if kind == "fault":
            for _ in range(int(rng.integers(1, 4))):
                _hazard_sensor_fault(b, rng, prefer_hazard=True, kinds=tuple(F.DRAWABLE))
            # a geophone burst in 30 % of fault scenarios, from its own random stream so that adding it
            # changed no other draw (training and evaluation scenarios made before stay the same)
            extra = np.random.default_rng([seed, 1])
            geos = [k for k in b.series if k[1] == "ground_velocity"]
            if geos and extra.random() < 0.3:
                st, se = geos[int(extra.integers(len(geos)))]
                b.faults.append(F.FAULTS["burst"](b.series, st, se, b.start + int(extra.uniform(0.1, 0.8) * (b.end - b.start)),
                                                  b.end, extra))
    if kind != "fault" and rng.random() < 0.3:
        _hazard_sensor_fault(b, rng, prefer_hazard=False, kinds=("spike", "gap", "stuck", "battery_dropout"))
    return _finish(b, truth, noise=rng.random() < 0.7)


def supported_kinds(site: Site) -> tuple[str, ...]:
    """The kinds ``site`` can host: outbursts need a lake with a flow path with zones, debris flows a flow path,
    maintenance a lake, gauge or geophone station."""
    paths = [fp for fp in site.flow_paths if fp.zones]
    out = [k for k in KINDS if k not in ("glof", "debris_flow", *ON_REQUEST)]
    if any(site.lake_by_id.get(fp.lake) for fp in paths):
        out.append("glof")
    if paths:
        out.append("debris_flow")
    if any(st.kind in ("lake", "gauge", "geophone") for st in site.stations):
        out.append("maintenance")
    return tuple(k for k in KINDS if k in out)


def generate(site: Site, *, seed: int, n: int, kinds: tuple[str, ...] | None = None,
             variant: str | Physics | None = None) -> list[Scenario]:
    """``n`` scenarios with seeds ``seed .. seed+n-1`` (each reproducible alone from its seed).

    ``kinds`` restricts the mix: seeds whose cycle kind is not in it (or that the site cannot host, see
    :func:`supported_kinds`) are skipped until ``n`` are made, unless kinds made only on request (``ON_REQUEST``:
    maintenance) were asked for, which those seeds make in turn. ``variant``: the physics (:data:`VARIANTS`).
    """
    cycle = kinds or tuple(k for k in KINDS if k not in ON_REQUEST)
    allowed = set(cycle) & set(supported_kinds(site))
    if not allowed:
        raise GlofwatchError(f"site {site.id!r} cannot host scenarios of kind {', '.join(cycle)}: outbursts need a "
                             "lake with a flow path with zones, debris flows a flow path, maintenance a lake, gauge or "
                             "geophone station (see docs/site-format.md)")
    extra = [k for k in KINDS if k in allowed and k in ON_REQUEST]
    prior = default_prior()
    out: list[Scenario] = []
    s = seed
    while len(out) < n:
        if KIND_CYCLE[s % len(KIND_CYCLE)] in allowed:
            out.append(scenario(site, s, prior=prior, variant=variant))
        elif extra:
            out.append(scenario(site, s, kind=extra[s % len(extra)], prior=prior, variant=variant))
        s += 1
    return out


def outburst(site: Site, lake: str, *, seed: int, start: datetime, onset_after: timedelta = timedelta(hours=1),
             destroy_station: bool | None = None, noise: bool = False) -> Scenario:
    """An outburst of ``lake`` (e.g. ``cha-1`` of the reference site) beginning ``onset_after`` after ``start``.

    Used by ``glofwatch demo``. ``destroy_station`` forces (True) or forbids (False) the loss of the lake
    station at the breach; ``noise`` adds transport noise. No other fault is added.
    """
    lk = site.lake_by_id.get(lake)
    if lk is None:
        raise GlofwatchError(f"lake {lake!r} not in site {site.id!r}; lakes: {', '.join(site.lake_by_id) or 'none'}")
    rng = np.random.default_rng(seed)
    b, truth = _glof(site, seed, rng, _ms(start), lk, default_prior(), physics(None),
                     onset_after_min=onset_after.total_seconds() / 60, destroy=destroy_station)
    truth["id"] = f"outburst-{lake}-{seed}"
    truth["file"] = f"{truth['id']}.csv"
    return _finish(b, truth, noise=noise)
