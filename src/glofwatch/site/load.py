"""Read a site (``site.yaml`` + ``households.csv``) into a validated :class:`~glofwatch.site.model.Site`.

Every problem is reported with the file, the path inside it and what to do, and all problems are
reported at once, so a site author fixes the file in one pass::

    site.yaml: stations[4] (geo-cha).flow_path.lake: unknown lake 'cha-9' (known: cha-1, cha-2, cak-1)
"""

from __future__ import annotations

import csv
import difflib
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from glofwatch.errors import SiteError
from glofwatch.site.model import Household, Site

DEMO_SITE = "issyk-kul"


def demo_site_path() -> Path:
    """Path of the bundled reference site (Issyk-Kul) inside the installed package."""
    return Path(str(resources.files("glofwatch") / "data" / "sites" / DEMO_SITE / "site.yaml"))


def resolve_site_path(site: str | Path | None) -> Path:
    """A site argument as users give it: ``None`` or ``demo`` (bundled site), a directory, or a YAML file."""
    if site is None or str(site) in ("demo", DEMO_SITE):
        return demo_site_path()
    p = Path(site)
    if p.is_dir():
        p = p / "site.yaml"
    if not p.exists():
        raise SiteError([f"{p}: no such site file; give a site directory holding site.yaml, a YAML file, or 'demo'"])
    return p


