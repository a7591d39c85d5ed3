"""CLI commands of warnings, dissemination and evacuation (registered in ``glofwatch.cli``):

- ``glofwatch alert issue|update|escalate|cancel|all-clear|drill|test|list|show|feed``
- ``glofwatch dispatch --channel URL ...`` (the sending worker; ``--follow`` keeps running)
- ``glofwatch evacuation counts ALERT`` / ``season YEAR`` / ``checkin HOUSEHOLD SHELTER`` / ``ack HOUSEHOLD safe|need_help``

Heavy imports stay inside the functions.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console

alert_app = typer.Typer(help="Alerts: issue, update, escalate, cancel, all-clear, drill, test; list and show CAP.",
                        no_args_is_help=True)
evac_app = typer.Typer(help="Evacuation: acknowledgements, shelter check-ins, counts.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)

SiteOpt = Annotated[str | None, typer.Option("--site", "-s", help="Site directory or site.yaml; default: the bundled demo site.")]
DbOpt = Annotated[str | None, typer.Option("--database", "-d", help="SQLite file or postgresql://... URL.")]
Operator = Annotated[str, typer.Option("--operator", "-o", help="Who does it (kept with the alert).")]
Note = Annotated[str, typer.Option("--note", help="Why (kept with the alert, CAP <note>).")]
Zones = Annotated[list[str], typer.Option("--zone", "-z", help="Zone id (repeat).")]


def _ctx(site: str | None, database: str | None) -> tuple[Any, Any, Any]:
    from glofwatch.clock import SystemClock
    from glofwatch.errors import GlofwatchError
    from glofwatch.site import load_site
    from glofwatch.store import open_store

    try:
        return load_site(site), open_store(database).engine, SystemClock()
    except GlofwatchError as e:
        err.print(f"[red]error:[/red] {e}", highlight=False)
        raise typer.Exit(2) from e


def _done(r: Any) -> None:
    a = r.alert
    console.print(f"{a.msg_type} [bold]{a.kind}[/bold] {a.id} ({a.status}) zones {', '.join(a.zones)}: "
                  f"{r.deliveries_planned} deliveries queued; run `glofwatch dispatch` to send")
    for p in r.problems[:20]:
        console.print(f"  [yellow]problem[/yellow] {p}", highlight=False)


def _run(fn: Any, *a: Any, **kw: Any) -> Any:
    from glofwatch.errors import GlofwatchError

    try:
        return fn(*a, **kw)
    except GlofwatchError as e:
        err.print(f"[red]error:[/red] {e}", highlight=False)
        raise typer.Exit(2) from e


@alert_app.command("issue")
def alert_issue(level: Annotated[str, typer.Argument(help="advisory, watch, warning or evacuate")], zone: Zones,
                hazard: str = "glof", lake: str | None = None, operator: Operator = "", note: Note = "",
                site: SiteOpt = None, database: DbOpt = None) -> None:
    """Issue a new alert to the zones (CAP msgType Alert, status Actual)."""
    from glofwatch.warnings import service as ws

    s, eng, clock = _ctx(site, database)
    _done(_run(ws.issue, eng, s, level=level, hazard=hazard, zones=zone, lake=lake, operator=operator, note=note, clock=clock))


@alert_app.command("drill")
def alert_drill(level: str, zone: Zones, operator: Operator = "", site: SiteOpt = None, database: DbOpt = None) -> None:
    """An exercise (CAP status Exercise): reaches people and sirens, every text starts with DRILL."""
    from glofwatch.warnings import service as ws

    s, eng, clock = _ctx(site, database)
    _done(_run(ws.drill, eng, s, level=level, zones=zone, operator=operator, clock=clock))


@alert_app.command("test")
def alert_test(operator: Operator = "", site: SiteOpt = None, database: DbOpt = None) -> None:
    """A technical test message (CAP status Test): feed and partners only."""
    from glofwatch.warnings import service as ws

    s, eng, clock = _ctx(site, database)
    _done(_run(ws.test, eng, s, operator=operator, clock=clock))


@alert_app.command("update")
def alert_update(alert_id: str, level: str | None = None, zone: Annotated[list[str] | None, typer.Option("--zone", "-z")] = None,
                 operator: Operator = "", note: Note = "", site: SiteOpt = None, database: DbOpt = None) -> None:
    """A new message of the same event (CAP Update; references the earlier ones)."""
    from glofwatch.warnings import service as ws

    s, eng, clock = _ctx(site, database)
    _done(_run(ws.update, eng, s, alert_id, level=level, zones=zone or None, operator=operator, note=note, clock=clock))


@alert_app.command("escalate")
def alert_escalate(alert_id: str, level: str, operator: Operator = "", note: Note = "", site: SiteOpt = None,
                   database: DbOpt = None) -> None:
    """Raise the level of an alert (an Update to a higher level)."""
    from glofwatch.warnings import service as ws

    s, eng, clock = _ctx(site, database)
    _done(_run(ws.escalate, eng, s, alert_id, level=level, operator=operator, note=note, clock=clock))


@alert_app.command("cancel")
def alert_cancel(alert_id: str, operator: Operator = "", note: Note = "", site: SiteOpt = None, database: DbOpt = None) -> None:
    """Withdraw an alert issued in error (CAP Cancel); people and sirens are told."""
    from glofwatch.warnings import service as ws

    s, eng, clock = _ctx(site, database)
    _done(_run(ws.cancel, eng, s, alert_id, operator=operator, note=note, clock=clock))


@alert_app.command("all-clear")
def alert_all_clear(alert_id: str, operator: Operator = "", note: Note = "", site: SiteOpt = None,
                    database: DbOpt = None) -> None:
    """The danger is over (CAP Update, responseType AllClear); sirens stop."""
    from glofwatch.warnings import service as ws

    s, eng, clock = _ctx(site, database)
    _done(_run(ws.all_clear, eng, s, alert_id, operator=operator, note=note, clock=clock))


@alert_app.command("list")
def alert_list(active: bool = False, site: SiteOpt = None, database: DbOpt = None,
               json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Alerts of the site, newest first, with their delivery summary."""
    from glofwatch.clock import iso, ms
    from glofwatch.dissemination import outbox
    from glofwatch.warnings import service as ws

    s, eng, clock = _ctx(site, database)
    rows = ws.list_alerts(eng, s.id, active_only=active, now_ms=ms(clock.now()))
    if json_out:
        sys.stdout.write(orjson.dumps([{**r.__dict__, "deliveries": outbox.summary(eng, r.id)} for r in rows]).decode() + "\n")
        return
    for r in rows:
        summ = ", ".join(f"{ch} " + "/".join(f"{n} {st}" for st, n in v.items())
                         for ch, v in outbox.summary(eng, r.id).items())
        console.print(f"{iso(r.sent_ms)} {r.id} {r.status} {r.msg_type} [bold]{r.kind}[/bold] {','.join(r.zones)}  {summ}",
                      highlight=False)


