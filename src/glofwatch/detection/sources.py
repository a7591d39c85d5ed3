"""Where a hazard comes from and which sensors can see it: the site as the detectors need it.

A **source** is what a decision is about: an outburst of one lake (``glof:<lake>``) or a debris flow
in one valley (``debris_flow:<valley>``, lake ``None``). Each source knows

- its lake stations (the lake's own; for a valley, every lake station of the valley) and, for a
  lake, the sibling lakes' stations (a drop there points at the sibling, not at this lake);
- the downstream stations (geophones, gauges) on its flow path with their chainage along it. A
  station declared on another lake's path of the same river counts, shifted by the chainage
  difference of the zones both paths share (below the confluence);
- the weather stations of its valley (a weather station belongs to the valley of its nearest
  lake; a valley without one borrows the nearest, and says so: a storm over its own catchment reaches
  a neighbour's rain gauge weakened, or not at all);
- the zones its wave reaches, with chainage, for the impact (:mod:`glofwatch.detection.impact`).

Valleys are the lakes' ``valley`` (or the river of their flow path, or the lake itself).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

from glofwatch.site.model import Site


@dataclass(frozen=True)
class Source:
    id: str
    hazard: str  # glof | debris_flow
    lake: str | None
    valley: str
    lake_stations: tuple[str, ...]
    sibling_stations: tuple[str, ...]
    downstream: tuple[tuple[str, float], ...]  # (station, chainage km along ``zones``' path)
    weather: tuple[str, ...]
    zones: dict[str, float] = field(default_factory=dict)  # zone -> chainage km from the source's path origin
    weather_borrowed: bool = False  # the valley has no weather station: ``weather`` is a neighbour's
    neighbour_gauges: tuple[str, ...] = ()  # the gauges of the other valleys' flow paths (a regional rise shows there too)


def _dist_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat = math.radians((a[1] + b[1]) / 2)
    dx = (a[0] - b[0]) * 111.32 * math.cos(lat)
    dy = (a[1] - b[1]) * 110.57
    return math.hypot(dx, dy)


def path_stations(site: Site, lake_id: str) -> dict[str, float]:
    """Chainage (km) of every geophone/gauge on ``lake_id``'s flow path (shifted across shared zones)."""
    fp = site.flow_path(lake_id)
    out: dict[str, float] = {}
    for st in site.stations:
        if st.flow_path is None:
            continue
        if st.flow_path.lake == lake_id:
            out[st.id] = st.flow_path.chainage_km
        elif fp is not None and (other := site.flow_path(st.flow_path.lake)) is not None:
            shared = sorted(set(fp.zones) & set(other.zones))
            if shared:
                shifts = sorted(fp.zones[z] - other.zones[z] for z in shared)
                x = st.flow_path.chainage_km + shifts[len(shifts) // 2]
                if x >= 0:
                    out[st.id] = x
    return out


class Topology:
    """The sources of a site and their sensors (built once per site)."""

    def __init__(self, site: Site):
        self.site = site

    def valley_of_lake(self, lake_id: str) -> str:
        lk = self.site.lake_by_id.get(lake_id)
        if lk is not None and lk.valley:
            return lk.valley
        fp = self.site.flow_path(lake_id)
        return (fp.river if fp and fp.river else lake_id)

    @cached_property
    def valleys(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for lk in self.site.lakes:
            out.setdefault(self.valley_of_lake(lk.id), []).append(lk.id)
        return out

    @cached_property
    def weather_by_valley(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {v: [] for v in self.valleys}
        weather = [st for st in self.site.stations if st.kind == "weather"]
        self.borrowed: set[str] = set()
        if not self.site.lakes:
            return out
        for st in weather:
            lk = min(self.site.lakes, key=lambda lk: _dist_km(st.location, lk.location))
            out[self.valley_of_lake(lk.id)].append(st.id)
        self.borrowed = {v for v, sts in out.items() if not sts}
        for v, lakes in self.valleys.items():
            if not out[v] and weather:
                loc = self.site.lake_by_id[lakes[0]].location
                out[v] = [min(weather, key=lambda st: _dist_km(st.location, loc)).id]
        return out

    def _neighbour_gauges(self, valley: str) -> tuple[str, ...]:
        """The gauges on the flow paths of the lakes of every other valley."""
        mine = {st for lk in self.valleys[valley] for st in path_stations(self.site, lk)}
        out = {st for v, lakes in self.valleys.items() if v != valley for lk in lakes
               for st in path_stations(self.site, lk) if self.site.station_by_id[st].kind == "gauge"}
        return tuple(sorted(out - mine))

    def _lake_stations(self, lake_id: str) -> list[str]:
        return [st.id for st in self.site.stations if st.kind == "lake" and st.lake == lake_id]

    @cached_property
    def sources(self) -> list[Source]:
        """GLOF sources (lakes with a flow path) first, then one debris-flow source per valley."""
        site = self.site
        out: list[Source] = []
        for lk in site.lakes:
            fp = site.flow_path(lk.id)
            if fp is None or not fp.zones:
                continue
            v = self.valley_of_lake(lk.id)
            sib = [s for other in self.valleys[v] if other != lk.id for s in self._lake_stations(other)]
            down = sorted(path_stations(site, lk.id).items(), key=lambda kv: kv[1])
            out.append(Source(f"glof:{lk.id}", "glof", lk.id, v, tuple(self._lake_stations(lk.id)), tuple(sib),
                              tuple(down), tuple(self.weather_by_valley.get(v, [])),
                              dict(sorted(fp.zones.items(), key=lambda kv: kv[1])), v in self.borrowed,
                              self._neighbour_gauges(v)))
        for v, lakes in self.valleys.items():
            paths = [lk for lk in lakes if (fp := site.flow_path(lk)) is not None and fp.zones]
            if not paths:
                continue
            # the path most downstream stations are declared on carries the valley's debris flows
            best = max(paths, key=lambda lk: (len(path_stations(site, lk)), -paths.index(lk)))
            fp = site.flow_path(best)
            assert fp is not None
            lake_st = [s for lk in lakes for s in self._lake_stations(lk)]
            down = sorted(path_stations(site, best).items(), key=lambda kv: kv[1])
            out.append(Source(f"debris_flow:{v}", "debris_flow", None, v, tuple(lake_st), (), tuple(down),
                              tuple(self.weather_by_valley.get(v, [])),
                              dict(sorted(fp.zones.items(), key=lambda kv: kv[1])), v in self.borrowed,
                              self._neighbour_gauges(v)))
        return out

    def source(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(f"no source {source_id!r} in site {self.site.id!r}; sources: {', '.join(s.id for s in self.sources)}")
