"""Planning the station network: a copy of a site with one station more.

Before the Ministry spends on a station it asks what it buys. ``with_lake_station`` writes a copy of a site folder whose
``site.yaml`` has a level station on the shore of a lake nobody watches; ``with_path_station`` one with a geophone, a
river gauge or a weather station (a rain gauge) at a chainage of a lake's flow path. Scenarios generated on the copy
and scored with and without that station's readings answer the question (``benchmarks/network_station.py``).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from glofwatch.errors import SiteError
from glofwatch.site.load import load_site, resolve_site_path
from glofwatch.site.model import Site

# What a new path station measures when the site has no station of its kind to copy the sensors from.
DEFAULT_SENSORS: dict[str, list[dict[str, Any]]] = {
    "geophone": [{"id": "ground_velocity", "unit": "mm s-1", "interval_s": 60, "valid": [0, 500],
                  "note": "RMS over the interval"}],
    "gauge": [{"id": "stage", "standard_name": "water_surface_height_above_reference_datum", "unit": "m",
               "interval_s": 300, "valid": [0, 10]}],
    "weather": [{"id": "precipitation", "standard_name": "precipitation_amount", "unit": "mm", "interval_s": 600,
                 "valid": [0, 60], "note": "amount in the interval"},
                {"id": "air_temperature", "standard_name": "air_temperature", "unit": "degC", "interval_s": 600,
                 "valid": [-50, 45]}],
}
BATTERY = {"id": "battery", "unit": "V", "interval_s": 3600, "valid": [0, 16]}
PREFIX = {"geophone": "geo", "gauge": "gauge", "weather": "aws"}


def _write_copy(site_file: Path, out: Path, station: dict[str, Any]) -> Path:
    """Copy the site folder to ``out`` (a site copy made earlier is replaced; any other folder is refused) with
    ``station`` appended to its stations, and check that the copy loads."""
    if out.exists():
        if out.is_file() or (any(out.iterdir()) and not (out / "site.yaml").exists()):
            raise SiteError([f"{out}: exists and is not a site folder; give a new or empty folder (a site copy made "
                             "earlier is replaced)"])
        shutil.rmtree(out)
    shutil.copytree(site_file.parent, out)
    doc = yaml.safe_load((out / site_file.name).read_text())
    doc["stations"].append(station)
    (out / "site.yaml").write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    if site_file.name != "site.yaml":
        (out / site_file.name).unlink()
    load_site(out)  # the copy must load: fail here, naming the file, not later in a generator
    return out


def _lake_or_refuse(site_file: Path, here: Site, lake: str) -> None:
    lakes = sorted(x.id for x in here.lakes)
    if lake not in lakes:
        raise SiteError([f"{site_file}: no lake {lake!r}; pick one of {', '.join(lakes)}"])


def lake_station_id(lake: str) -> str:
    """The id with_lake_station gives the level station it adds."""
    return f"lake-{lake}"


def with_lake_station(site: str | Path | None, lake: str, out: Path) -> tuple[Path, str]:
    """Copy the site folder to ``out`` and add a level station ``lake-<lake>`` (water level every 5 min, battery
    hourly) at the lake's location; return the new folder and the station id.

    Raises SiteError naming the lake when it is not in the site or already has a level station, or naming ``out``."""
    site_file = resolve_site_path(site)
    here = load_site(site_file)
    _lake_or_refuse(site_file, here, lake)
    watching = [s.id for s in here.stations if s.lake == lake]
    if watching:
        raise SiteError([f"{site_file}: lake {lake!r} already has a level station ({', '.join(watching)}); pick a lake "
                         "nobody watches"])
    spec = here.lake_by_id[lake]
    station = lake_station_id(lake)
    return _write_copy(site_file, out, {
        "id": station, "name": f"Lake {lake} level station (planned)", "kind": "lake", "lake": lake,
        "location": list(spec.location), "elevation_m": (spec.elevation_m or 0.0) + 1.0,
        "sensors": [
            {"id": "water_level", "unit": "m", "interval_s": 300, "valid": [-30, 5],
             "note": "level relative to spillway crest"},
            BATTERY,
        ],
    }), station


def path_station_id(kind: str, lake: str, chainage_km: float) -> str:
    """The id with_path_station gives the station it adds: ``geo-<lake>-<km>km``, ``gauge-...``, ``aws-...``."""
    if kind not in PREFIX:
        raise SiteError([f"station kind {kind!r}: a path station is a geophone, a gauge or a weather station (a lake "
                         "station: with_lake_station)"])
    return f"{PREFIX[kind]}-{lake}-{chainage_km:g}km"


def with_path_station(site: str | Path | None, kind: str, lake: str, chainage_km: float,
                      out: Path) -> tuple[Path, str]:
    """Copy the site folder to ``out`` and add a ``kind`` station (``geophone``, ``gauge`` or ``weather``) on ``lake``'s
    flow path at ``chainage_km``; return the new folder and the station id (``geo-<lake>-<km>km``, ``gauge-...``,
    ``aws-...``). A weather station is placed there but is no path station (it has no ``flow_path``): it measures the
    rain of the valley of its nearest lake, which then no longer borrows a neighbour's.

    It measures what the site's first station of that kind measures (its sensors copied; else one geophone or stage
    sensor and a battery). Its location lies on the straight line from the lake to the first zone's centre, at the
    chainage's share of the first zone's chainage; its elevation is interpolated by chainage between the lake and the
    path's stations that have one (the generators place a path station by its chainage, not by its location).

    Raises SiteError naming what is wrong: an unknown kind or lake, a lake without a flow path, a chainage not above
    the first zone, a station of that id already in the site, or ``out``."""
    site_file = resolve_site_path(site)
    here = load_site(site_file)
    station = path_station_id(kind, lake, chainage_km)  # refuses an unknown kind
    _lake_or_refuse(site_file, here, lake)
    fp = here.flow_path(lake)
    if fp is None or not fp.zones:
        raise SiteError([f"{site_file}: lake {lake!r} has no flow path with zones; a path station needs one"])
    first_zone, first_km = min(fp.zones.items(), key=lambda kv: kv[1])
    if not 0 < chainage_km < first_km:
        raise SiteError([f"chainage {chainage_km:g} km: a station on {lake}'s flow path must lie between the lake (0) "
                         f"and its first zone {first_zone} ({first_km:g} km), where it can still warn"])
    if station in here.station_by_id:
        raise SiteError([f"{site_file}: a station {station!r} is already in the site"])
    like = next((s for s in here.stations if s.kind == kind), None)
    sensors = [s.model_dump(mode="json", exclude_none=True) for s in like.sensors] if like else \
        [*DEFAULT_SENSORS[kind], BATTERY]
    spec = here.lake_by_id[lake]
    zone = here.zone_by_id[first_zone]
    centre = np.mean(np.asarray(zone.polygon[:-1] if zone.polygon[0] == zone.polygon[-1] else zone.polygon), axis=0)
    share = chainage_km / first_km
    location = [round(float(a + share * (b - a)), 5) for a, b in zip(spec.location, centre, strict=True)]
    known = sorted([(0.0, spec.elevation_m)] * (spec.elevation_m is not None)
                   + [(s.flow_path.chainage_km, s.elevation_m) for s in here.stations
                      if s.flow_path is not None and s.flow_path.lake == lake and s.elevation_m is not None])
    doc: dict[str, Any] = {
        "id": station, "name": f"{kind.capitalize()} on the {lake} flow path at {chainage_km:g} km (planned)",
        "kind": kind, "location": location, "sensors": sensors,
    }
    if kind != "weather":
        doc["flow_path"] = {"lake": lake, "chainage_km": float(chainage_km)}
    if known:
        doc["elevation_m"] = round(float(np.interp(chainage_km, *zip(*known, strict=True))), 0)
    return _write_copy(site_file, out, doc), station
