"""GeoJSON (RFC 7946) layers of a site, pure functions over the site model.

Households are published without phone numbers, chat ids or e-mail: the map needs where people
live and how many are vulnerable, not how to reach them. Flow paths are *schematic*: the site
gives chainages, not channel geometry, so a path is drawn from the lake through the stations on
it to the zones it reaches, in chainage order (a terrain run can replace it with the DEM channel).
"""

from __future__ import annotations

from typing import Any

from glofwatch.site.model import Site

LAYERS = ("lakes", "zones", "households", "sirens", "shelters", "stations", "flow_paths")


def _pt(lonlat: tuple[float, float] | list[float], **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lonlat[0], lonlat[1]]}, "properties": props}


def _fc(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def centroid(ring: list[tuple[float, float]]) -> tuple[float, float]:
    pts = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
    return (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))


def layer(site: Site, name: str, *, zone_levels: dict[str, dict[str, Any]] | None = None,
          health: dict[str, str] | None = None) -> dict[str, Any]:
    """One layer as a FeatureCollection. ``zone_levels``/``health`` colour zones and stations."""
    zl = zone_levels or {}
    if name == "lakes":
        return _fc([_pt(lk.location, id=lk.id, name=lk.name, dam=lk.dam, area_m2=lk.area_m2, volume_m3=lk.volume_m3,
                        elevation_m=lk.elevation_m, valley=lk.valley) for lk in site.lakes])
    if name == "zones":
        hh: dict[str, list[int]] = {}
        for h in site.households:
            a = hh.setdefault(h.zone, [0, 0, 0])
            a[0] += 1
            a[1] += h.members
            a[2] += h.vulnerable
        return _fc([{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in z.polygon]]},
                     "properties": {"id": z.id, "name": z.name, "households": hh.get(z.id, [0, 0, 0])[0],
                                    "people": hh.get(z.id, [0, 0, 0])[1], "vulnerable": hh.get(z.id, [0, 0, 0])[2],
                                    "level": zl.get(z.id, {}).get("level"), "drill": zl.get(z.id, {}).get("drill", False)}}
                    for z in site.zones])
    if name == "households":
        return _fc([_pt((h.lon, h.lat), id=h.id, zone=h.zone, members=h.members, vulnerable=h.vulnerable)
                    for h in site.households])
    if name == "sirens":
        return _fc([_pt(s.location, id=s.id, zone=s.zone) for s in site.sirens])
    if name == "shelters":
        return _fc([_pt(s.location, id=s.id, name=s.name, capacity=s.capacity, zones=list(s.zones)) for s in site.shelters])
    if name == "stations":
        hl = health or {}
        return _fc([_pt(st.location, id=st.id, name=st.name, kind=st.kind, lake=st.lake, state=hl.get(st.id, "never"),
                        sensors=[s.id for s in st.sensors]) for st in site.stations])
    if name == "flow_paths":
        feats = []
        for fp in site.flow_paths:
            lake = site.lake_by_id.get(fp.lake)
            if lake is None:
                continue
            stops: list[tuple[float, tuple[float, float]]] = [(0.0, lake.location)]
            for st in site.stations:
                if st.flow_path and st.flow_path.lake == fp.lake:
                    stops.append((st.flow_path.chainage_km, st.location))
            for zid, km in fp.zones.items():
                z = site.zone_by_id.get(zid)
                if z is not None:
                    stops.append((km, centroid(list(z.polygon))))
            stops.sort(key=lambda s: s[0])
            feats.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [list(p) for _, p in stops]},
                          "properties": {"lake": fp.lake, "river": fp.river, "zones": fp.zones, "schematic": True}})
        return _fc(feats)
    raise KeyError(f"no layer {name!r}; layers are {', '.join(LAYERS)}")


def bounds(site: Site) -> list[float]:
    """[west, south, east, north] around everything on the map."""
    xs: list[float] = []
    ys: list[float] = []
    for p in [lk.location for lk in site.lakes] + [s.location for s in site.stations] + \
             [p for z in site.zones for p in z.polygon] + [s.location for s in site.shelters]:
        xs.append(p[0])
        ys.append(p[1])
    if not xs:
        return [-180.0, -85.0, 180.0, 85.0]
    return [min(xs), min(ys), max(xs), max(ys)]
