"""Acknowledgements, shelter check-ins and evacuation counts over the database.

Definitions used in every count (per alert thread, i.e. an alert with its updates):

- targeted: households of the thread's zones;
- warned: targeted households to which at least one message was *attempted*;
- reached: households for which a channel confirmed the hand-off (SMSC submit_sm_resp, Telegram
  ``ok``, SMTP 250) - or which answered, which proves it;
- acknowledged: answered (safe or need help) after the thread started; safe / need_help split;
- evacuated: checked in at a shelter after the thread started; people_evacuated: people they brought;
- still_need_help: asked for help (latest answer) and not checked in, or have vulnerable members and
  neither answered "safe" nor checked in - vulnerable first.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Engine, insert, select

from glofwatch.clock import Clock, ms
from glofwatch.errors import GlofwatchError
from glofwatch.site import Site
from glofwatch.store.tables import acks as ACKS
from glofwatch.store.tables import alerts as ALERTS
from glofwatch.store.tables import checkins as CHECKINS
from glofwatch.store.tables import deliveries as D

AnswerKind = Literal["safe", "need_help"]


class EvacuationError(GlofwatchError):
    """Unknown household or shelter, a bad QR token."""


@dataclass(frozen=True)
class Answer:
    kind: AnswerKind


# Words people answer with, in ky / ru / en (lower-case, matched as whole words or prefixes).
SAFE_WORDS = ("1", "safe", "ok", "fine", "коопсуз", "коопсузмун", "жакшы", "безопасно", "в безопасности", "безопасности", "норм",
              "всё хорошо", "все хорошо")
HELP_WORDS = ("2", "help", "need help", "sos", "жардам", "жардам керек", "помощь", "нужна помощь", "помогите")


def parse_reply(text: str) -> Answer | None:
    """"1"/"safe"/"коопсуз"/"безопасно" -> safe; "2"/"help"/"жардам"/"помощь" -> need_help; else None.

    A Telegram button's data ``ack:<thread>:safe`` works too. "help" wins when both appear.
    """
    t = (text or "").strip().lower()
    if t.startswith("ack:"):
        kind = t.rsplit(":", 1)[-1]
        return Answer(kind) if kind in ("safe", "need_help") else None  # type: ignore[arg-type]
    words = re.findall(r"[\w]+", t)
    if not words:
        return None
    first = words[0]
    if first == "2" or any(w in t for w in HELP_WORDS[1:]):
        return Answer("need_help")
    if first == "1" or any(w in t for w in SAFE_WORDS[1:]):
        return Answer("safe")
    return None


@dataclass(frozen=True)
class AckResult:
    status: Literal["recorded", "unknown_sender", "not_understood"]
    household: str | None = None
    answer: str | None = None
    detail: str = ""


def _thread_of_latest(engine: Engine, site_id: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(select(ALERTS.c.id).where(ALERTS.c.site == site_id, ALERTS.c.status != "Test")
                            .order_by(ALERTS.c.sent_ms.desc())).scalar()


def record_ack(engine: Engine, site: Site, *, household: str, answer: str, via: str, clock: Clock,
               alert_id: str | None = None, raw: str = "") -> AckResult:
    """Store an answer of a household (operator on the phone, web, SMS, Telegram)."""
    if answer not in ("safe", "need_help"):
        raise EvacuationError(f"answer {answer!r}: use 'safe' or 'need_help'")
    if household not in {h.id for h in site.households}:
        raise EvacuationError(f"unknown household {household!r} in site {site.id}")
    with engine.begin() as conn:
        aid = alert_id or _thread_of_latest(engine, site.id)
        conn.execute(insert(ACKS).values(site=site.id, household=household, alert_id=aid, answer=answer, via=via,
                                         t_ms=ms(clock.now()), raw=raw[:500]))
    return AckResult("recorded", household, answer)


def record_reply(engine: Engine, site: Site, *, phone: str, text: str, clock: Clock, via: str = "sms") -> AckResult:
    """An SMS reply: find the household by its phone number, understand the words, store the answer."""
    norm = "+" + re.sub(r"\D", "", phone)
    h = next((h for h in site.households if h.phone and "+" + re.sub(r"\D", "", h.phone) == norm), None)
    if h is None:
        return AckResult("unknown_sender", None, None, f"no household has phone {phone}")
    a = parse_reply(text)
    if a is None:
        return AckResult("not_understood", h.id, None, f"reply {text!r} is neither 1 (safe) nor 2 (need help)")
    return record_ack(engine, site, household=h.id, answer=a.kind, via=via, clock=clock, raw=text)


def record_telegram(engine: Engine, site: Site, *, chat_id: str, data: str, clock: Clock) -> AckResult:
    """A Telegram button tap (``ack:<thread>:safe``) or a typed answer from a subscribed chat."""
    h = next((h for h in site.households if h.telegram_chat_id == str(chat_id)), None)
    if h is None:
        return AckResult("unknown_sender", None, None, f"no household subscribed with chat {chat_id}")
    a = parse_reply(data)
    if a is None:
        return AckResult("not_understood", h.id, None, f"{data!r} is not an answer")
    thread = data.split(":")[1] if data.startswith("ack:") and data.count(":") >= 2 else None
    return record_ack(engine, site, household=h.id, answer=a.kind, via="telegram", clock=clock, alert_id=thread, raw=data)


def reply_handler(engine: Engine, site: Site, clock: Clock) -> Callable[[str, str, str], None]:
    """The ``on_reply`` callback channels call: ("sms", phone, text) or ("telegram", chat_id, data)."""

    def on_reply(kind: str, sender: str, text: str) -> None:
        if kind == "telegram":
            record_telegram(engine, site, chat_id=sender, data=text, clock=clock)
        else:
            record_reply(engine, site, phone=sender, text=text, clock=clock, via=kind)

    return on_reply


# ------------------------------------------------------------------ shelters
@dataclass(frozen=True)
class CheckInResult:
    status: Literal["checked_in", "refused"]
    household: str | None = None
    shelter: str | None = None
    people: int = 0
    detail: str = ""


def check_in(engine: Engine, site: Site, *, household: str, shelter: str, clock: Clock, people: int | None = None,
             via: str = "operator", alert_id: str | None = None) -> CheckInResult:
    """A household arrived at a shelter (``people`` default: all its members)."""
    h = next((x for x in site.households if x.id == household), None)
    if h is None:
        raise EvacuationError(f"unknown household {household!r} in site {site.id}; check the id on the QR card")
    if shelter not in {s.id for s in site.shelters}:
        raise EvacuationError(f"unknown shelter {shelter!r}; known: {sorted(s.id for s in site.shelters)}")
    n = h.members if people is None else int(people)
    if n < 0:
        raise EvacuationError(f"people must be >= 0, not {n}")
    with engine.begin() as conn:
        aid = alert_id or _thread_of_latest(engine, site.id)
        conn.execute(insert(CHECKINS).values(site=site.id, household=household, shelter=shelter, people=n, alert_id=aid, via=via,
                                             t_ms=ms(clock.now())))
    return CheckInResult("checked_in", household, shelter, n)


def qr_token(site: Site, household: str, secret: str) -> str:
    """The token a household's QR card carries: ``<household>.<hmac>`` (HMAC-SHA256, 16 hex chars)."""
    mac = hmac.new(secret.encode(), f"{site.id}:{household}".encode(), hashlib.sha256).hexdigest()[:16]
    return f"{household}.{mac}"


