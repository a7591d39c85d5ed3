"""``glofwatch maintenance start|end|list``: maintenance windows (:mod:`glofwatch.telemetry.maintenance`) from the shell.

The same windows as the console's ``/api/v1/maintenance``, audited the same way: every start and end (and a
refused one) goes to the audit log, under ``--by`` (default the OS user name) with the role ``cli``. Kept apart
from ``cli.py`` so that importing the CLI stays light (the store loads only when a command runs).
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from typing import Annotated, Any, NoReturn

import orjson
import typer
from rich.console import Console

maintenance_app = typer.Typer(
    help="Maintenance windows: a technician at a station; detection ignores its readings in the window and starts "
    "its history afresh after it.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)

SiteOpt = Annotated[str | None, typer.Option("--site", "-s", help="Site directory or site.yaml; default: the bundled demo site.")]
DbOpt = Annotated[str | None, typer.Option("--database", "-d", help="SQLite file or postgresql://... URL; "
                                           "default: $GLOFWATCH_DATABASE_URL, then a file in the user data folder.")]
Reason = Annotated[str, typer.Option("--reason", "-r", help="Why (at least 3 characters): kept with the window and in the "
                                                            "audit log.")]
By = Annotated[str | None, typer.Option("--by", help="Who does it (default: your OS user name); in the audit log.")]
DEFAULT_HOURS = 2.0
ROLE = "cli"  # the audit log's role for actions taken from the shell (no console login behind them)


def _fail(msg: object) -> NoReturn:
    err.print(f"[red]error:[/red] {msg}", highlight=False)
    raise typer.Exit(2)


def _ctx(site: str | None, database: str | None) -> tuple[Any, Any, Any]:
    from glofwatch.clock import SystemClock
    from glofwatch.errors import GlofwatchError
    from glofwatch.site import load_site
    from glofwatch.store import open_store

    try:
        return load_site(site), open_store(database).engine, SystemClock()
    except GlofwatchError as e:
        _fail(e)


def _who(by: str | None) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no LOGNAME/USER and no passwd entry (some containers)
        return "unknown"


def _reason(reason: str) -> str:
    r = reason.strip()
    if len(r) < 3:
        _fail("give a reason of at least 3 characters with --reason (it goes to the audit log)")
    return r


def _when(s: str, what: str) -> int:
    from glofwatch.clock import ms, parse_iso

    try:
        return ms(parse_iso(s))
    except ValueError:
        _fail(f"{what} {s!r} is not an ISO 8601 time; write e.g. 2025-07-27T06:00:00Z (UTC when it has no offset)")


def _audited(eng: Any, clock: Any, who: str, action: str, target: str, reason: str, detail: dict[str, Any],
             fn: Callable[[], Any]) -> Any:
    """Run ``fn`` (a maintenance call); write the outcome or the refusal to the audit log; refusals exit 2."""
    from glofwatch.console.audit import AuditLog
    from glofwatch.errors import GlofwatchError

    log = AuditLog(eng, clock)
    try:
        w = fn()
    except (GlofwatchError, KeyError) as e:
        msg = str(e.args[0]) if isinstance(e, KeyError) and e.args else str(e)
        log.append(username=who, role=ROLE, action=action + ".refused", target=target, reason=reason,
                   detail={**detail, "error": msg})
        _fail(msg)
    d = w.as_dict()
    log.append(username=who, role=ROLE, action=action, target=f"{w.station}/{w.sensor}" if w.sensor else w.station,
               reason=reason, detail={**detail, "id": w.id, "start": d["start"], "end": d["end"]})
    return w


def _hm(t_ms: int) -> str:
    from glofwatch.clock import from_ms

    return from_ms(t_ms).strftime("%Y-%m-%d %H:%M UTC")


@maintenance_app.command("start")
def start(
    station: Annotated[str, typer.Option("--station", help="The station the technician works at.")],
    reason: Reason,
    sensor: Annotated[str | None, typer.Option("--sensor", help="Only this sensor (default: all its sensors).")] = None,
    hours: Annotated[float | None, typer.Option("--hours", help=f"How long (default {DEFAULT_HOURS:g} h, at most 72).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="When it ends, ISO 8601 (instead of --hours).")] = None,
    begin: Annotated[str | None, typer.Option("--start", help="When it starts, ISO 8601 (default: now).")] = None,
    by: By = None,
    site: SiteOpt = None,
    database: DbOpt = None,
) -> None:
    """Open a maintenance window for a station (or one sensor): detection ignores its readings until it ends."""
    from glofwatch.clock import ms
    from glofwatch.telemetry import maintenance as mt

    s, eng, clock = _ctx(site, database)
    why, who = _reason(reason), _who(by)
    if hours is not None and until is not None:
        _fail("give --hours or --until, not both")
    now = ms(clock.now())
    t0 = _when(begin, "--start") if begin else now
    t1 = _when(until, "--until") if until else t0 + round((DEFAULT_HOURS if hours is None else hours) * mt.HOUR_MS)
    target = f"{station}/{sensor}" if sensor else station
    detail = {k: v for k, v in {"station": station, "sensor": sensor, "hours": hours, "until": until}.items() if v is not None}
    w = _audited(eng, clock, who, "maintenance.open", target, why, detail,
                 lambda: mt.open_window(eng, s, station=station, sensor=sensor, start_ms=t0, end_ms=t1, reason=why, by=who,
                                        now_ms=now))
    console.print(f"maintenance window [bold]{w.id}[/bold] opened: {w.station} ({w.sensor or 'all sensors'}) "
                  f"{_hm(w.start_ms)} to {_hm(w.end_ms)}; detection ignores its readings in the window. "
                  f"End it early with `glofwatch maintenance end {w.id} --reason ...`", highlight=False)


@maintenance_app.command("end")
def end(
    window_id: Annotated[int, typer.Argument(metavar="ID", help="The window's id (`glofwatch maintenance list`).")],
    reason: Reason,
    by: By = None,
    site: SiteOpt = None,
    database: DbOpt = None,
) -> None:
    """End a maintenance window now: detection believes the station's readings again, its history starting afresh."""
    from glofwatch.clock import ms
    from glofwatch.telemetry import maintenance as mt

    s, eng, clock = _ctx(site, database)
    why, who = _reason(reason), _who(by)
    w = _audited(eng, clock, who, "maintenance.end", str(window_id), why, {"id": window_id},
                 lambda: mt.end_window(eng, s, window_id, now_ms=ms(clock.now())))
    console.print(f"maintenance window [bold]{w.id}[/bold] of {w.station} ({w.sensor or 'all sensors'}) ended at "
                  f"{_hm(w.end_ms)}", highlight=False)


