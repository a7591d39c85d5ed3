"""``glofwatch lakes ...``: map scenes, lake history and growth advisories, hazard numbers.

Heavy libraries (xarray, rasterio, dask) are imported inside the commands, so ``glofwatch --help``
stays fast and a base install without the [eo] extra still runs the other commands.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.table import Table

from glofwatch.errors import GlofwatchError

lakes_app = typer.Typer(help="Glacial lakes from satellite scenes: map, history and growth, hazard.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)

SiteOpt = Annotated[str | None, typer.Option("--site", "-s", help="Site directory or site.yaml; default: the bundled demo site.")]
DbOpt = Annotated[str | None, typer.Option("--database", "-d", help="SQLite file or postgresql://... URL.")]


def _fail(e: Exception, code: int = 2) -> None:
    err.print(f"[red]error:[/red] {e}", highlight=False)
    raise typer.Exit(code)


def dask_client(scheduler: str | None, workers: int) -> Any:
    """A ``dask.distributed.Client``: to ``scheduler`` (an existing cluster) when given, else a LocalCluster
    (``workers`` processes of one thread; 0: one in-process worker with threads, the cheapest for one scene)."""
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler, timeout="20s")
    # dashboard_address=None still serves the dashboard on :8787 (distributed 2026.8) and warns into the
    # output when another cluster holds that port; ":0" takes a free port, so runs never collide.
    if workers > 0:
        return Client(LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"))
    return Client(LocalCluster(n_workers=1, processes=False, dashboard_address=":0"))


@lakes_app.command("map")
def map_cmd(
    scenes: Annotated[list[Path] | None, typer.Argument(
        help="Scenes: multi-band GeoTIFF/COG files, folders of band files, or STAC JSON (Item/ItemCollection/catalog).")] = None,
    site: SiteOpt = None,
    lakes: Annotated[Path | None, typer.Option(help="Known lake outlines (GeoJSON) instead of the site lakes.")] = None,
    year: Annotated[int | None, typer.Option(help="Only the --lakes outlines whose 'year' property is this.")] = None,
    dem: Annotated[Path | None, typer.Option(help="DEM GeoTIFF for the slope and terrain-shadow masks.")] = None,
    sun: Annotated[str | None, typer.Option(help="Sun azimuth,elevation in degrees (scene metadata) for terrain shadow.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write lake outlines and new water bodies as GeoJSON here.")] = None,
    database: DbOpt = None,
    save: Annotated[bool, typer.Option(help="Store each lake's area in the database's history (needs a scene date).")] = False,
    date: Annotated[str | None, typer.Option(help="Acquisition date (YYYY-MM-DD) when the file names hold none.")] = None,
    buffer_m: Annotated[float, typer.Option(help="Window around each lake's last outline for its threshold (m).")] = 300.0,
    min_new_area_m2: Annotated[float, typer.Option(help="Smallest new water body reported (m2).")] = 10_000.0,
    discovery: Annotated[str, typer.Option(
        help="New water bodies in scenes without a cloud mask: 'adaptive' (the scene trains its own water/shadow "
             "classifier) or 'rule' (the fixed pixel rule).")] = "adaptive",
    scheduler: Annotated[str | None, typer.Option(help="Address of a Dask distributed scheduler (tcp://host:8786).")] = None,
    workers: Annotated[int, typer.Option(help="Local worker processes when no --scheduler (0: in-process).")] = 0,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON report.")] = False,
    stac_url: Annotated[str | None, typer.Option(help="STAC API to search for items (needs --bbox and/or --datetime).")] = None,
    bbox: Annotated[str | None, typer.Option(help="W,S,E,N degrees: filter STAC catalogs and the API search.")] = None,
    datetime_range: Annotated[str | None, typer.Option("--datetime", help="STAC time filter: 2025-08-01 or START/END.")] = None,
    collection: Annotated[list[str] | None, typer.Option(help="STAC API collection(s), e.g. sentinel-2-l2a.")] = None,
) -> None:
    """Map the site's lakes (or --lakes outlines) on each scene: area +- one-pixel ring, new water bodies.

    A bad scene (missing band, corrupt file, wrong CRS, no overlap, all cloud) gets its message and the
    other scenes go on; the exit status is 1 when any scene failed.
    """
    from glofwatch.clock import SystemClock, ms
    from glofwatch.lakes.mapper import geojson_crs, lakes_from_geojson, to_geojson
    from glofwatch.lakes.water import MapParams
    from glofwatch.lakes.workflow import map_scenes
    from glofwatch.site import load_site

    try:
        s = load_site(site)
        fc = orjson.loads(lakes.read_bytes()) if lakes else None
        known = lakes_from_geojson(fc, year=year) if fc else None
        lakes_crs = geojson_crs(fc) if fc else "EPSG:4326"
        if known is None and (save or database):
            known = _site_lakes_with_history(s, database)
        if discovery not in ("adaptive", "rule"):
            raise ValueError(f"--discovery {discovery!r}: use 'adaptive' or 'rule'")
        params = MapParams(buffer_m=buffer_m, min_new_area_m2=min_new_area_m2, discovery=discovery)  # type: ignore[arg-type]
        try:
            sun_ae = tuple(float(v) for v in sun.split(",")) if sun else None
        except ValueError:
            sun_ae = ()
        if sun_ae is not None and len(sun_ae) != 2:
            raise ValueError(f"--sun {sun!r}: give azimuth,elevation in degrees, e.g. --sun 150.2,58.7")
        from glofwatch.lakes.stac import parse_bbox, search_api

        box = parse_bbox(bbox)
        todo: list[Any] = [str(p) for p in scenes or []]
        if stac_url:
            todo += search_api(stac_url, bbox=box, datetime_range=datetime_range, collections=collection)
        if not todo:
            raise ValueError("no scene: give SCENE files/folders/STAC JSON, or --stac-url with --bbox/--datetime")
        client = dask_client(scheduler, workers)
    except (GlofwatchError, OSError, ValueError) as e:
        _fail(e)
    try:
        run = map_scenes(todo, bbox=box, datetime_range=datetime_range, site=s, lakes=known, dem_path=str(dem) if dem else None,
                         params=params, client=client, sun=sun_ae, lakes_crs=lakes_crs)  # type: ignore[arg-type]
    finally:
        client.close()
    if date:
        for sm in run.scenes:
            sm.date = sm.date or date
    if out:
        out.write_bytes(orjson.dumps(to_geojson(run.scenes)))
    if save:
        from glofwatch.lakes.history import save_lake_maps
        from glofwatch.store import open_store

        st = open_store(database)
        now = ms(SystemClock().now())
        for sm in run.scenes:
            if sm.status == "failed":
                continue
            if not sm.date:
                sm.notes.append("not saved: no acquisition date (give --date)")
                continue
            t = ms(datetime.fromisoformat(sm.date).replace(tzinfo=UTC))
            from glofwatch.lakes.mapper import project

            outl = {m.lake: project(m.polygon, sm.crs, "EPSG:4326") for m in sm.lakes if m.polygon is not None}
            save_lake_maps(st.engine, s.id, sm.scene, t, sm.lakes, now_ms=now, outlines_lonlat=outl)
    if json_out:
        sys.stdout.write(orjson.dumps({"scenes": [sm.summary() for sm in run.scenes], "ok": run.ok, "partial": run.partial,
                                       "failed": run.failed}).decode() + "\n")
    else:
        for sm in run.scenes:
            colour = {"ok": "green", "partial": "yellow", "failed": "red"}[sm.status]
            console.print(f"[bold]{sm.scene}[/bold] ({sm.date or 'no date'}): [{colour}]{sm.status}[/]"
                          + (f" - {sm.error}" if sm.error else ""), highlight=False)
            for m in sm.lakes:
                if m.status == "outside":
                    continue
                console.print(f"  {m.lake}: {m.status} {m.area_m2 / 1e6:.4f} +- {m.area_err_m2 / 1e6:.4f} km2"
                              f" (threshold {m.index} > {m.threshold if m.threshold is None else round(m.threshold, 3)},"
                              f" hidden {m.obscured_fraction:.0%}) {m.note}", highlight=False)
            for b in sm.new_bodies:
                console.print(f"  new water body {b.area_m2 / 1e6:.4f} +- {b.area_err_m2 / 1e6:.4f} km2"
                              f" at {b.polygon.centroid.x:.0f}, {b.polygon.centroid.y:.0f}"
                              + (" (touches the scene edge)" if b.touches_edge else ""), highlight=False)
            for n in sm.notes:
                console.print(f"  note: {n.splitlines()[0]}", highlight=False)
        console.print(f"{run.ok} ok, {run.partial} partial, {run.failed} failed" + (f"; wrote {out}" if out else ""))
    if run.failed:
        raise typer.Exit(1)


def _site_lakes_with_history(site: Any, database: str | None) -> list[Any]:
    """The site's lakes, each with its newest mapped outline from the history when there is one."""
    from glofwatch.lakes.history import last_outline
    from glofwatch.lakes.mapper import lakes_from_site
    from glofwatch.store import open_store

    eng = open_store(database).engine
    out = []
    for lid, geom, name in lakes_from_site(site):
        prev = last_outline(eng, site.id, lid)
        out.append((lid, prev if prev is not None else geom, name))
    return out