def qr_url(base: str, token: str) -> str:
    return f"{base.rstrip('/')}/{token}"


def check_in_by_token(engine: Engine, site: Site, token: str, *, shelter: str, secret: str, clock: Clock,
                      people: int | None = None) -> CheckInResult:
    """A shelter volunteer scanned a household's QR code."""
    household, _, _mac = token.rpartition(".")
    if not household or not hmac.compare_digest(qr_token(site, household, secret), token):
        return CheckInResult("refused", None, shelter, 0,
                             "QR token not valid for this site (printed for another site, or altered)")
    return check_in(engine, site, household=household, shelter=shelter, people=people, via="qr", clock=clock)


# ------------------------------------------------------------------ counts
@dataclass
class EvacuationCounts:
    households_targeted: int = 0
    people_targeted: int = 0
    warned: int = 0
    reached: int = 0
    acknowledged: int = 0
    safe: int = 0
    need_help: int = 0
    evacuated: int = 0
    people_evacuated: int = 0
    still_need_help: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _count(engine: Engine, site: Site, alert_ids: list[str], zones: set[str], start_ms: int) -> EvacuationCounts:
    hh = {h.id: h for h in site.households if h.zone in zones}
    with engine.connect() as conn:
        rows = conn.execute(select(D.c.recipient, D.c.state, D.c.attempts).where(D.c.alert_id.in_(alert_ids),
                                                                                  D.c.kind == "household")).all()
        acks = conn.execute(select(ACKS.c.household, ACKS.c.answer, ACKS.c.t_ms).where(ACKS.c.site == site.id,
                                                                                        ACKS.c.t_ms >= start_ms)
                            .order_by(ACKS.c.t_ms, ACKS.c.id)).all()
        chk = conn.execute(select(CHECKINS.c.household, CHECKINS.c.people).where(CHECKINS.c.site == site.id,
                                                                                 CHECKINS.c.t_ms >= start_ms)
                           .order_by(CHECKINS.c.t_ms, CHECKINS.c.id)).all()
    warned = {r.recipient for r in rows if r.attempts > 0 and r.recipient in hh}
    reached = {r.recipient for r in rows if r.state == "sent" and r.recipient in hh}
    latest: dict[str, str] = {}
    for a in acks:
        if a.household in hh:
            latest[a.household] = a.answer
    people: dict[str, int] = {}
    for c in chk:
        if c.household in hh:
            people[c.household] = c.people  # the latest check-in of a household counts
    reached |= set(latest) | set(people)
    need: list[dict[str, Any]] = []
    for h in hh.values():
        if h.id in people:
            continue
        ans = latest.get(h.id)
        if ans == "need_help" or (h.vulnerable and ans != "safe"):
            need.append({"household": h.id, "zone": h.zone, "members": h.members, "vulnerable": h.vulnerable,
                         "answer": ans or "", "reached": h.id in reached, "phone": h.phone})
    need.sort(key=lambda x: (x["answer"] != "need_help", -x["vulnerable"], x["household"]))
    return EvacuationCounts(
        households_targeted=len(hh), people_targeted=sum(h.members for h in hh.values()), warned=len(warned),
        reached=len(reached),
        acknowledged=len(latest), safe=sum(1 for v in latest.values() if v == "safe"),
        need_help=sum(1 for v in latest.values() if v == "need_help"), evacuated=len(people),
        people_evacuated=sum(people.values()), still_need_help=need, alerts=alert_ids)


