"""The audit log: who did what, when and why, append-only.

:class:`AuditLog` has ``append`` and ``entries`` and nothing else: there is no API to change or
remove an entry. The database enforces the same (triggers from the ``console`` migration refuse
UPDATE and DELETE on SQLite and PostgreSQL; TRUNCATE too on PostgreSQL), so the log stays true
even against a bug elsewhere in the code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import orjson
from sqlalchemy import Engine, insert, select

from glofwatch.clock import Clock, iso, ms
from glofwatch.store import tables as T


@dataclass(frozen=True)
class AuditEntry:
    id: int
    t_ms: int
    time: str
    username: str
    role: str
    action: str  # alert.issue, alert.update, alert.cancel, drill.issue, user.add, login.refused, ...
    target: str
    reason: str
    detail: dict[str, Any]
    client: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class AuditLog:
    """Append-only log of consequential actions, in the store's database."""

    def __init__(self, engine: Engine, clock: Clock):
        self.engine = engine
        self.clock = clock

    def append(self, *, username: str, role: str, action: str, target: str = "", reason: str = "",
               detail: dict[str, Any] | None = None, client: str = "") -> AuditEntry:
        """Write one entry (time from the injected clock) and return it with its id."""
        t = ms(self.clock.now())
        d = detail or {}
        with self.engine.begin() as conn:
            pk = conn.execute(insert(T.audit_log).values(
                t_ms=t, username=username, role=role, action=action, target=target, reason=reason,
                detail=orjson.dumps(d, default=str).decode(), client=client[:64])).inserted_primary_key[0]  # type: ignore[index]
        return AuditEntry(int(pk), t, iso(t), username, role, action, target, reason, d, client[:64])

    def entries(self, *, limit: int = 200, action: str | None = None, since_ms: int | None = None) -> list[AuditEntry]:
        """Newest first."""
        q = select(T.audit_log).order_by(T.audit_log.c.id.desc()).limit(limit)
        if action:
            q = q.where(T.audit_log.c.action == action)
        if since_ms is not None:
            q = q.where(T.audit_log.c.t_ms >= since_ms)
        with self.engine.connect() as conn:
            rows = conn.execute(q).mappings().all()
        return [AuditEntry(int(r["id"]), int(r["t_ms"]), iso(int(r["t_ms"])), r["username"], r["role"], r["action"],
                           r["target"], r["reason"], orjson.loads(r["detail"] or "{}"), r["client"]) for r in rows]
