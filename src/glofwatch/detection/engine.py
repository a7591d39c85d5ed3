"""The detection engine: the one code path behind replay and the live listener.

State: one :class:`~glofwatch.detection.series.SensorState` per sensor (the whole file in replay, a
bounded buffer live) and one :class:`~glofwatch.detection.policy.SourceState` per source, plus what a
feature counts over ticks (how long the path's geophones have been triggered: ``geo_off``), carried
from one evaluation to the next so that live (a few ticks a call) and replay (one call) agree.
:meth:`Engine.evaluate` takes evaluation instants (*ticks*) and, vectorised over them, computes each
source's evidence (:mod:`~glofwatch.detection.features`), scores it (fusion model or the thresholds
baseline), adds ``watch`` precursors, and runs the decision policy, which emits
:class:`~glofwatch.detection.decision.Decision` objects with explanation and impact.

Ticks: every reading belongs to the tick ``ceil(t / 60 s) * 60 s``; a tick is evaluated once, over
the readings at or before it. Replay evaluates the ticks of all readings; live evaluates, after each
stored batch, the ticks of its readings newer than the last evaluated one. With readings arriving in
event-time order the two are identical (tests/detection/test_live.py); a reading that arrives after
its tick was evaluated (late) is used from the next tick on, which is all a live system can do.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from glofwatch.clock import iso
from glofwatch.detection.decision import Decision
from glofwatch.detection.detectors import SENSOR_DETECTORS
from glofwatch.detection.detectors import get as get_detector
from glofwatch.detection.detectors.base import Evidence, hhmm
from glofwatch.detection.detectors.level_slide import SLIDE_WATCH_M
from glofwatch.detection.detectors.spillway import NEAR_M, RISING_M
from glofwatch.detection.detectors.station_silent import StationSilent
from glofwatch.detection.detectors.warm_spell import WARM_C
from glofwatch.detection.features import SourceFeatures, _by_station, battery_flat, source_features, station_missed
from glofwatch.detection.impact import arrivals
from glofwatch.detection.policy import LEVEL_NAMES, SourceState, run
from glofwatch.detection.series import SensorState
from glofwatch.detection.sources import Source, Topology
from glofwatch.site.model import Site
from glofwatch.telemetry.batch import SiteIndex
from glofwatch.telemetry.maintenance import Window, spans
from glofwatch.telemetry.qc import TimeLimits, check_series

GRID_MS = 60_000
WARNING = 3
EVACUATE = 4
# an outburst at this level explains what another source of its valley sees: a debris flow's evidence from the warning
# on (the same wave, no second alert); a sibling lake's only once it evacuates (a lake whose station shows it full
# warns on the shaking below while the unwatched lake that burst must still evacuate: a blind red-team flotation
# of cha-2 was only warned for, cha-1's warning held its evacuation back). A flow whose own evidence stands higher than
# the outburst's level is not held back: the fourth red-team generator's storm floods, read by the model as cha-2 or
# cak-1 draining at WARNING, held 63 of 586 debris flows' evacuations back (BENCHMARKS "Stop 29")
BUSY_FLOW = WARNING
BUSY_SIBLING = EVACUATE
# an evaluation of this many ticks or more (a replay's, a day is 1 440) scores its sources in threads
PARALLEL_TICKS = 2_000


def threads_for(n: int) -> int:
    """Threads for ``n`` independent pieces of numpy work: one per core this process may run on, at most ``n``."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(n, cores))