def _hint(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    shown = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
    return (f"; did you mean '{close[0]}'?" if close else "") + f" (known: {shown})"


def _loc(data: dict[str, Any], loc: tuple[Any, ...]) -> str:
    """Render a pydantic error location as ``stations[4] (geo-cha).sensors[0].valid``."""
    out = ""
    node: Any = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            try:
                node = node[part]
                if isinstance(node, dict) and "id" in node:
                    out += f" ({node['id']})"
            except (IndexError, KeyError, TypeError):
                node = None
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def load_site(site: str | Path | None = None) -> Site:
    """Load and validate a site. Raises :class:`SiteError` listing every problem found."""
    path = resolve_site_path(site)
    name = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise SiteError([f"{path}: not valid YAML: {e}"]) from e
    if not isinstance(raw, dict):
        raise SiteError([f"{path}: expected a mapping with 'site', 'lakes', 'stations', ... at the top"])

    problems: list[str] = []
    hh_ref = raw.pop("households", None)
    households: list[Household] = []
    hh_warnings: list[str] = []
    if isinstance(hh_ref, str):
        households, hh_problems, hh_warnings = _load_households(path.parent / hh_ref)
        problems += hh_problems
    elif isinstance(hh_ref, list):
        raw["households"] = hh_ref
    elif hh_ref is not None:
        problems.append(f"{name}: households: give a CSV file name (like households.csv) or a list")

    try:
        model = Site.model_validate({**raw, "source": str(path)})
    except ValidationError as e:
        for err in e.errors():
            where = _loc(raw, tuple(err["loc"]))
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = "unknown key; remove it or check its spelling (see docs/site-format.md)"
            problems.append(f"{name}: {where}: {msg}")
        raise SiteError(problems) from None

    if households:
        model = model.model_copy(update={"households": households})
    problems += _check_references(model, raw, name)
    if problems:
        raise SiteError(problems)
    warnings = hh_warnings + [w for w in _soft_checks(model)]
    if warnings:
        model = model.model_copy(update={"warnings": warnings})
    return model


def _dupes(ids: list[str]) -> list[str]:
    return [i for i, n in Counter(ids).items() if n > 1]


def _check_lonlat(where: str, ll: tuple[float, float], out: list[str]) -> None:
    lon, lat = ll
    if not (-180 <= lon <= 180) or not (-90 <= lat <= 90):
        out.append(f"{where}: coordinates [{lon}, {lat}] out of range; write [lon, lat] in WGS 84 degrees")


def _check_references(s: Site, raw: dict[str, Any], name: str) -> list[str]:
    p: list[str] = []
    lakes = [lk.id for lk in s.lakes]
    zones = [z.id for z in s.zones]
    for kind, ids in (
        ("lakes", lakes),
        ("stations", [st.id for st in s.stations]),
        ("zones", zones),
        ("shelters", [x.id for x in s.shelters]),
        ("sirens", [x.id for x in s.sirens]),
    ):
        for d in _dupes(ids):
            p.append(f"{name}: {kind}: duplicate id '{d}'; ids must be unique")
    for i, lk in enumerate(s.lakes):
        _check_lonlat(f"{name}: lakes[{i}] ({lk.id}).location", lk.location, p)
    for i, st in enumerate(s.stations):
        w = f"{name}: stations[{i}] ({st.id})"
        _check_lonlat(f"{w}.location", st.location, p)
        if not st.sensors:
            p.append(f"{w}.sensors: a station needs at least one sensor")
        for d in _dupes([se.id for se in st.sensors]):
            p.append(f"{w}.sensors: duplicate sensor id '{d}'")
        if st.lake is not None and st.lake not in lakes:
            p.append(f"{w}.lake: unknown lake '{st.lake}'{_hint(st.lake, lakes)}")
        if st.flow_path is not None and st.flow_path.lake not in lakes:
            p.append(f"{w}.flow_path.lake: unknown lake '{st.flow_path.lake}'{_hint(st.flow_path.lake, lakes)}")
        for j, lg in enumerate(st.loggers):
            for col, cm in lg.column_map().items():
                if cm.sensor not in st.sensor_ids:
                    p.append(
                        f"{w}.loggers[{j}].columns.{col}: unknown sensor '{cm.sensor}'"
                        f"{_hint(cm.sensor, sorted(st.sensor_ids))}"
                    )
    for i, fp in enumerate(s.flow_paths):
        w = f"{name}: flow_paths[{i}]"
        if fp.lake not in lakes:
            p.append(f"{w}.lake: unknown lake '{fp.lake}'{_hint(fp.lake, lakes)}")
        for z, km in fp.zones.items():
            if z not in zones:
                p.append(f"{w}.zones.{z}: flow path to unknown zone '{z}'{_hint(z, zones)}")
            if km < 0:
                p.append(f"{w}.zones.{z}: chainage {km} km is negative")
    for i, z in enumerate(s.zones):
        w = f"{name}: zones[{i}] ({z.id}).polygon"
        for ll in z.polygon:
            _check_lonlat(w, ll, p)
        if len(z.polygon) < 4:
            p.append(f"{w}: a polygon needs at least 4 points (3 corners and the first again)")
        elif z.polygon[0] != z.polygon[-1]:
            p.append(f"{w}: polygon is not closed; repeat the first point {list(z.polygon[0])} at the end")
    for i, sh in enumerate(s.shelters):
        _check_lonlat(f"{name}: shelters[{i}] ({sh.id}).location", sh.location, p)
        for z in sh.zones:
            if z not in zones:
                p.append(f"{name}: shelters[{i}] ({sh.id}).zones: unknown zone '{z}'{_hint(z, zones)}")
    for i, sr in enumerate(s.sirens):
        _check_lonlat(f"{name}: sirens[{i}] ({sr.id}).location", sr.location, p)
        if sr.zone not in zones:
            p.append(f"{name}: sirens[{i}] ({sr.id}).zone: unknown zone '{sr.zone}'{_hint(sr.zone, zones)}")
    hh_file = raw.get("households") if isinstance(raw.get("households"), str) else "households.csv"
    for d in _dupes([h.id for h in s.households]):
        p.append(f"{hh_file}: duplicate household id '{d}'")
    for h in s.households:
        if h.zone not in zones:
            p.append(f"{hh_file}: household {h.id}: unknown zone '{h.zone}'{_hint(h.zone, zones)}")
    return p


def _soft_checks(s: Site) -> list[str]:
    """Problems worth telling the operator about that do not stop the system (warnings)."""
    out: list[str] = []
    lakes_with_path = {fp.lake for fp in s.flow_paths}
    for lk in s.lakes:
        if lk.id not in lakes_with_path:
            out.append(f"lake {lk.id} has no flow path: alerts from it cannot name zones")
    return out


def _load_households(path: Path) -> tuple[list[Household], list[str], list[str]]:
    problems: list[str] = []
    warnings: list[str] = []
    out: list[Household] = []
    if not path.exists():
        return [], [f"{path.name}: file not found next to the site file ({path})"], []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        required = {"id", "zone", "lon", "lat", "members"}
        missing = required - set(reader.fieldnames or [])
        if missing:
            return [], [f"{path.name}: header lacks column(s) {sorted(missing)}; see the site README"], []
        for line, row in enumerate(reader, start=2):
            row = {k: (v or "").strip() for k, v in row.items() if k is not None}
            try:
                h = Household.model_validate(
                    {k: v for k, v in row.items() if v != "" or k in ("id", "zone")}
                )
            except ValidationError as e:
                for err in e.errors():
                    field = ".".join(str(x) for x in err["loc"]) or "row"
                    problems.append(f"{path.name} line {line} ({row.get('id', '?')}): {field}: {err['msg']}")
                continue
            if not (-180 <= h.lon <= 180 and -90 <= h.lat <= 90):
                problems.append(f"{path.name} line {line} ({h.id}): coordinates out of range")
            if h.phone and not _looks_e164(h.phone):
                warnings.append(f"{path.name} line {line} ({h.id}): phone '{h.phone}' is not E.164 (+<country><number>)")
            out.append(h)
    return out, problems, warnings


def _looks_e164(phone: str) -> bool:
    return phone.startswith("+") and phone[1:].isdigit() and 8 <= len(phone) <= 16