def alert_counts(engine: Engine, site: Site, alert_id: str) -> EvacuationCounts:
    """Counts for the thread of ``alert_id`` (the alert, its updates, cancel/all-clear)."""
    from glofwatch.warnings.service import thread

    th = thread(engine, alert_id)
    zones = {z for a in th for z in a.zones}
    return _count(engine, site, [a.id for a in th], zones, min(a.sent_ms for a in th))


def needs_help(engine: Engine, site: Site, alert_id: str) -> list[dict[str, Any]]:
    """Households still needing help in the thread of ``alert_id``, those who asked first, then most vulnerable."""
    return alert_counts(engine, site, alert_id).still_need_help


def season_counts(engine: Engine, site: Site, year: int) -> EvacuationCounts:
    """Over every Actual alert of ``year`` (UTC): the union of households; people evacuated summed per household."""
    t0, t1 = ms(datetime(year, 1, 1, tzinfo=UTC)), ms(datetime(year + 1, 1, 1, tzinfo=UTC))
    with engine.connect() as conn:
        rows = conn.execute(select(ALERTS.c.id, ALERTS.c.zones, ALERTS.c.sent_ms).where(
            ALERTS.c.site == site.id, ALERTS.c.status == "Actual", ALERTS.c.sent_ms >= t0, ALERTS.c.sent_ms < t1)).all()
    if not rows:
        return EvacuationCounts()
    import json

    zones = {z for r in rows for z in json.loads(r.zones)}
    return _count(engine, site, [r.id for r in rows], zones, min(r.sent_ms for r in rows))
