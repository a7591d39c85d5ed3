"""The alert lifecycle over the database: issue, update, escalate, cancel, all-clear, drill, test.

Every step writes a new CAP message (alerts are never deleted or edited, except ``superseded_by`` on
the message a later one replaces) and, in the same transaction, the outbox rows that will carry it
to households, sirens and partners (:mod:`glofwatch.dissemination.outbox`). The dispatcher sends
them later; a crash between the two loses nothing.

>>> r = issue(engine, site, level="warning", hazard="glof", zones=["cha-town"], operator="duty", clock=clock)  # doctest: +SKIP
>>> cancel(engine, site, r.alert.id, operator="duty", note="false alarm", clock=clock)  # doctest: +SKIP
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy import update as sql_update

from glofwatch.clock import Clock, from_ms, ms, parse_iso
from glofwatch.detection.decision import LEVELS, Decision, level_rank
from glofwatch.dissemination import outbox
from glofwatch.dissemination.targeting import plan
from glofwatch.errors import GlofwatchError
from glofwatch.site import Site
from glofwatch.store.tables import alerts as A
from glofwatch.store.tables import deliveries as D
from glofwatch.warnings.cap import CapRef, CapSpec, build_cap, cap_time, check_cap
from glofwatch.warnings.config import WarningsConfig
from glofwatch.warnings.feed import atom_feed as _atom
from glofwatch.warnings.levels import CAP_LEVELS

HAZARDS = ("glof", "debris_flow", "flood")


class AlertError(GlofwatchError):
    """A lifecycle step that is not allowed (unknown alert, zone or level; updating a closed alert)."""


@dataclass(frozen=True)
class AlertRecord:
    """One stored CAP message. ``kind`` is the level, or ``cancel`` / ``all_clear`` / ``test``."""

    id: str
    site: str
    thread: str
    sent_ms: int
    status: str
    msg_type: str
    kind: str
    hazard: str
    lake: str | None
    zones: list[str]
    decision_id: str | None
    references: str
    operator: str
    note: str
    expires_ms: int | None
    superseded_by: str | None
    onset_ms: int | None
    arrivals: dict[str, int]  # zone -> arrival time (ms) used in messages

    @property
    def level(self) -> str:
        return self.kind

    def is_active(self, now_ms: int) -> bool:
        """Current: not replaced, not a cancel/all-clear/test, not expired."""
        return (self.superseded_by is None and self.msg_type != "Cancel" and self.kind not in ("all_clear", "test")
                and (self.expires_ms is None or self.expires_ms > now_ms))


@dataclass(frozen=True)
class IssueResult:
    alert: AlertRecord
    deliveries_planned: int
    problems: list[str] = field(default_factory=list)  # per-recipient planning problems (unknown language, no contact)
    created: bool = True  # False when the decision had already been turned into this alert


def _rec(r: Any) -> AlertRecord:
    return AlertRecord(r.id, r.site, r.thread, r.sent_ms, r.status, r.msg_type, r.level, r.hazard, r.lake, json.loads(r.zones),
                       r.decision_id, r.refs, r.operator, r.note, r.expires_ms, r.superseded_by, r.onset_ms,
                       {k: int(v) for k, v in json.loads(r.arrivals or "{}").items()} if r.arrivals.startswith("{") else {})


def get_alert(engine: Engine, alert_id: str) -> AlertRecord:
    with engine.connect() as conn:
        r = conn.execute(select(A).where(A.c.id == alert_id)).first()
    if r is None:
        raise AlertError(f"no alert {alert_id!r}; list them with glofwatch.warnings.service.list_alerts")
    return _rec(r)


def list_alerts(engine: Engine, site_id: str, *, active_only: bool = False, now_ms: int | None = None) -> list[AlertRecord]:
    """Alerts of a site, newest first (``active_only``: those still current at ``now_ms``)."""
    with engine.connect() as conn:
        rows = [_rec(r) for r in conn.execute(select(A).where(A.c.site == site_id).order_by(A.c.sent_ms.desc(), A.c.id.desc()))]
    if active_only:
        rows = [r for r in rows if r.is_active(now_ms if now_ms is not None else 2**62)]
    return rows


def thread(engine: Engine, alert_id: str) -> list[AlertRecord]:
    """The alert and every message of its event (updates, cancel), oldest first."""
    t = get_alert(engine, alert_id).thread
    with engine.connect() as conn:
        return [_rec(r) for r in conn.execute(select(A).where(A.c.thread == t).order_by(A.c.sent_ms, A.c.id))]


def cap_xml(engine: Engine, alert_id: str) -> bytes:
    with engine.connect() as conn:
        x = conn.execute(select(A.c.xml).where(A.c.id == alert_id)).scalar()
    if x is None:
        raise AlertError(f"no alert {alert_id!r}")
    return str(x).encode()


def atom_feed(engine: Engine, site: Site, *, base_url: str, clock: Clock, config: WarningsConfig | None = None) -> bytes:
    """The Atom feed of the site's current alerts (what aggregators poll)."""
    now = ms(clock.now())
    cur = list_alerts(engine, site.id, active_only=True, now_ms=now)
    return _atom(site, [(a, cap_xml(engine, a.id)) for a in cur], base_url=base_url, now=clock.now(),
                 sender=(config or WarningsConfig()).sender)


