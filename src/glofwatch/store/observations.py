"""Readings in and out of the database: bulk append with QC, latest values, windows, station status.

The append path works on numpy arrays and talks to the driver directly for the bulk statements
(``executemany`` on SQLite, ``COPY`` on PostgreSQL): SQLAlchemy's ORM or even Core
``insert().values()`` costs several microseconds a row, which the 200k rows/s target cannot pay.
Schema and every other statement go through SQLAlchemy Core.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
import pandas as pd
from sqlalchemy import Connection, Engine, and_, func, insert, select, update

from glofwatch.clock import ms
from glofwatch.site.model import Site
from glofwatch.store import tables as T
from glofwatch.telemetry.batch import Readings, SiteIndex
from glofwatch.telemetry.qc import Flag, TimeLimits, check_series, flag_names

CONTEXT_ROWS = 40  # readings before a batch that QC looks back on (>= the longest flat_n)
SQLITE_ROWS = 100  # readings per INSERT statement on SQLite (5 x 100 parameters, far below its limit)


@dataclass
class WriteResult:
    accepted: int = 0
    duplicates: int = 0
    flagged: Counter[str] | None = None
    reflagged: int = 0  # readings stored earlier that got a flag now (a spike seen once its successor came)
    stored: Readings | None = None  # the readings actually stored (new), for live listeners
    stored_flags: np.ndarray | None = None


class Store:
    """Database access for one engine. Thread-safe (each call takes its own connection)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.is_pg = engine.dialect.name == "postgresql"
        self._ids: dict[str, np.ndarray] = {}
        self._indexes: dict[str, SiteIndex] = {}

    def _index(self, site: Site) -> SiteIndex:
        """The site's (station, sensor) index, built once per site object (queries run often)."""
        ix = self._indexes.get(site.id)
        if ix is None or ix.site is not site:
            ix = self._indexes[site.id] = SiteIndex(site)
        return ix

    # ------------------------------------------------------------------ sensors
    def sensor_ids(self, index: SiteIndex) -> np.ndarray:
        """Database ids of the site's sensors, in :meth:`Site.sensor_keys` order (registers new ones)."""
        site = index.site
        cached = self._ids.get(site.id)
        if cached is not None and len(cached) == len(index.keys):
            return cached
        with self.engine.begin() as conn:
            known = self._load_ids(conn, site.id)
            todo = [k for k in index.keys if k not in known]
            for st, se in todo:
                spec = site.station_by_id[st].sensor(se)
                assert spec is not None
                stmt = self._insert_ignore(T.sensors).values(
                    site=site.id, station=st, sensor=se, unit=spec.unit, interval_s=spec.interval_s
                )
                conn.execute(stmt)
            if todo:
                known = self._load_ids(conn, site.id)
        ids = np.array([known[k] for k in index.keys], dtype=np.int64)
        self._ids[site.id] = ids
        return ids

    @staticmethod
    def _load_ids(conn: Connection, site_id: str) -> dict[tuple[str, str], int]:
        rows = conn.execute(select(T.sensors.c.station, T.sensors.c.sensor, T.sensors.c.id).where(T.sensors.c.site == site_id))
        return {(r[0], r[1]): int(r[2]) for r in rows}

    def _insert_ignore(self, table: Any) -> Any:
        if self.is_pg:
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            return pg_insert(table).on_conflict_do_nothing()
        from sqlalchemy.dialects.sqlite import insert as sl_insert

        return sl_insert(table).on_conflict_do_nothing()

    # ------------------------------------------------------------------ append
    def append(self, index: SiteIndex, readings: Readings, *, received_ms: int, limits: TimeLimits,
               alive: dict[str, int] | None = None) -> WriteResult:
        """Store valid readings with QC flags in one transaction; duplicates are counted, not stored.

        ``alive``: station -> newest observation time of rows that prove the station alive
        (including missing values), for station status.
        """
        res = WriteResult(flagged=Counter())
        ids = self.sensor_ids(index)
        n = len(readings)
        with self.engine.begin() as conn:
            if n:
                self._append(conn, index, ids, readings, received_ms, limits, res)
            if alive:
                self._touch(conn, index.site.id, alive, received_ms)
        return res

    def _append(self, conn: Connection, index: SiteIndex, ids: np.ndarray, r: Readings, received_ms: int,
                limits: TimeLimits, res: WriteResult) -> None:
        key = r.sensor_key
        order = np.lexsort((r.t_ms, key))
        key, t, v = key[order], r.t_ms[order], r.value[order]
        first = np.ones(len(key), dtype=bool)
        first[1:] = (key[1:] != key[:-1]) | (t[1:] != t[:-1])
        res.duplicates += int((~first).sum())
        key, t, v = key[first], t[first], v[first]
        bounds = np.flatnonzero(np.r_[True, key[1:] != key[:-1], True])
        cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        ph = "%s" if self.is_pg else "?"
        new_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        updates: list[tuple[int, int, int]] = []
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            k = int(key[a])
            sid = int(ids[k])
            spec = index.specs[k]
            assert spec is not None
            gt, gv = t[a:b], v[a:b]
            t0, t1 = int(gt[0]), int(gt[-1])
            cur.execute(
                f"SELECT t_ms, value, flags FROM observations WHERE sensor_id={ph} AND t_ms < {ph} "
                f"ORDER BY t_ms DESC LIMIT {CONTEXT_ROWS}", (sid, t0))
            before = cur.fetchall()
            cur.execute(
                f"SELECT t_ms, value, flags FROM observations WHERE sensor_id={ph} AND t_ms >= {ph} AND t_ms <= {ph}",
                (sid, t0, t1))
            inside = cur.fetchall()
            cur.execute(
                f"SELECT t_ms, value, flags FROM observations WHERE sensor_id={ph} AND t_ms > {ph} "
                f"ORDER BY t_ms LIMIT 2", (sid, t1))
            after = cur.fetchall()
            old = before[::-1] + inside + after
            if inside:
                it = np.fromiter((row[0] for row in inside), dtype=np.int64, count=len(inside))
                dup = np.isin(gt, it)
                res.duplicates += int(dup.sum())
                gt, gv = gt[~dup], gv[~dup]
                if len(gt) == 0:
                    continue
            if old:
                ot = np.array([row[0] for row in old], dtype=np.int64)
                ov = np.array([row[1] for row in old], dtype=np.float64)
                of = np.array([row[2] for row in old], dtype=np.int32)
                at = np.concatenate([ot, gt])
                av = np.concatenate([ov, gv])
                af = np.concatenate([of, np.zeros(len(gt), dtype=np.int32)])
                is_new = np.r_[np.zeros(len(ot), bool), np.ones(len(gt), bool)]
                o = np.argsort(at, kind="stable")
                at, av, af, is_new = at[o], av[o], af[o], is_new[o]
                flags = check_series(at, av, spec, limits, prior_flags=af)
                changed = ~is_new & (flags != af)
                for tt, ff in zip(at[changed].tolist(), flags[changed].tolist(), strict=True):
                    updates.append((int(ff), sid, int(tt)))
                nt, nv, nf = at[is_new], av[is_new], flags[is_new]
            else:
                nt, nv = gt, gv
                nf = check_series(nt, nv, spec, limits)
            new_parts.append((np.full(len(nt), sid, dtype=np.int64), nt, nv, nf))
        if not new_parts:
            return
        sid_a = np.concatenate([p[0] for p in new_parts])
        t_a = np.concatenate([p[1] for p in new_parts])
        v_a = np.concatenate([p[2] for p in new_parts])
        f_a = np.concatenate([p[3] for p in new_parts])
        inserted = self._bulk_insert(conn, cur, sid_a, t_a, v_a, f_a, received_ms)
        by_sid = np.argsort(ids)
        res.stored = Readings(by_sid[np.searchsorted(ids, sid_a, sorter=by_sid)].astype(np.int64), t_a, v_a)
        res.stored_flags = f_a
        res.accepted += inserted
        res.duplicates += len(sid_a) - inserted
        if updates:
            cur.executemany(f"UPDATE observations SET flags={ph} WHERE sensor_id={ph} AND t_ms={ph}", updates)
            res.reflagged += len(updates)
        if f_a.any():
            vals, counts = np.unique(f_a[f_a != 0], return_counts=True)
            assert res.flagged is not None
            for fv, c in zip(vals.tolist(), counts.tolist(), strict=True):
                for name in flag_names(fv):
                    res.flagged[name] += c
        self._update_latest(cur, sid_a, t_a, v_a, f_a, received_ms)
        cur.close()

    def _bulk_insert(self, conn: Connection, cur: Any, sid: np.ndarray, t: np.ndarray, v: np.ndarray,
                     f: np.ndarray, received_ms: int) -> int:
        if not self.is_pg:
            return self._sqlite_insert(cur, sid, t, v, f, received_ms)
        # PostgreSQL: binary COPY built with numpy in one pass (psycopg's write_row costs ~6 us a
        # row in Python, text via pandas ~5 us). Duplicates were already filtered against the
        # table, so COPY goes straight into observations; if a concurrent writer stored the same
        # reading meanwhile, the savepoint is rolled back and the batch goes through a temp table
        # with ON CONFLICT DO NOTHING.
        import psycopg

        buf = _pg_binary_copy(sid, t, v, f, received_ms)
        cols = "(sensor_id, t_ms, value, flags, received_ms)"
        cur.execute("SAVEPOINT obs_copy")
        try:
            with cur.copy(f"COPY observations {cols} FROM STDIN (FORMAT BINARY)") as cp:
                cp.write(buf)
            cur.execute("RELEASE SAVEPOINT obs_copy")
            return len(sid)
        except psycopg.errors.UniqueViolation:
            cur.execute("ROLLBACK TO SAVEPOINT obs_copy")
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS obs_in (sensor_id int, t_ms bigint, value float8, "
                    "flags int, received_ms bigint) ON COMMIT DELETE ROWS")
        with cur.copy(f"COPY obs_in {cols} FROM STDIN (FORMAT BINARY)") as cp:
            cp.write(buf)
        cur.execute("INSERT INTO observations SELECT * FROM obs_in ON CONFLICT DO NOTHING")
        inserted = int(cur.rowcount)
        cur.execute("DELETE FROM obs_in")
        return inserted

    @staticmethod
    def _sqlite_insert(cur: Any, sid: np.ndarray, t: np.ndarray, v: np.ndarray, f: np.ndarray, received_ms: int) -> int:
        """INSERT OR IGNORE in statements of SQLITE_ROWS rows: one statement step per 100 readings
        is ~20 % faster than executemany's one per reading (SQLite has no COPY)."""
        n = len(sid)
        cols = "INSERT OR IGNORE INTO observations (sensor_id, t_ms, value, flags, received_ms) VALUES "
        rcv = int(received_ms)
        k = SQLITE_ROWS
        m = n // k * k
        inserted = 0
        if m:
            obj = np.empty((m, 4), dtype=object)
            obj[:, 0], obj[:, 1], obj[:, 2], obj[:, 3] = sid[:m].tolist(), t[:m].tolist(), v[:m].tolist(), f[:m].tolist()
            cur.executemany(cols + ",".join([f"(?,?,?,?,{rcv})"] * k), obj.reshape(-1, 4 * k).tolist())
            inserted += int(cur.rowcount)
        if m < n:
            cur.executemany(cols + f"(?,?,?,?,{rcv})",
                            list(zip(sid[m:].tolist(), t[m:].tolist(), v[m:].tolist(), f[m:].tolist(), strict=True)))
            inserted += int(cur.rowcount)
        return inserted

    def _update_latest(self, cur: Any, sid: np.ndarray, t: np.ndarray, v: np.ndarray, f: np.ndarray,
                       received_ms: int) -> None:
        # newest reading per sensor of this batch
        o = np.lexsort((t, sid))
        last = np.r_[sid[o][1:] != sid[o][:-1], True]
        pick = o[last]
        rows = list(zip(sid[pick].tolist(), t[pick].tolist(), v[pick].tolist(), f[pick].tolist(),
                        [received_ms] * len(pick), strict=True))
        ph = "%s" if self.is_pg else "?"
        cur.executemany(
            f"INSERT INTO latest (sensor_id, t_ms, value, flags, received_ms) VALUES ({ph},{ph},{ph},{ph},{ph}) "
            "ON CONFLICT (sensor_id) DO UPDATE SET t_ms=excluded.t_ms, value=excluded.value, "
            "flags=excluded.flags, received_ms=excluded.received_ms WHERE excluded.t_ms >= latest.t_ms",
            rows,
        )

    def _touch(self, conn: Connection, site_id: str, alive: dict[str, int], received_ms: int) -> None:
        cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        ph = "%s" if self.is_pg else "?"
        greatest = "GREATEST" if self.is_pg else "MAX"
        cur.executemany(
            f"INSERT INTO station_status (site, station, last_obs_ms, last_received_ms, silent) "
            f"VALUES ({ph},{ph},{ph},{ph},{'false' if self.is_pg else '0'}) "
            f"ON CONFLICT (site, station) DO UPDATE SET "
            f"last_obs_ms={greatest}(COALESCE(station_status.last_obs_ms, 0), excluded.last_obs_ms), "
            f"last_received_ms=excluded.last_received_ms",
            [(site_id, st, int(t), received_ms) for st, t in alive.items()],
        )
        cur.close()

    # ------------------------------------------------------------------ queries
    def latest(self, site: Site) -> list[dict[str, Any]]:
        """Latest reading of every sensor of the site (None where a sensor never reported)."""
        index = self._index(site)
        ids = self.sensor_ids(index)
        with self.engine.connect() as conn:
            rows = conn.execute(select(T.latest).where(T.latest.c.sensor_id.in_(ids.tolist()))).mappings().all()
        by_id = {int(r["sensor_id"]): r for r in rows}
        out = []
        for k, (st, se) in enumerate(index.keys):
            r = by_id.get(int(ids[k]))
            out.append({
                "station": st, "sensor": se, "unit": index.specs[k].unit if index.specs[k] else "",
                "t_ms": int(r["t_ms"]) if r else None, "value": float(r["value"]) if r else None,
                "flags": flag_names(int(r["flags"])) if r else [],
                "received_ms": int(r["received_ms"]) if r else None,
            })
        return out

    def station_rows(self, site_id: str) -> dict[str, dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(T.station_status).where(T.station_status.c.site == site_id)).mappings().all()
        return {r["station"]: dict(r) for r in rows}

    def set_silence(self, site_id: str, station: str, silent: bool, since_ms: int | None) -> None:
        with self.engine.begin() as conn:
            n = conn.execute(update(T.station_status).where(and_(T.station_status.c.site == site_id,
                                                                 T.station_status.c.station == station))
                             .values(silent=silent, silent_since_ms=since_ms)).rowcount
            if n == 0:
                conn.execute(insert(T.station_status).values(site=site_id, station=station, silent=silent,
                                                             silent_since_ms=since_ms))

    def add_event(self, site_id: str, station: str | None, kind: str, t_ms: int, detail: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(T.events).values(site=site_id, station=station, kind=kind, t_ms=t_ms,
                                                 detail=orjson.dumps(detail).decode()))

    def events(self, site_id: str, *, kind: str | None = None, since_ms: int | None = None) -> list[dict[str, Any]]:
        q = select(T.events).where(T.events.c.site == site_id)
        if kind:
            q = q.where(T.events.c.kind == kind)
        if since_ms is not None:
            q = q.where(T.events.c.t_ms >= since_ms)
        with self.engine.connect() as conn:
            rows = conn.execute(q.order_by(T.events.c.t_ms, T.events.c.id)).mappings().all()
        return [{**dict(r), "detail": orjson.loads(r["detail"])} for r in rows]

    def window(self, site: Site, station: str, sensor: str, start_ms: int, end_ms: int) -> pd.DataFrame:
        """Stored readings of one sensor in [start, end), as a DataFrame (time UTC index; value, flags)."""
        index = self._index(site)
        k = index.key_of.get((station, sensor))
        if k is None:
            raise KeyError(index.unknown_reason(station, sensor))
        sid = int(self.sensor_ids(index)[k])
        o = T.observations.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(o.t_ms, o.value, o.flags).where(
                and_(o.sensor_id == sid, o.t_ms >= start_ms, o.t_ms < end_ms)).order_by(o.t_ms)).all()
        df = pd.DataFrame(rows, columns=["t_ms", "value", "flags"])
        df.index = pd.to_datetime(df["t_ms"], unit="ms", utc=True)
        df.index.name = "time"
        return df[["value", "flags"]]

    def count(self, site: Site | None = None) -> int:
        with self.engine.connect() as conn:
            q = select(func.count()).select_from(T.observations)
            if site is not None:
                ids = self.sensor_ids(self._index(site)).tolist()
                q = q.where(T.observations.c.sensor_id.in_(ids))
            return int(conn.execute(q).scalar_one())

    # ------------------------------------------------------------------ station tokens
    def create_token(self, site: Site, station: str, *, now_ms: int) -> str:
        """A new secret token for one station's HTTP ingest; only its SHA-256 is stored."""
        if site.station(station) is None:
            raise KeyError(self._index(site).unknown_reason(station, ""))
        token = secrets.token_urlsafe(24)
        with self.engine.begin() as conn:
            conn.execute(insert(T.station_tokens).values(site=site.id, station=station,
                                                         token_sha256=_sha(token), created_ms=now_ms, revoked=False))
        return token

    def station_for_token(self, site_id: str, token: str) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(T.station_tokens.c.station).where(and_(
                T.station_tokens.c.site == site_id, T.station_tokens.c.token_sha256 == _sha(token),
                T.station_tokens.c.revoked.is_(False)))).first()
        return row[0] if row else None

    def revoke_tokens(self, site_id: str, station: str) -> int:
        with self.engine.begin() as conn:
            return int(conn.execute(update(T.station_tokens).where(and_(
                T.station_tokens.c.site == site_id, T.station_tokens.c.station == station)).values(revoked=True)).rowcount)


_PG_ROW = np.dtype([("n", ">i2"), ("l1", ">i4"), ("sid", ">i4"), ("l2", ">i4"), ("t", ">i8"), ("l3", ">i4"),
                    ("v", ">f8"), ("l4", ">i4"), ("f", ">i4"), ("l5", ">i4"), ("r", ">i8")])
_PG_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
_PG_TRAILER = b"\xff\xff"


def _pg_binary_copy(sid: np.ndarray, t: np.ndarray, v: np.ndarray, f: np.ndarray, received_ms: int) -> bytes:
    """Rows (int4, int8, float8, int4, int8) in PostgreSQL's binary COPY format."""
    rows = np.empty(len(sid), dtype=_PG_ROW)
    rows["n"] = 5
    rows["l1"], rows["l2"], rows["l3"], rows["l4"], rows["l5"] = 4, 8, 8, 4, 8
    rows["sid"], rows["t"], rows["v"], rows["f"], rows["r"] = sid, t, v, f, received_ms
    return _PG_HEADER + rows.tobytes() + _PG_TRAILER


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


__all__ = ["Store", "WriteResult", "Flag", "ms"]
