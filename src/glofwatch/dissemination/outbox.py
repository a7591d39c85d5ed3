"""The transactional outbox: delivery rows written with their alert, claimed, sent, recorded.

States: ``pending`` (due at ``next_ms``) -> ``sending`` (claimed, committed before the hand-off) ->
``sent`` | ``transient_error`` (due again after a backoff) | ``permanent_error`` | ``skipped``.
A ``sending`` row found at start-up was in flight when the process died: :func:`recover` makes it due
again (same idempotency key). Rows are never deleted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, and_, bindparam, func, insert, or_, select, update

from glofwatch.clock import iso
from glofwatch.dissemination.targeting import Planned
from glofwatch.store.tables import deliveries as T

DUE_STATES = ("pending", "transient_error")
FINAL_STATES = ("sent", "permanent_error", "skipped")


@dataclass(frozen=True)
class Row:
    """A claimed outbox row (what the dispatcher needs to send it)."""

    id: int
    key: str
    alert_id: str
    recipient: str
    kind: str
    channel: str
    address: str
    language: str
    priority: int
    attempts: int
    detail: str


def key_of(alert_id: str, recipient: str, channel: str, suffix: str = "") -> str:
    return f"{alert_id}/{recipient}/{channel}{suffix}"


def write_rows(conn: Connection, *, alert_id: str, site_id: str, planned: list[Planned], priority: int, now_ms: int) -> int:
    """Insert the rows of an alert inside the caller's transaction (the alert's). Returns how many."""
    if not planned:
        return 0
    rows = [{
        "key": key_of(alert_id, p.recipient, p.channel), "alert_id": alert_id, "site": site_id, "recipient": p.recipient,
        "kind": p.kind, "channel": p.channel, "address": p.address, "language": p.language, "priority": priority,
        "rank": p.rank, "state": "permanent_error" if p.channel == "none" else "pending", "attempts": 0, "next_ms": now_ms,
        "created_ms": now_ms, "sent_ms": None, "fallback_of": None, "remote_id": "", "detail": p.note,
    } for p in planned]
    conn.execute(insert(T), rows)
    return len(rows)


def add_row(engine: Engine, *, key: str, alert_id: str, site_id: str, recipient: str, kind: str, channel: str, address: str,
            language: str, priority: int, rank: int, now_ms: int, fallback_of: int | None = None, detail: str = "") -> bool:
    """Insert one row unless its key exists (fallbacks, reminders). True when inserted."""
    with engine.begin() as conn:
        if conn.execute(select(T.c.id).where(T.c.key == key)).first():
            return False
        conn.execute(insert(T).values(key=key, alert_id=alert_id, site=site_id, recipient=recipient, kind=kind, channel=channel,
                                      address=address, language=language, priority=priority, rank=rank, state="pending",
                                      attempts=0, next_ms=now_ms, created_ms=now_ms, sent_ms=None, fallback_of=fallback_of,
                                      remote_id="", detail=detail))
    return True


def recover(engine: Engine, now_ms: int) -> int:
    """Rows left ``sending`` by a crash become due again (same key). Returns how many."""
    with engine.begin() as conn:
        r = conn.execute(update(T).where(T.c.state == "sending").values(
            state="pending", next_ms=now_ms, detail=func.coalesce(T.c.detail, "") + " [in flight at a crash: resent]"))
        return int(r.rowcount or 0)


def claim(engine: Engine, now_ms: int, *, limit: int = 500, channels: list[str] | None = None) -> list[Row]:
    """Mark up to ``limit`` due rows ``sending`` (committed) and return them: lowest lane first,
    then vulnerable households, then oldest. Only the most urgent lane that has due rows is claimed,
    so an evacuation never waits behind routine messages."""
    due = and_(T.c.state.in_(DUE_STATES), T.c.next_ms <= now_ms)
    if channels is not None:
        due = and_(due, T.c.channel.in_(channels))
    with engine.begin() as conn:
        lane = conn.execute(select(func.min(T.c.priority)).where(due)).scalar()
        if lane is None:
            return []
        rows = conn.execute(select(T).where(due, T.c.priority == lane).order_by(T.c.rank, T.c.id).limit(limit)).all()
        if not rows:
            return []
        ids = [r.id for r in rows]
        for i in range(0, len(ids), 500):
            conn.execute(update(T).where(T.c.id.in_(ids[i:i + 500]), T.c.state.in_(DUE_STATES))
                         .values(state="sending", attempts=T.c.attempts + 1))
    return [Row(r.id, r.key, r.alert_id, r.recipient, r.kind, r.channel, r.address, r.language, r.priority, r.attempts + 1,
                r.detail) for r in rows]


def record(engine: Engine, row_id: int, *, status: str, now_ms: int, detail: str = "", remote_id: str = "",
           retry_at_ms: int | None = None) -> None:
    """Store a send's outcome (its own transaction: a crash after this loses nothing)."""
    vals: dict[str, Any] = {"state": status, "detail": detail[:2000], "remote_id": remote_id[:128]}
    if status == "sent":
        vals["sent_ms"] = now_ms
    if status == "transient_error" and retry_at_ms is not None:
        vals["next_ms"] = retry_at_ms
    with engine.begin() as conn:
        conn.execute(update(T).where(T.c.id == row_id).values(**vals))


