"""``glofwatch terrain ...``: flow paths, arrival times and exposed households from a DEM."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.table import Table

from glofwatch.errors import GlofwatchError

terrain_app = typer.Typer(help="Where an outburst goes: DEM flow paths, arrival times, footprints, households.",
                          no_args_is_help=True)
console = Console()
err = Console(stderr=True)


def _fail(e: Exception, code: int = 2) -> None:
    err.print(f"[red]error:[/red] {e}", highlight=False)
    raise typer.Exit(code)


@terrain_app.command("paths")
def paths_cmd(
    dem: Annotated[Path, typer.Option("--dem", help="DEM GeoTIFF covering the lakes and their valleys.")],
    site: Annotated[str | None, typer.Option("--site", "-s", help="Site directory or site.yaml.")] = None,
    write: Annotated[bool, typer.Option(help="Write the computed flow_paths into the site file.")] = True,
    out: Annotated[Path | None, typer.Option(help="Write a copy of the site file here instead of in place.")] = None,
    speed_low: Annotated[float, typer.Option(help="Slowest wave front (m/s).")] = 2.0,
    speed_high: Annotated[float, typer.Option(help="Fastest wave front (m/s).")] = 10.0,
    tolerance_m: Annotated[float, typer.Option(help="A zone counts as reached when the path passes this close (m).")] = 500.0,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON report.")] = False,
) -> None:
    """D8 flow path from each lake outlet, chainage and arrival time range to each zone, the households
    inside a screening inundation footprint; writes the site file's `flow_paths`."""
    import shutil

    from glofwatch.site import load_site
    from glofwatch.site.load import demo_site_path
    from glofwatch.terrain.arrival import WaveSpeed
    from glofwatch.terrain.dem import read_dem
    from glofwatch.terrain.flowpaths import flow_directions
    from glofwatch.terrain.paths import flow_paths_yaml, lake_paths, write_flow_paths

    try:
        s = load_site(site)
        lons = [lk.location[0] for lk in s.lakes] + [p[0] for z in s.zones for p in z.polygon]
        lats = [lk.location[1] for lk in s.lakes] + [p[1] for z in s.zones for p in z.polygon]
        d = read_dem(dem, window_lonlat=(min(lons) - 0.05, min(lats) - 0.05, max(lons) + 0.05, max(lats) + 0.05))
    except GlofwatchError as e:
        _fail(e)
    flw = flow_directions(d)
    speed = WaveSpeed(low=speed_low, central=(speed_low * speed_high) ** 0.5, high=speed_high)
    results = lake_paths(s, d, flw, speed=speed, tolerance_m=tolerance_m)
    written = None
    if write and any(r.zones for r in results):
        src = Path(s.source)
        if out is not None:
            if out.resolve() != src.resolve():
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, out)
                hh = src.parent / "households.csv"
                if hh.exists() and not (out.parent / "households.csv").exists():
                    shutil.copyfile(hh, out.parent / "households.csv")
            target = out
        elif src.resolve() == demo_site_path().resolve():
            _fail(GlofwatchError("the bundled demo site is read-only; give --out site.yaml for a copy with the new flow_paths"))
        else:
            target = src
        note = f"flow_paths from {dem.name} (glofwatch terrain paths)"
        written = write_flow_paths(target, flow_paths_yaml(results, s), note=note)
    if json_out:
        sys.stdout.write(orjson.dumps({"dem": str(dem), "notes": d.notes, "written": str(written) if written else None,
                                       "lakes": [r.as_dict() for r in results]}).decode() + "\n")
    else:
        for n in d.notes:
            console.print(f"note: {n}", highlight=False)
        t = Table(title=f"{s.id} - flood paths on {dem.name} (wave {speed_low:g}-{speed_high:g} m/s)")
        for c in ("lake", "path km", "slope", "zone: km, arrival min (fast..slow)", "Qp m3/s", "depth m", "households (people)"):
            t.add_column(c)
        for r in results:
            if r.status == "failed":
                t.add_row(r.lake, "-", "-", f"[red]{r.error}[/]", "-", "-", "-")
                continue
            z = "\n".join(f"{a.zone}: {a.chainage_km:.1f} km, {a.eta_min_early:.0f}..{a.eta_min_late:.0f}" for a in r.arrivals)
            t.add_row(r.lake, f"{r.length_km:.1f}", f"{r.mean_slope:.3f}", z or f"[yellow]{r.error}[/]",
                      f"{r.peak_discharge_m3s:.0f}", f"{r.depth_m[0]:.1f}..{r.depth_m[1]:.1f}",
                      f"{len(r.households)} ({r.people})")
        console.print(t)
        for r in results:
            if r.households:
                console.print(f"{r.lake}: households in the footprint: {', '.join(r.households)}", highlight=False)
        if written:
            console.print(f"flow_paths written to {written}")
