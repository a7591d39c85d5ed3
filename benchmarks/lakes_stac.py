"""Scenes as STAC items: cost and equivalence (BENCHMARKS.md, "Lakes and terrain", STAC).

1. Catalog walk: a local static catalog of ``--items`` Sentinel-2-like items (Earth Search asset keys and
   eo:bands) is written once, then ``read_stac`` parses it, filters by bbox + datetime and maps the assets
   to bands; prints items/s (what a country-wide archive listing costs before any pixel is read).
2. Full tile: the synthetic L2A tile of ``lakes_tile_speed.py`` (B03/B08 10 m, B11/SCL 20 m, 60 known
   lakes) mapped once from its folder of band files and once from a STAC item whose assets point to the
   same files (keys green/nir/swir16/scl, raster:bands scale 1e-4); prints both wall times and whether
   every lake area and new water body is identical.

Run: .venv/bin/python benchmarks/lakes_stac.py [--items 2000] [--cache /tmp/glofwatch_s2_tile] [--no-tile]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def write_catalog(folder: Path, n: int) -> Path:
    import pystac

    cat_file = folder / "catalog.json"
    if cat_file.exists():
        return cat_file
    cat = pystac.Catalog(id="bench", description="synthetic Sentinel-2 L2A items")
    t0 = datetime(2017, 1, 1, tzinfo=UTC)
    for i in range(n):
        w, s = 70.0 + (i % 40) * 0.5, 39.0 + (i // 40 % 10) * 0.5
        it = pystac.Item(id=f"S2B_43TGH_{i:05d}_L2A", bbox=[w, s, w + 1, s + 1], datetime=t0 + timedelta(days=5 * i),
                         geometry={"type": "Polygon", "coordinates": [[[w, s], [w + 1, s], [w + 1, s + 1], [w, s + 1], [w, s]]]},
                         properties={"platform": "sentinel-2b"})
        for key, cn in (("green", "green"), ("nir", "nir"), ("swir16", "swir16"), ("scl", None), ("thumbnail", None)):
            extra = {"eo:bands": [{"common_name": cn}]} if cn else {}
            it.add_asset(key, pystac.Asset(href=f"https://example.invalid/{i}/{key}.tif", roles=["data"], extra_fields=extra))
        cat.add_item(it)
    cat.normalize_hrefs(str(folder))
    cat.save(catalog_type=pystac.CatalogType.SELF_CONTAINED)
    return cat_file


def tile_item(cache: Path) -> Path:
    import pystac

    name = "S2B_MSIL2A_20250801T053639_T43TGH"
    it = pystac.Item(id=name, bbox=[77.0, 42.0, 78.4, 43.0], datetime=datetime(2025, 8, 1, 5, 36, tzinfo=UTC),
                     geometry={"type": "Point", "coordinates": [77.7, 42.5]}, properties={"platform": "sentinel-2b"})
    for key, f in (("green", "B03_10m"), ("nir", "B08_10m"), ("swir16", "B11_20m"), ("scl", "SCL_20m")):
        extra = {} if key == "scl" else {"raster:bands": [{"scale": 1e-4, "offset": 0.0, "nodata": 0}]}
        it.add_asset(key, pystac.Asset(href=str(cache / f"{name}_{f}.tif"), roles=["data"], extra_fields=extra))
    p = cache.parent / f"{cache.name}_item.json"
    p.write_text(json.dumps(it.to_dict(include_self_link=False, transform_hrefs=False)))
    return p


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/glofwatch_s2_tile"))
    ap.add_argument("--no-tile", action="store_true", help="only the catalog walk")
    a = ap.parse_args()

    from glofwatch.lakes.stac import read_stac

    cat = write_catalog(Path(f"/tmp/glofwatch_stac_catalog_{a.items}"), a.items)
    t0 = time.perf_counter()
    allx = read_stac(cat)
    t1 = time.perf_counter()
    some = read_stac(cat, bbox=(76.0, 42.0, 79.0, 43.5), datetime_range="2020-01-01/2022-12-31")
    t2 = time.perf_counter()
    print(f"catalog of {len(allx)} items: read + band mapping {t1 - t0:.2f} s ({len(allx) / (t1 - t0):.0f} items/s); "
          f"bbox+datetime filter {t2 - t1:.2f} s -> {len(some)} items; bands {sorted(allx[0].bands)}")
    if a.no_tile:
        return

    from lakes_tile_speed import make_tile
    from shapely.geometry import Point

    from glofwatch.lakes.workflow import map_scenes

    lakes = make_tile(a.cache, 60)
    known = [(lid, Point(x, y).buffer(r * 0.9), "") for lid, x, y, r in lakes]
    item = tile_item(a.cache)
    res = {}
    for label, src in (("folder", a.cache), ("stac", item)):
        t0 = time.perf_counter()
        run = map_scenes([src], lakes=known, lakes_crs="EPSG:32643")
        res[label] = (time.perf_counter() - t0, run.scenes[0])
        sm = run.scenes[0]
        print(f"{label}: {res[label][0]:.1f} s, status {sm.status} {sm.error}, "
              f"{sum(m.status == 'mapped' for m in sm.lakes)}/{len(sm.lakes)} mapped, {len(sm.new_bodies)} new water bodies")
    f, s = res["folder"][1], res["stac"][1]
    same = [m.area_m2 for m in f.lakes] == [m.area_m2 for m in s.lakes] and \
        [b.area_m2 for b in f.new_bodies] == [b.area_m2 for b in s.new_bodies]
    print(f"identical lake areas and new water bodies: {same}")


if __name__ == "__main__":
    main()
