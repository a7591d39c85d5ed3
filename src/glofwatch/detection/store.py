"""Decisions in the database: written by the live listener, read by warnings (``decisions_since``).

A decision is stored before anything is sent (the transactional outbox of DESIGN.md §4 starts
here). Storing is idempotent: the decision id is unique, so a replayed batch adds nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson
from sqlalchemy import select

from glofwatch.clock import ms, parse_iso
from glofwatch.detection.decision import Decision
from glofwatch.store import tables as T


@dataclass(frozen=True)
class StoredDecision:
    """A decision with its row id (pass the last one seen as ``after_id`` to read only newer ones)."""

    row_id: int
    decision: Decision


def save_decisions(store: object, decisions: list[Decision], *, now_ms: int) -> int:
    """Store decisions (ignoring ones already stored). Returns how many were new."""
    if not decisions:
        return 0
    rows = [{"decision_id": d.id, "site": d.site, "t_ms": ms(_dt(d.time)), "level": d.level, "hazard": d.hazard,
             "lake": d.lake, "body": orjson.dumps(d.to_dict()).decode(), "created_ms": now_ms} for d in decisions]
    stmt = store._insert_ignore(T.decisions)  # type: ignore[attr-defined]
    with store.engine.begin() as conn:  # type: ignore[attr-defined]
        return int(conn.execute(stmt, rows).rowcount or 0)


def decisions_since(store: object, site_id: str, after_id: int = 0, *, limit: int = 1000) -> list[StoredDecision]:
    """Decisions of ``site_id`` stored after row ``after_id``, oldest first."""
    q = (select(T.decisions.c.id, T.decisions.c.body).where(T.decisions.c.site == site_id)
         .where(T.decisions.c.id > after_id).order_by(T.decisions.c.id).limit(limit))
    with store.engine.connect() as conn:  # type: ignore[attr-defined]
        return [StoredDecision(int(r[0]), Decision.from_dict(orjson.loads(r[1]))) for r in conn.execute(q)]


def _dt(s: str):  # type: ignore[no-untyped-def]
    return parse_iso(s)
