"""The ``glofwatch`` command. Thin wrappers: each command parses options and calls the library.

Options shared by most commands: ``--site`` (a site directory or file; default the bundled
Issyk-Kul demo site) and ``--database`` (a SQLite path or ``postgresql://...``; default
``GLOFWATCH_DATABASE_URL``, then a SQLite file in the user's data folder).
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

app = typer.Typer(
    name="glofwatch",
    help="Early warning for glacial lake outburst floods (GLOFs) and debris flows.\n\n"
    "Start with `glofwatch demo`. Telemetry comes in with `glofwatch ingest` (files), "
    "`glofwatch mqtt-worker` (MQTT/SenML) and `glofwatch serve` (HTTP).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema: create or upgrade.", no_args_is_help=True)
token_app = typer.Typer(help="Station tokens for HTTP ingest (one token, one station).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(token_app, name="token")

from glofwatch.console.commands import serve as _serve  # noqa: E402  (console, issue 5)
from glofwatch.console.commands import user_app as _user_app  # noqa: E402

app.command("serve")(_serve)
app.add_typer(_user_app, name="user")

console = Console()
err = Console(stderr=True)

SiteOpt = Annotated[str | None, typer.Option("--site", "-s", help="Site directory or site.yaml; default: the bundled demo site.")]
DbOpt = Annotated[str | None, typer.Option("--database", "-d", help="SQLite file or postgresql://... URL; "
                                           "default: $GLOFWATCH_DATABASE_URL, then a file in the user data folder.")]


def _fail(e: Exception, code: int = 2) -> None:
    err.print(f"[red]error:[/red] {e}", highlight=False)
    raise typer.Exit(code)


def _site(site: str | None) -> Any:
    from glofwatch.site import load_site

    try:
        return load_site(site)
    except GlofwatchError as e:
        _fail(e)


def _store(database: str | None) -> Any:
    from glofwatch.store import open_store

    try:
        return open_store(database)
    except GlofwatchError as e:
        _fail(e)


def _iso(t_ms: int | None) -> str:
    if t_ms is None:
        return "-"
    return datetime.fromtimestamp(t_ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M")


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(help="Long-form telemetry CSV (time,station,sensor,value) or TOA5 .dat files.")],
    site: SiteOpt = None,
    database: DbOpt = None,
    station: Annotated[str | None, typer.Option(help="Station of a TOA5 file whose logger maps to several.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON report object.")] = False,
) -> None:
    """Import telemetry files. Bad rows are reported with file and line; every valid reading is kept."""
    from rich.progress import Progress

    from glofwatch.telemetry.batch import IngestReport
    from glofwatch.telemetry.pipeline import Ingestor

    s = _site(site)
    ing = Ingestor(s, _store(database))
    total = IngestReport()
    with Progress(console=err, transient=True, disable=json_out or not err.is_terminal) as progress:
        task = progress.add_task("ingesting", total=len(files))
        for f in files:
            progress.update(task, description=f"ingesting {f.name}")
            total.merge(ing.ingest_file(f, station=station))
            progress.advance(task)
    d = total.as_dict()
    if json_out:
        sys.stdout.write(orjson.dumps(d).decode() + "\n")
    else:
        console.print(f"[bold]{d['accepted']}[/bold] new readings stored, {d['duplicates']} duplicates, "
                      f"{d['missing']} missing values, [{'red' if d['rejected'] else 'green'}]{d['rejected']} rejected[/]"
                      f" ({d['first'] or '-'} .. {d['last'] or '-'})")
        for n in d["notes"]:
            console.print(f"  note: {n}", highlight=False)
        for r in d["rejections"][:50]:
            console.print(f"  [red]rejected[/red] {r['where']}: {r['reason']}", highlight=False)
        if d["rejected"] > 50:
            console.print(f"  ... {d['rejected'] - 50} more (use --json for the list)")
        if d["flagged"]:
            console.print("  QC flags: " + ", ".join(f"{k} {v}" for k, v in sorted(d["flagged"].items())))
    if total.status == "failed":
        raise typer.Exit(1)


@app.command()
def stations(
    site: SiteOpt = None,
    database: DbOpt = None,
    at: Annotated[str | None, typer.Option(help="Judge health at this UTC time (ISO 8601) instead of now.")] = None,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The station table: health (ok, late, silent), last seen, battery and latest values."""
    from glofwatch.clock import ms, parse_iso
    from glofwatch.telemetry.queries import stations_overview

    s = _site(site)
    now = parse_iso(at) if at else datetime.now(UTC)
    rows = stations_overview(_store(database), s, ms(now))
    if json_out:
        sys.stdout.write(orjson.dumps(rows).decode() + "\n")
        return
    console.print(station_table(s, rows))


def station_table(site: Any, rows: list[dict[str, Any]]) -> Table:
    colour = {"ok": "green", "late": "yellow", "silent": "red", "never": "dim"}
    t = Table(title=f"{site.site.name} - stations")
    for c in ("station", "kind", "state", "last reading (UTC)", "battery", "latest values"):
        t.add_column(c)
    for r in rows:
        vals = ", ".join(
            f"{x['sensor']} {x['value']:.3g} {x['unit']}" + (f" [{'/'.join(x['flags'])}]" if x["flags"] else "")
            for x in r["sensors"] if x["value"] is not None and x["sensor"] != "battery"
        )
        b = "-" if r["battery_v"] is None else f"{r['battery_v']:.1f} V" + (" LOW" if r["battery_low"] else "")
        t.add_row(r["station"], r["kind"], f"[{colour[r['state']]}]{r['state']}[/]", _iso(r["last_obs_ms"]), b, vals)
    return t