@maintenance_app.command("list")
def list_(
    all_: Annotated[bool, typer.Option("--all", help="Every window, not only those in force, to come or ended in the "
                                                      "last 24 h.")] = False,
    site: SiteOpt = None,
    database: DbOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print a JSON list (each window with active).")] = False,
) -> None:
    """Maintenance windows in force, to come, and ended in the last 24 h (newest first)."""
    from rich.markup import escape
    from rich.table import Table

    from glofwatch.clock import ms
    from glofwatch.telemetry import maintenance as mt

    s, eng, clock = _ctx(site, database)
    now = ms(clock.now())
    rows = mt.windows(eng, s.id, ending_after_ms=None if all_ else now - 24 * mt.HOUR_MS)
    if json_out:
        sys.stdout.write(orjson.dumps([{**w.as_dict(), "active": w.active(now)} for w in rows]).decode() + "\n")
        return
    if not rows:
        console.print("no maintenance windows" + ("" if all_ else " in force, to come or ended in the last 24 h "
                                                   "(--all for every one)"))
        return
    t = Table(title=f"{s.site.name} - maintenance windows")
    for c in ("id", "station", "sensor", "start (UTC)", "end (UTC)", "active", "by", "reason"):
        t.add_column(c, no_wrap=c in ("id", "station"), overflow="fold")
    for w in rows:
        state = ("[green]yes[/green]" if w.active(now) else "no (to come)" if w.start_ms > now
                 else "no (ended early)" if w.ended_early else "no (ended)")
        t.add_row(str(w.id), w.station, w.sensor or "all sensors", _hm(w.start_ms)[:-4], _hm(w.end_ms)[:-4], state,
                  escape(w.by), escape(w.reason))
    console.print(t)