def ceil_ticks(t_ms: np.ndarray) -> np.ndarray:
    return -(-t_ms // GRID_MS) * GRID_MS


def make_scorer(detector: str, model: Any = None) -> Any:
    if detector == "thresholds":
        from glofwatch.detection.thresholds import ThresholdScorer

        return ThresholdScorer()
    if detector == "fusion":
        from glofwatch.detection.fusion import FusionScorer

        return FusionScorer(model)
    raise ValueError(f"unknown detector {detector!r}; use 'fusion' (the learned model) or 'thresholds' (the baseline)")


def precursors(src: Source, raw: dict[str, np.ndarray], *, stay: bool = False) -> np.ndarray:
    """``watch`` where a precursor holds: lake near/over its spillway and rising, a warm spell, a lake level sliding
    down for hours (level_slide: a slow drainage or a drifting sensor); heavy rain.

    ``stay``: the looser condition that keeps a watch in force (hysteresis: no watch/all-clear flapping
    while a lake hovers at its spillway or the rain eases for a moment).
    """
    with np.errstate(invalid="ignore"):
        if src.hazard == "glof":
            free, rise = raw["freeboard"], raw["rise6h"]
            if stay:
                w = (free <= 2 * NEAR_M) | (raw["t_lake"] >= WARM_C - 1.0) | (raw["lake_slide"] >= SLIDE_WATCH_M / 2)
            else:
                w = (free <= 0.0) | ((free <= NEAR_M) & (rise >= RISING_M)) | (raw["t_lake"] >= WARM_C) | \
                    (raw["lake_slide"] >= SLIDE_WATCH_M)
        else:
            w = raw["rain_g"] >= (0.5 if stay else 1.0)
    return np.where(w, 2, 0).astype(np.int8)


class Engine:
    """Detection for one site. ``detector``: ``fusion`` (default) or ``thresholds`` (the baseline)."""

    def __init__(self, site: Site, *, detector: str = "fusion", model: Any = None):
        self.site = site
        self.detector = detector
        self.index = SiteIndex(site)
        self.topology = Topology(site)
        self.scorer = make_scorer(detector, model)
        self.detectors = [get_detector(n) for n in SENSOR_DETECTORS]
        self.states: dict[int, SensorState] = {}
        self.sources: dict[str, SourceState] = {s.id: SourceState() for s in self.topology.sources}
        self.last_zones: dict[str, list[str]] = {}
        self.last_tick: int | None = None
        self.geo_off: dict[str, tuple[int, bool] | None] = {}  # per source: geo_run's state carried across evaluations
        self.maintenance: list[Window] = []  # maintenance windows (glofwatch.telemetry.maintenance)

    # -- sensor state ------------------------------------------------------------------------
    def state(self, key: int) -> SensorState:
        s = self.states.get(key)
        if s is None:
            st_id, se_id = self.index.keys[key]
            station = self.site.station_by_id[st_id]
            sensor = station.sensor(se_id)
            assert sensor is not None
            dets = [d for d in self.detectors if d.applies(station, sensor)]
            s = self.states[key] = SensorState(station, sensor, dets)
            s.maint = spans(self.maintenance, st_id, se_id)
        return s

    def set_maintenance(self, windows: list[Window]) -> bool:
        """Use these maintenance windows from now on (all of the site's that may matter: in force, ended within a
        buffer's length, planned). Sensors whose windows changed are derived again. Returns whether any changed."""
        self.maintenance = list(windows)
        changed = False
        for s in self.states.values():
            sp = spans(self.maintenance, s.station.id, s.sensor.id)
            if not np.array_equal(sp, s.maint):
                s.maint = sp
                s.derive()
                changed = True
        return changed

    def load(self, key: int, t: np.ndarray, v: np.ndarray, flags: np.ndarray) -> None:
        """Replace a sensor's series (replay: the whole file, already sorted, unique and QC'd)."""
        s = self.state(key)
        s.t, s.v, s.flags = t, v, flags
        s.derive()

    def add(self, key: int, t: np.ndarray, v: np.ndarray, flags: np.ndarray) -> None:
        """Merge new stored readings into a sensor's live buffer, re-run QC over it, trim, derive."""
        s = self.state(key)
        o = np.argsort(t, kind="stable")
        t, v, flags = t[o], v[o], flags[o]
        if len(s.t):
            new = ~np.isin(t, s.t)
            t, v, flags = t[new], v[new], flags[new]
            t = np.r_[s.t, t]
            v = np.r_[s.v, v]
            flags = np.r_[s.flags, flags].astype(np.int32)
            o = np.argsort(t, kind="stable")
            t, v, flags = t[o], v[o], flags[o]
        first = np.r_[True, t[1:] != t[:-1]] if len(t) else np.array([], dtype=bool)
        t, v, flags = t[first], v[first], flags[first]
        keep = t > t[-1] - s.keep_ms if len(t) else np.array([], dtype=bool)
        t, v, flags = t[keep], v[keep], flags[keep]
        limits = TimeLimits(now_ms=np.iinfo(np.int64).max // 2, min_ms=0, future_tolerance_ms=0)
        s.t, s.v, s.flags = t, v, check_series(t, v, s.sensor, limits, prior_flags=flags)
        s.derive()

    # -- evaluation --------------------------------------------------------------------------
    def evaluate(self, ticks: np.ndarray) -> list[Decision]:
        """Decisions over ``ticks`` (sorted, unique, newer than any evaluated before)."""
        ticks = np.asarray(ticks, dtype=np.int64)
        if self.last_tick is not None:
            ticks = ticks[ticks > self.last_tick]
        if len(ticks) == 0:
            return []
        by_station = _by_station(self.states)
        missed: dict[str, np.ndarray] = {}  # per station at these ticks, shared by the sources
        out: list[tuple[int, int, Decision]] = []
        glof_level: dict[str, np.ndarray] = {}

        def scored(src: Source) -> tuple[SourceFeatures, np.ndarray, np.ndarray, np.ndarray | None]:
            sf = source_features(self.site, src, self.states, ticks, by_station, missed, self.geo_off.get(src.id))
            entry, stay, p = self.scorer.score(src.hazard, sf.raw)
            return sf, np.maximum(entry, precursors(src, sf.raw)), np.maximum(stay, precursors(src, sf.raw, stay=True)), p

        sources = self.topology.sources
        if len(ticks) >= PARALLEL_TICKS and len(sources) > 1:
            # a replay's long tick arrays: the sources' features and scores are independent numpy work that releases the
            # GIL, so threads use the machine's cores (the shared caches only ever gain entries that any thread would
            # compute alike); the decisions below stay in one thread and in the sources' order
            with ThreadPoolExecutor(max_workers=threads_for(len(sources))) as pool:
                all_scored = list(pool.map(scored, sources))
        else:  # live: a few ticks a call, where a thread's start costs more than it saves
            all_scored = [scored(src) for src in sources]
        for order, (src, (sf, entry, stay, p)) in enumerate(zip(sources, all_scored, strict=True)):
            self.geo_off[src.id] = sf.geo_off
            if src.valley in glof_level:
                # an outburst already warned for explains the flow, one evacuated for a sibling lake's evidence: no
                # second alert for the same wave
                busy = glof_level[src.valley] >= (BUSY_SIBLING if src.hazard == "glof" else BUSY_FLOW)
                if src.hazard != "glof":  # a flow's own evacuation is not explained by an outburst only warned for
                    busy &= entry <= glof_level[src.valley]
                entry, stay = np.where(busy, 0, entry).astype(np.int8), np.where(busy, 0, stay).astype(np.int8)
            st = self.sources[src.id]

            def emit(i: int, new: int, state: SourceState, src: Source = src, sf: SourceFeatures = sf,
                     p: np.ndarray | None = p, order: int = order) -> str:
                d = self._decision(src, sf, p, ticks, i, new, state, by_station)
                out.append((int(ticks[i]), order, d))
                return d.id

            levels = run(st, ticks, entry, stay, sf.fired, emit)
            if src.hazard == "glof":
                glof_level[src.valley] = np.maximum(glof_level.get(src.valley, levels), levels)
        self.last_tick = int(ticks[-1])
        return [d for _, _, d in sorted(out, key=lambda x: (x[0], x[1]))]

    # -- one decision ------------------------------------------------------------------------
    def _evidence(self, src: Source, sf: SourceFeatures, ticks: np.ndarray, i: int,
                  by_station: dict[str, list[SensorState]]) -> list[Evidence]:
        tick = ticks[i:i + 1]
        t = int(ticks[i])
        ev: list[Evidence] = []
        silent = StationSilent()
        lake = self.site.lake_by_id.get(src.lake) if src.lake else None
        stations = list(src.lake_stations) + [s for s, _ in src.downstream] + list(src.weather)
        for st_id in stations:
            station = self.site.station_by_id[st_id]
            for w in self.maintenance:  # said first: the officer must know which eyes are closed
                if w.station == st_id and w.active(t):
                    what = f"{st_id}/{w.sensor}" if w.sensor else st_id
                    ev.append(Evidence("maintenance", st_id, 0.0, False,
                                       f"{what} in maintenance until {hhmm(w.end_ms)}{f' ({w.reason})' if w.reason else ''}"
                                       ": its readings are not used", {"maintenance_until": iso(w.end_ms)}))
            missed = float(station_missed(self.site, by_station, st_id, tick)[0])
            if missed >= 1.5 and station.kind != "weather":
                last = max((int(s.last_seen(tick)[0]) for s in by_station.get(st_id, [])), default=None)
                volts = float(battery_flat(by_station, st_id, tick)[0])
                ev.append(silent.explain(station, missed, last if last and last > 0 else None, t,
                                         None if np.isnan(volts) else volts))
            for s in by_station.get(st_id, []):
                for det in s.detectors:
                    if det.name in ("warm_spell",) and lake is None:
                        continue
                    feats = s.features_at(det.name, det.features, t)
                    if all(np.isnan(x) for x in feats.values()):
                        continue
                    if det.name == "spillway":
                        if lake is None:
                            continue
                        feats["freeboard"] = lake.spillway_level_m - feats.get("level30", np.nan)
                    if det.name == "warm_spell" and lake is not None and lake.elevation_m is not None:
                        feats["t_lake"] = feats["t24"] + 0.0065 * ((station.elevation_m or lake.elevation_m) - lake.elevation_m)
                    e = det.explain(station, s.sensor, feats, t, s.series_until(t))
                    notable = e.fires or (det.name == "level_drop" and (e.score >= 0.05 or "below_m" in e.details or
                                                     "stepped_m" in e.details)) or \
                        (det.name == "sta_lta" and e.score >= 2.0) or \
                        (det.name == "gauge_rise" and (e.score >= 0.2 or e.details.get("trend_dep_m", 0) >= 0.03)) or \
                        (det.name == "sta_lta" and (e.details.get("recent", False) or e.details.get("creep", 0) > 0)) or \
                        (det.name == "gauge_rise" and (e.details.get("kept", False) or e.details.get("climb_m", 0) > 0)) or \
                        (det.name == "rainfall" and e.details.get("guzzetti_ratio", 0) >= 1.0)
                    if notable:
                        ev.append(e)
        return ev

    def _decision(self, src: Source, sf: SourceFeatures, p: np.ndarray | None, ticks: np.ndarray, i: int, new: int,
                  state: SourceState, by_station: dict[str, list[SensorState]]) -> Decision:
        t = int(ticks[i])
        level = LEVEL_NAMES[new] if new > 0 else "all_clear"
        prob = None if p is None else round(float(p[i]), 4)
        ident = hashlib.sha1(f"{self.site.id}|{src.id}|{level}|{t}".encode()).hexdigest()[:20]
        what = f"outburst of lake {src.lake}" if src.hazard == "glof" else f"debris flow in the {src.valley} valley"
        if new == 0:
            zones = self.last_zones.pop(src.id, list(src.zones))
            return Decision(id=ident, site=self.site.id, time=iso(t), level="all_clear", hazard=src.hazard,  # type: ignore[arg-type]
                            lake=src.lake, zones=zones, probability=prob,
                            explanation=[f"{what}: evidence below the {LEVEL_NAMES[state.level]} level for "
                                         f"{60} min; the danger is over"],
                            evidence={"detector": self.detector, "source": src.id}, previous=state.last_id)
        ev = self._evidence(src, sf, ticks, i, by_station)
        fired = {st: ft for st, ft in state.first_fired.items()}
        km = dict(src.downstream)
        onset = None
        if src.hazard == "glof":
            onsets = [e.onset_ms for e in ev if e.detector == "level_drop" and e.fires and e.onset_ms]
            onset = min(onsets) if onsets else None
        zones = list(src.zones)
        sighting = None
        from_km = 0.0
        if fired:
            down = max(fired, key=lambda s: km[s])
            sighting = (down, km[down], fired[down])
            if src.hazard == "debris_flow":
                up = min(fired, key=lambda s: km[s])
                from_km = km[up]
                onset = fired[up]
                zones = [z for z, c in src.zones.items() if c >= from_km]
                if up == down:
                    sighting = None
        onset, arr, speed = arrivals({z: src.zones[z] for z in zones}, onset_ms=onset, sighting=sighting,
                                     from_km=from_km)
        if onset is None and new >= WARNING:
            onset, arr, speed = arrivals({z: src.zones[z] for z in zones}, onset_ms=t, sighting=None, from_km=from_km)
        head = f"{level.upper()}: {what}"
        rules: list[str] = []
        if prob is not None:
            head += f" - fusion probability {prob:.2f}"
            ruled = prob < self.scorer.entry_probability(src.hazard, new)  # not the model's level: a safety rule set it
            if ruled:
                head += " (the level set by the safety rules on the evidence below)"
            # the rules that set the level, or, at the model's own WARNING or EVACUATE, those that agree with it
            rules = self.scorer.rule_reasons(src.hazard, sf.raw, i, new) if ruled or new >= WARNING else \
                self.scorer.held_back(src.hazard, sf.raw, i)
        else:
            head += f" - {self.detector} rules"
        if arr:
            head += f"; wave expected in {arr[0].zone} at {arr[0].time} (earliest {arr[0].eta_min_early:.0f} min after onset)"
        self.last_zones[src.id] = zones
        raw = {k: (None if not np.isfinite(v[i]) else round(float(v[i]), 4)) for k, v in sf.raw.items()}
        return Decision(id=ident, site=self.site.id, time=iso(t), level=level, hazard=src.hazard,  # type: ignore[arg-type]
                        lake=src.lake, zones=zones, arrivals=arr, probability=prob,
                        onset=iso(onset) if onset is not None else None,
                        explanation=[head] + rules + [e.text for e in ev],
                        evidence={"detector": self.detector, "source": src.id, "speed_m_s": round(speed, 2),
                                  "features": raw, "detectors": [e.as_dict() for e in ev]},
                        previous=state.last_id)