def record_many(engine: Engine, results: list[dict[str, Any]]) -> None:
    """Store several outcomes in one transaction (executemany). Each dict: id, status, now_ms, detail,
    remote_id, retry_at_ms. The dispatcher writes what came back together, a few milliseconds apart:
    one commit instead of one per message (SQLite commits cost ~1-3 ms each on a loaded disk)."""
    if not results:
        return
    params = [{
        "_id": r["id"], "_state": r["status"], "_detail": str(r.get("detail", ""))[:2000],
        "_remote": str(r.get("remote_id", ""))[:128],
        "_sent": r["now_ms"] if r["status"] == "sent" else None,
        "_next": r["retry_at_ms"] if r.get("retry_at_ms") is not None else r["now_ms"],
    } for r in results]
    stmt = (update(T).where(T.c.id == bindparam("_id"))
            .values(state=bindparam("_state"), detail=bindparam("_detail"), remote_id=bindparam("_remote"),
                    sent_ms=bindparam("_sent"), next_ms=bindparam("_next")))
    with engine.begin() as conn:
        conn.execute(stmt, params)


def pending_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(T).where(
            or_(T.c.state.in_(DUE_STATES), T.c.state == "sending"))).scalar() or 0)


def next_due_ms(engine: Engine) -> int | None:
    with engine.connect() as conn:
        return conn.execute(select(func.min(T.c.next_ms)).where(T.c.state.in_(DUE_STATES))).scalar()


def deliveries(engine: Engine, *, alert_id: str | None = None, household: str | None = None,
               alert_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Delivery records, oldest first: household/recipient, channel, status, attempts, time, detail."""
    q = select(T).order_by(T.c.id)
    if alert_id is not None:
        q = q.where(T.c.alert_id == alert_id)
    if alert_ids is not None:
        q = q.where(T.c.alert_id.in_(alert_ids))
    if household is not None:
        q = q.where(T.c.recipient == household)
    with engine.connect() as conn:
        rows = conn.execute(q).all()
    return [{
        "id": r.id, "key": r.key, "alert": r.alert_id, "household": r.recipient if r.kind == "household" else None,
        "recipient": r.recipient, "kind": r.kind, "channel": r.channel, "language": r.language, "status": r.state,
        "attempts": r.attempts, "time": iso(r.sent_ms if r.sent_ms is not None else r.created_ms),
        "sent_ms": r.sent_ms, "created_ms": r.created_ms, "fallback_of": r.fallback_of, "detail": r.detail,
    } for r in rows]


def summary(engine: Engine, alert_id: str) -> dict[str, dict[str, int]]:
    """channel -> status -> count, for one alert."""
    with engine.connect() as conn:
        rows = conn.execute(select(T.c.channel, T.c.state, func.count()).where(T.c.alert_id == alert_id)
                            .group_by(T.c.channel, T.c.state)).all()
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for ch, st, n in rows:
        out[ch][st] += n
    return {k: dict(v) for k, v in out.items()}
