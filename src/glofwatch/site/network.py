"""Planning the station network: a copy of a site with one lake level station more.

Before the Ministry spends on a station it asks what it buys. ``with_lake_station`` writes a copy of a site folder whose
``site.yaml`` has a level station on the shore of a lake nobody watches; scenarios generated on it and scored with and
without that station's readings answer the question (``benchmarks/network_station.py``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from glofwatch.errors import SiteError
from glofwatch.site.load import load_site, resolve_site_path


def with_lake_station(site: str | Path | None, lake: str, out: Path) -> tuple[Path, str]:
    """Copy the site folder to ``out`` (a site copy made earlier is replaced; any other folder is refused) and add a
    level station ``lake-<lake>`` (water level every 5 min, battery hourly) at the lake's location; return the new
    folder and the station id.

    Raises SiteError naming the lake when it is not in the site or already has a level station, or naming ``out``."""
    site_file = resolve_site_path(site)
    here = load_site(site_file)
    lakes = {x.id: x for x in here.lakes}
    if lake not in lakes:
        raise SiteError([f"{site_file}: no lake {lake!r}; pick one of {', '.join(sorted(lakes))}"])
    watching = [s.id for s in here.stations if s.lake == lake]
    if watching:
        raise SiteError([f"{site_file}: lake {lake!r} already has a level station ({', '.join(watching)}); pick a lake "
                         "nobody watches"])
    if out.exists():
        if out.is_file() or (any(out.iterdir()) and not (out / "site.yaml").exists()):
            raise SiteError([f"{out}: exists and is not a site folder; give a new or empty folder (a site copy made "
                             "earlier is replaced)"])
        shutil.rmtree(out)
    shutil.copytree(site_file.parent, out)
    doc = yaml.safe_load((out / site_file.name).read_text())
    station = f"lake-{lake}"
    spec = lakes[lake]
    doc["stations"].append({
        "id": station, "name": f"Lake {lake} level station (planned)", "kind": "lake", "lake": lake,
        "location": list(spec.location), "elevation_m": (spec.elevation_m or 0.0) + 1.0,
        "sensors": [
            {"id": "water_level", "unit": "m", "interval_s": 300, "valid": [-30, 5],
             "note": "level relative to spillway crest"},
            {"id": "battery", "unit": "V", "interval_s": 3600, "valid": [0, 16]},
        ],
    })
    (out / "site.yaml").write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    if site_file.name != "site.yaml":
        (out / site_file.name).unlink()
    load_site(out)  # the copy must load: fail here, naming the file, not later in a generator
    return out, station