# ------------------------------------------------------------------ the steps
def _new_id(engine: Engine, site: Site, t: datetime) -> str:
    with engine.connect() as conn:
        n = int(conn.execute(select(func.count()).select_from(A).where(A.c.site == site.id)).scalar() or 0)
    # the random tail keeps identifiers unique when two processes (console, detection) issue in the same second
    return f"{site.id}-{t.strftime('%Y%m%dT%H%M%S')}-{n + 1:04d}-{secrets.token_hex(2)}"


def _check_zones(site: Site, zones: list[str]) -> None:
    bad = [z for z in zones if z not in site.zone_by_id]
    if bad:
        raise AlertError(f"unknown zone(s) {bad} for site {site.id}; known: {sorted(site.zone_by_id)}")
    if not zones:
        raise AlertError("an alert needs at least one zone (CAP <area>); name the zones to warn")


def _write(engine: Engine, site: Site, *, kind: str, hazard: str, zones: list[str], lake: str | None, status: str,
           msg_type: str, operator: str, note: str, clock: Clock, config: WarningsConfig | None,
           previous: AlertRecord | None = None, decision_id: str | None = None, onset: datetime | None = None,
           arrivals: dict[str, datetime] | None = None, reach: bool = True) -> IssueResult:
    cfg = config or WarningsConfig()
    _check_zones(site, zones)
    if hazard not in HAZARDS:
        raise AlertError(f"unknown hazard {hazard!r}; use one of {HAZARDS}")
    now = clock.now()
    aid = _new_id(engine, site, now)
    refs: list[CapRef] = []
    if previous is not None:
        refs = [CapRef(sender=cfg.sender, identifier=a.id, sent=from_ms(a.sent_ms)) for a in thread(engine, previous.id)]
    lvl = CAP_LEVELS.get(kind, CAP_LEVELS["all_clear"])
    expires = now + timedelta(hours=lvl.expires_h)
    arrivals = dict(arrivals or {})
    spec = CapSpec(identifier=aid, sender=cfg.sender, sent=now, status=status, msg_type=msg_type, kind=kind, hazard=hazard,
                   zones=zones, lake=lake, onset=onset, expires=expires, arrivals=arrivals, references=refs, note=note,
                   web=cfg.web, contact=cfg.contact, languages=cfg.languages)
    xml = build_cap(site, spec, cfg.names)
    keys = cfg.signing()
    if keys:
        from glofwatch.warnings.sign import sign_cap

        xml = sign_cap(xml, key_pem=keys[0], cert_pem=keys[1])
    chk = check_cap(xml)
    if not chk.passed:
        raise AlertError(f"CAP message {aid} does not conform, not issued: " + "; ".join(chk.problems))
    planned = plan(site, zones, languages=cfg.languages, sirens=kind in ("evacuate", "all_clear", "cancel") and reach,
                   email_all=cfg.email_all) if reach else plan(site, [], sirens=False)
    if kind in ("all_clear", "cancel") and previous is not None and previous.kind not in ("evacuate",):
        planned = [p for p in planned if p.kind != "siren"]  # nothing to switch off
    problems = sorted({f"{p.recipient}: {p.note}" for p in planned if p.note})
    lane = CAP_LEVELS.get(kind, CAP_LEVELS["advisory"]).lane
    with engine.begin() as conn:  # the alert and its outbox rows: one transaction
        conn.execute(insert(A).values(
            id=aid, site=site.id, thread=previous.thread if previous else aid, sent_ms=ms(now), status=status,
            msg_type=msg_type, level=kind, hazard=hazard, lake=lake, zones=json.dumps(zones), decision_id=decision_id,
            refs=" ".join(r.text() for r in refs), operator=operator, note=note, expires_ms=ms(expires), superseded_by=None,
            onset_ms=ms(onset) if onset else None, arrivals=json.dumps({z: ms(t) for z, t in arrivals.items()}),
            xml=xml.decode()))
        if previous is not None:
            conn.execute(sql_update(A).where(A.c.thread == previous.thread, A.c.id != aid, A.c.superseded_by.is_(None))
                         .values(superseded_by=aid))
        n = outbox.write_rows(conn, alert_id=aid, site_id=site.id, planned=planned, priority=lane, now_ms=ms(now))
    return IssueResult(get_alert(engine, aid), n, problems)