@lakes_app.command("history")
def history_cmd(
    lake: Annotated[str | None, typer.Argument(help="One lake id; default: every lake with history.")] = None,
    site: SiteOpt = None,
    database: DbOpt = None,
    threshold: Annotated[float, typer.Option(help="Watch when a lake grows faster than this (% per year).")] = 5.0,
    window_years: Annotated[float, typer.Option(help="Growth over the last N years.")] = 10.0,
    plot: Annotated[Path | None, typer.Option(help="Folder for one PNG of area over time per lake.")] = None,
    decide: Annotated[bool, typer.Option(help="Store the watch decisions for warnings (table decisions; idempotent).")] = False,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Area history, growth rate, and a `watch` decision (hazard glof) for each lake growing too fast."""
    from glofwatch.lakes.growth import growth, watch_decision
    from glofwatch.lakes.history import area_series
    from glofwatch.lakes.plot import plot_area_history
    from glofwatch.site import load_site
    from glofwatch.store import open_store

    try:
        s = load_site(site)
        st = open_store(database)
    except GlofwatchError as e:
        _fail(e)
    df = area_series(st.engine, s.id, lake)
    if df.empty:
        _fail(GlofwatchError(f"no mapped area stored for {lake or 'any lake'} of site {s.id}; "
                             "run `glofwatch lakes map SCENE... --save --date YYYY-MM-DD` first"), 1)
    now = datetime.now(UTC)
    rows = []
    for lid, g in df.groupby("lake"):
        gr = growth(str(lid), g.t_ms.to_numpy(), g.area_m2.to_numpy(), g.area_err_m2.to_numpy(), window_years=window_years)
        fp = s.flow_path(str(lid))
        zones = list(fp.zones) if fp else []
        d = watch_decision(s.id, gr, now=now, threshold_pct_per_year=threshold, zones=zones) if gr else None
        png = plot_area_history(g, plot / f"{lid}.png", title=f"{s.id} / {lid}", growth=gr) if plot else None
        rows.append({"lake": lid, "scenes": len(g), "growth": gr.as_dict() if gr else None,
                     "decision": d.to_dict() if d else None, "plot": str(png) if png else None})
    if decide:
        from glofwatch.clock import ms
        from glofwatch.detection.decision import Decision
        from glofwatch.detection.store import save_decisions

        new = save_decisions(st, [Decision.from_dict(r["decision"]) for r in rows if r["decision"]], now_ms=ms(now))
        if not json_out:
            console.print(f"{new} new watch decision(s) stored")
    if json_out:
        sys.stdout.write(orjson.dumps(rows).decode() + "\n")
        return
    t = Table(title=f"{s.id} - lake growth (watch above {threshold} %/yr)")
    for c in ("lake", "scenes", "latest km2", "growth %/yr", "m2/yr (90% CI)", "advisory"):
        t.add_column(c)
    for r in rows:
        g = r["growth"]
        ci = g["rate_ci90_m2_per_year"] if g else None
        t.add_row(str(r["lake"]), str(r["scenes"]), f"{g['latest_area_m2'] / 1e6:.4f}" if g else "-",
                  f"{g['pct_per_year']:+.1f}" if g else "(< 3 scenes)",
                  f"{g['rate_m2_per_year']:,.0f} ({ci[0]:,.0f}..{ci[1]:,.0f})" if g and ci else "-",
                  "[yellow]WATCH[/]" if r["decision"] else "-")
    console.print(t)


@lakes_app.command("hazard")
def hazard_cmd(site: SiteOpt = None, json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Volume and peak discharge of each site lake from its last area, with the range and the formulas' spread."""
    from glofwatch.lakes.hazard import estimate
    from glofwatch.site import load_site

    try:
        s = load_site(site)
    except GlofwatchError as e:
        _fail(e)
    rows = [{"lake": lk.id, **estimate(lk.area_m2 or 0.0, lk.dam, volume_m3=lk.volume_m3).as_dict()}
            for lk in s.lakes if lk.area_m2 or lk.volume_m3]
    if json_out:
        sys.stdout.write(orjson.dumps(rows).decode() + "\n")
        return
    t = Table(title=f"{s.id} - lake hazard (Qp: fit per dam type, 10-90 % range; formulas for the dam type)")
    for c in ("lake", "dam", "area km2", "volume 1e6 m3", "Qp m3/s", "range", "published formulas"):
        t.add_column(c)
    for r in rows:
        lo, hi = r["peak_discharge_range_m3s"]
        t.add_row(r["lake"], r["dam"], f"{r['area_m2'] / 1e6:.3f}", f"{r['volume_m3'] / 1e6:.2f}",
                  f"{r['peak_discharge_m3s']:.0f}", f"{lo:.0f}..{hi:.0f}",
                  ", ".join(f"{k} {v:.0f}" for k, v in r["formulas_m3s"].items()))
    console.print(t)