@alert_app.command("show")
def alert_show(alert_id: str, database: DbOpt = None) -> None:
    """Print the CAP 1.2 XML of an alert."""
    from glofwatch.warnings import service as ws

    _s, eng, _c = _ctx(None, database)
    sys.stdout.write(_run(ws.cap_xml, eng, alert_id).decode())


@alert_app.command("feed")
def alert_feed(base_url: Annotated[str, typer.Option(help="Where the CAP files are published.")] = "http://127.0.0.1:8000/cap",
               site: SiteOpt = None, database: DbOpt = None) -> None:
    """Print the Atom feed of current alerts."""
    from glofwatch.warnings import service as ws

    s, eng, clock = _ctx(site, database)
    sys.stdout.write(ws.atom_feed(eng, s, base_url=base_url, clock=clock).decode())


def dispatch(channel: Annotated[list[str], typer.Option("--channel", "-c", help="Channel URL (repeat), e.g. smpp://u:p@host:2775")],
             follow: Annotated[bool, typer.Option(help="Keep running: new alerts, answers, escalations.")] = False,
             rate: Annotated[list[str] | None, typer.Option(help="KIND=PER_SECOND rate limit (repeat), e.g. sms=50")] = None,
             site: SiteOpt = None, database: DbOpt = None) -> None:
    """Send what the outbox holds (evacuations first); after a crash it finishes the job, nothing sent twice
    except a message in flight at the crash."""
    from glofwatch.dissemination.worker import run_worker
    from glofwatch.errors import GlofwatchError

    try:
        rep = run_worker(database=database, channels=channel, site=site, follow=follow,
                         rate={k: float(v) for k, v in (r.split("=", 1) for r in rate or [])})
    except GlofwatchError as e:
        err.print(f"[red]error:[/red] {e}", highlight=False)
        raise typer.Exit(2) from e
    console.print(f"dispatched: {dict(rep.counts)}; fallbacks {rep.fallbacks}")
    for p in rep.problems[:30]:
        console.print(f"  [yellow]problem[/yellow] {p}", highlight=False)


@evac_app.command("counts")
def evac_counts(alert_id: str, site: SiteOpt = None, database: DbOpt = None,
                json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Households warned, reached, acknowledged, evacuated; people evacuated; who still needs help."""
    from glofwatch.evacuation import service as ev

    s, eng, _c = _ctx(site, database)
    c = _run(ev.alert_counts, eng, s, alert_id)
    if json_out:
        sys.stdout.write(orjson.dumps(c.as_dict()).decode() + "\n")
        return
    console.print(f"targeted {c.households_targeted} households ({c.people_targeted} people); warned {c.warned}, reached "
                  f"{c.reached}, answered {c.acknowledged} ({c.safe} safe, {c.need_help} need help); evacuated {c.evacuated} "
                  f"households, {c.people_evacuated} people")
    for x in c.still_need_help[:50]:
        console.print(f"  needs help: {x['household']} {x['zone']} members {x['members']} vulnerable {x['vulnerable']} "
                      f"{x['answer'] or 'no answer'} {x['phone']}", highlight=False)


@evac_app.command("season")
def evac_season(year: int, site: SiteOpt = None, database: DbOpt = None) -> None:
    """Counts over every Actual alert of a year."""
    from glofwatch.evacuation import service as ev

    s, eng, _c = _ctx(site, database)
    c = ev.season_counts(eng, s, year)
    console.print(f"{year}: {len(c.alerts)} alerts; {c.evacuated} households, {c.people_evacuated} people evacuated; "
                  f"{c.acknowledged} answered")


@evac_app.command("checkin")
def evac_checkin(household: str, shelter: str, people: int | None = None, site: SiteOpt = None, database: DbOpt = None) -> None:
    """Record a household's arrival at a shelter (operator)."""
    from glofwatch.evacuation import service as ev

    s, eng, clock = _ctx(site, database)
    r = _run(ev.check_in, eng, s, household=household, shelter=shelter, people=people, clock=clock)
    console.print(f"{r.household} checked in at {r.shelter}: {r.people} people")


@evac_app.command("ack")
def evac_ack(household: str, answer: str, site: SiteOpt = None, database: DbOpt = None) -> None:
    """Record a household's answer taken by phone (safe | need_help)."""
    from glofwatch.evacuation import service as ev

    s, eng, clock = _ctx(site, database)
    r = _run(ev.record_ack, eng, s, household=household, answer=answer, via="operator", clock=clock)
    console.print(f"{r.household}: {r.answer}")