def issue(engine: Engine, site: Site, *, level: str, hazard: str, zones: list[str], clock: Clock, lake: str | None = None,
          operator: str = "", note: str = "", status: str = "Actual", onset: datetime | None = None,
          arrivals: dict[str, datetime] | None = None, config: WarningsConfig | None = None) -> IssueResult:
    """A new alert (CAP msgType Alert) to ``zones``; ``status`` Actual, Exercise (drill) or Test."""
    if level not in LEVELS:
        raise AlertError(f"unknown level {level!r}; use one of {LEVELS} (all-clear: all_clear(); cancel: cancel())")
    if status not in ("Actual", "Exercise"):
        raise AlertError(f"status {status!r}: use issue() for Actual, drill() for Exercise, test() for Test")
    return _write(engine, site, kind=level, hazard=hazard, zones=zones, lake=lake, status=status, msg_type="Alert",
                  operator=operator, note=note, clock=clock, config=config, onset=onset, arrivals=arrivals)


def drill(engine: Engine, site: Site, *, level: str, zones: list[str], clock: Clock, hazard: str = "glof",
          lake: str | None = None, operator: str = "", note: str = "drill", config: WarningsConfig | None = None) -> IssueResult:
    """An exercise (CAP status Exercise): reaches households and sirens, every text starts with "DRILL"."""
    return issue(engine, site, level=level, hazard=hazard, zones=zones, lake=lake, operator=operator, note=note,
                 status="Exercise", clock=clock, config=config)


def test(engine: Engine, site: Site, *, clock: Clock, operator: str = "", zones: list[str] | None = None,
         config: WarningsConfig | None = None) -> IssueResult:
    """A technical test (CAP status Test): stored and published in the feed log, sent to no household."""
    return _write(engine, site, kind="test", hazard="glof", zones=zones or [site.zones[0].id], lake=None, status="Test",
                  msg_type="Alert", operator=operator, note="technical test", clock=clock, config=config, reach=False)