@app.command()
def series(
    station: Annotated[str, typer.Argument()],
    sensor: Annotated[str, typer.Argument()],
    start: Annotated[str, typer.Option(help="Window start, ISO 8601 UTC.")],
    end: Annotated[str, typer.Option(help="Window end, ISO 8601 UTC.")],
    every: Annotated[str, typer.Option(help="Resample to this step (pandas offset: 10min, 1h); 'raw' for none.")] = "10min",
    agg: Annotated[str, typer.Option(help="mean, min, max, sum, last or count per step.")] = "mean",
    site: SiteOpt = None,
    database: DbOpt = None,
) -> None:
    """Print a sensor's readings over a window as CSV, resampled."""
    from glofwatch.clock import ms, parse_iso
    from glofwatch.telemetry.queries import series as q

    s = _site(site)
    t0 = ms(parse_iso(start))
    t1 = ms(parse_iso(end))
    try:
        df = q(_store(database), s, station, sensor, t0, t1, every=None if every == "raw" else every, agg=agg)  # type: ignore[arg-type]
    except KeyError as e:
        _fail(Exception(e.args[0]))
    sys.stdout.write(df.to_csv(date_format="%Y-%m-%dT%H:%M:%SZ"))


@app.command()
def health(
    site: SiteOpt = None,
    database: DbOpt = None,
    at: Annotated[str | None, typer.Option(help="Evaluate at this UTC time (ISO 8601) instead of now.")] = None,
) -> None:
    """Check for silent stations now; record station_silent / station_back events."""
    from glofwatch.clock import ms, parse_iso
    from glofwatch.telemetry.health import check_silence

    s = _site(site)
    now = parse_iso(at) if at else datetime.now(UTC)
    for e in check_silence(_store(database), s, ms(now)):
        console.print(f"{e['kind']}: {e['station']} at {_iso(e['t_ms'])}")


@app.command("check-config")
def check_config(site: SiteOpt = None, database: DbOpt = None) -> None:
    """Validate a site and open the database; say what is wrong and how to fix it."""
    s = _site(site)
    console.print(f"site [bold]{s.id}[/bold] ({s.source}): {len(s.lakes)} lakes, {len(s.stations)} stations, "
                  f"{sum(len(x.sensors) for x in s.stations)} sensors, {len(s.zones)} zones, "
                  f"{len(s.households)} households, {len(s.sirens)} sirens, {len(s.shelters)} shelters")
    for w in s.warnings:
        console.print(f"  [yellow]warning[/yellow] {w}", highlight=False)
    st = _store(database)
    console.print(f"database: {st.engine.url.render_as_string(hide_password=True)} (schema current)")
    from glofwatch.warnings.config import from_environment

    try:
        pf = from_environment().public_from
    except GlofwatchError as e:
        _fail(e)
    console.print(f"automatic alerts reach households from: {pf} ($GLOFWATCH_PUBLIC_FROM)", highlight=False)


@db_app.command("upgrade")
def db_upgrade(database: DbOpt = None) -> None:
    """Create or migrate the database schema to the current version."""
    from glofwatch.store.database import make_engine, migrate, resolve_url

    eng = make_engine(resolve_url(database))
    migrate(eng)
    console.print(f"schema current in {eng.url.render_as_string(hide_password=True)}")


@token_app.command("create")
def token_create(station: str, site: SiteOpt = None, database: DbOpt = None) -> None:
    """Create a token for STATION's HTTP uploads. It is shown once; only its hash is stored."""
    from glofwatch.clock import SystemClock, ms

    s = _site(site)
    try:
        tok = _store(database).create_token(s, station, now_ms=ms(SystemClock().now()))
    except KeyError as e:
        _fail(Exception(e.args[0]))
    sys.stdout.write(tok + "\n")


@token_app.command("revoke")
def token_revoke(station: str, site: SiteOpt = None, database: DbOpt = None) -> None:
    """Revoke every token of STATION."""
    s = _site(site)
    n = _store(database).revoke_tokens(s.id, station)
    console.print(f"revoked {n} token(s) of {station}")


@app.command()
def demo(
    out: Annotated[Path | None, typer.Option(help="Folder for the demo's outputs.")] = None,
    database: Annotated[str | None, typer.Option("--database", "-d", help="Database; default: new SQLite file in OUT.")] = None,
) -> None:
    """Run the reference site through the system on the embedded default (SQLite, no server)."""
    from glofwatch.demo import run_demo

    try:
        run_demo(out=out, database=database, console=console)
    except GlofwatchError as e:
        _fail(e)


from glofwatch.telemetry.mqtt_cli import mqtt_worker  # noqa: E402 - light module, heavy imports inside

app.command("mqtt-worker")(mqtt_worker)

from glofwatch.sim.commands import simulate  # noqa: E402 - light module, heavy imports inside

app.command("simulate")(simulate)

from glofwatch.evaluation.commands import evaluate  # noqa: E402 - light module, heavy imports inside

app.command("evaluate")(evaluate)

from glofwatch.detection.commands import replay, train  # noqa: E402 - light module, heavy imports inside

app.command("replay")(replay)
app.command("train")(train)

from glofwatch.warnings.commands import alert_app, dispatch, evac_app  # noqa: E402 - warnings (issue 4), light module

app.add_typer(alert_app, name="alert")
app.add_typer(evac_app, name="evacuation")
app.command("dispatch")(dispatch)

from glofwatch.telemetry.maintenance_cli import maintenance_app  # noqa: E402 - maintenance windows, light module

app.add_typer(maintenance_app, name="maintenance")


from glofwatch.lakes.commands import lakes_app  # noqa: E402 - lakes (issue 6), light module, heavy imports inside
from glofwatch.terrain.commands import terrain_app  # noqa: E402 - terrain (issue 6), light module

app.add_typer(lakes_app, name="lakes")
app.add_typer(terrain_app, name="terrain")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