def _open(engine: Engine, alert_id: str, now_ms: int) -> AlertRecord:
    a = get_alert(engine, alert_id)
    if a.superseded_by:
        a2 = get_alert(engine, a.superseded_by)
        raise AlertError(f"alert {alert_id} was replaced by {a2.id} ({a2.msg_type}); act on the newest message of the thread")
    if not a.is_active(now_ms) and a.kind != "test":
        raise AlertError(f"alert {alert_id} is closed ({a.msg_type} {a.kind}); issue a new alert instead")
    return a


def update(engine: Engine, site: Site, alert_id: str, *, clock: Clock, level: str | None = None, zones: list[str] | None = None,
           operator: str = "", note: str = "", onset: datetime | None = None, arrivals: dict[str, datetime] | None = None,
           decision_id: str | None = None, config: WarningsConfig | None = None, reach: bool = True) -> IssueResult:
    """A new message of the same event (CAP msgType Update, references to the earlier ones). ``reach``: False sends it
    to the console, the CAP feed and partners only (a detection update that stays under ``public_from``)."""
    prev = _open(engine, alert_id, ms(clock.now()))
    lv = level or prev.kind
    if lv not in LEVELS:
        raise AlertError(f"unknown level {lv!r}; use one of {LEVELS}")
    arr = arrivals if arrivals is not None else {z: from_ms(t) for z, t in prev.arrivals.items()}
    return _write(engine, site, kind=lv, hazard=prev.hazard, zones=zones or prev.zones, lake=prev.lake, status=prev.status,
                  msg_type="Update", operator=operator, note=note, clock=clock, config=config, previous=prev,
                  decision_id=decision_id, onset=onset or (from_ms(prev.onset_ms) if prev.onset_ms else None), arrivals=arr,
                  reach=reach)


def escalate(engine: Engine, site: Site, alert_id: str, *, level: str, clock: Clock, zones: list[str] | None = None,
             operator: str = "", note: str = "", config: WarningsConfig | None = None, **kw: Any) -> IssueResult:
    """An update to a higher level (refuses to go down: use update() for that)."""
    prev = get_alert(engine, alert_id)
    if level_rank(level) <= level_rank(prev.kind):
        raise AlertError(f"escalate from {prev.kind} to {level} is not up; use update() to lower a level")
    return update(engine, site, alert_id, level=level, zones=zones, operator=operator, note=note, clock=clock, config=config,
                  **kw)


def cancel(engine: Engine, site: Site, alert_id: str, *, clock: Clock, operator: str = "", note: str = "",
           config: WarningsConfig | None = None) -> IssueResult:
    """Withdraw an alert issued in error (CAP msgType Cancel); households and sirens are told."""
    prev = _open(engine, alert_id, ms(clock.now()))
    return _write(engine, site, kind="cancel", hazard=prev.hazard, zones=prev.zones, lake=prev.lake, status=prev.status,
                  msg_type="Cancel", operator=operator, note=note or "cancelled", clock=clock, config=config, previous=prev)


def all_clear(engine: Engine, site: Site, alert_id: str, *, clock: Clock, operator: str = "", note: str = "",
              decision_id: str | None = None, config: WarningsConfig | None = None, reach: bool = True) -> IssueResult:
    """The danger is over (CAP msgType Update, responseType AllClear); ends the thread. ``reach``: as in update()."""
    prev = _open(engine, alert_id, ms(clock.now()))
    return _write(engine, site, kind="all_clear", hazard=prev.hazard, zones=prev.zones, lake=prev.lake, status=prev.status,
                  msg_type="Update", operator=operator, note=note or "all clear", clock=clock, config=config, previous=prev,
                  decision_id=decision_id, reach=reach)


def _by_decision(engine: Engine, decision_id: str) -> AlertRecord | None:
    with engine.connect() as conn:
        r = conn.execute(select(A).where(A.c.decision_id == decision_id).order_by(A.c.sent_ms.desc())).first()
    return _rec(r) if r else None


def _newest(engine: Engine, a: AlertRecord) -> AlertRecord:
    return thread(engine, a.id)[-1]


def issue_from_decision(engine: Engine, site: Site, decision: Decision, *, clock: Clock,
                        config: WarningsConfig | None = None) -> IssueResult:
    """Turn a detection :class:`Decision` into an alert: new, escalation/update of the decision it
    follows (``previous``), or all-clear. Idempotent: the same decision twice gives the same alert.

    Messages name the arrival time of the *fast* wave (``eta_min_early``): the time to plan for.
    """
    done = _by_decision(engine, decision.id)
    if done is not None:
        return IssueResult(done, 0, [], created=False)
    onset = parse_iso(decision.onset or decision.time)
    arrivals: dict[str, datetime] = {}
    for a in decision.arrivals:
        arrivals[a.zone] = onset + timedelta(minutes=a.eta_min_early)
    zones = [z for z in decision.zones if z in site.zone_by_id]
    prev = _by_decision(engine, decision.previous) if decision.previous else None
    if prev is None:  # otherwise: the open alert of the same lake/hazard, if any
        now = ms(clock.now())
        prev = next((a for a in list_alerts(engine, site.id, active_only=True, now_ms=now)
                     if a.lake == decision.lake and a.hazard == decision.hazard and a.status == "Actual"), None)
    note = "; ".join(decision.explanation)[:1000]
    public = level_rank(decision.level) >= level_rank((config or WarningsConfig()).public_from)
    if decision.level == "all_clear":
        if prev is None:
            raise AlertError(f"decision {decision.id} is an all-clear but no open alert matches it "
                             f"(previous={decision.previous})")
        cur = _newest(engine, prev)
        return all_clear(engine, site, cur.id, operator="detection", note=note or "all clear", decision_id=decision.id,
                         clock=clock, config=config, reach=_reached(engine, cur))
    if prev is not None and _newest(engine, prev).is_active(ms(clock.now())):
        cur = _newest(engine, prev)
        merged = cur.zones + [z for z in zones if z not in cur.zones]
        return update(engine, site, cur.id, level=decision.level, zones=merged, operator="detection", note=note, onset=onset,
                      arrivals=arrivals or None, decision_id=decision.id, clock=clock, config=config,
                      reach=public or _reached(engine, cur))
    return _write(engine, site, kind=decision.level, hazard=decision.hazard, zones=zones, lake=decision.lake, status="Actual",
                  msg_type="Alert", operator="detection", note=note, clock=clock, config=config, decision_id=decision.id,
                  onset=onset, arrivals=arrivals, reach=public)


def _reached(engine: Engine, a: AlertRecord) -> bool:
    """Whether a message of ``a``'s thread was sent to households (they must hear how it goes on and ends)."""
    ids = [r.id for r in thread(engine, a.id)]
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(D).where(D.c.alert_id.in_(ids), D.c.kind == "household")).scalar()
    return bool(n)


def decision_hook(engine: Engine, site: Site, *, clock: Clock, config: WarningsConfig | None = None,
                  on_alert: Any = None) -> Any:
    """The ``on_decision`` hook of the live path: every detection decision becomes an alert (or an
    update/all-clear of the open one) at once, its outbox rows committed with it; a running
    ``glofwatch dispatch --follow`` sends them. ``on_alert(IssueResult)`` is told of each new one.

    >>> DetectionListener(site, store, on_decision=decision_hook(store.engine, site, clock=clock))  # doctest: +SKIP
    """
    import logging

    log = logging.getLogger(__name__)

    def hook(decision: Decision) -> None:
        try:
            r = issue_from_decision(engine, site, decision, clock=clock, config=config)
        except AlertError as e:  # e.g. an all-clear with no open alert: logged, detection goes on
            log.warning("decision %s not turned into an alert: %s", decision.id, e)
            return
        if r.created and on_alert is not None:
            on_alert(r)

    return hook


__all__ = ["AlertError", "AlertRecord", "IssueResult", "all_clear", "atom_feed", "cancel", "cap_time", "cap_xml", "drill",
           "decision_hook", "escalate", "get_alert", "issue", "issue_from_decision", "list_alerts", "test", "thread", "update"]
