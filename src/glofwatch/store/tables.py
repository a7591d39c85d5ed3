"""The database schema (SQLAlchemy Core). Alembic migrations in ``store/migrations`` create it.

Times are stored as integer milliseconds since the Unix epoch (UTC) in ``*_ms`` columns: the same
on SQLite and PostgreSQL, compact in the observation index, and free of timezone conversions on the
hot ingest path. :mod:`glofwatch.clock` converts.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# One row per (site, station, sensor) ever configured. ``id`` is the compact key of observations.
sensors = Table(
    "sensors",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site", String(64), nullable=False),
    Column("station", String(64), nullable=False),
    Column("sensor", String(64), nullable=False),
    Column("unit", String(32), nullable=False, default=""),
    Column("interval_s", Integer, nullable=False, default=600),
    UniqueConstraint("site", "station", "sensor", name="uq_sensors_key"),
)

# Every reading as received, with its QC flags (a bit mask, see glofwatch.telemetry.qc.Flag).
# Unique per (sensor, time): ingesting the same data twice adds nothing.
observations = Table(
    "observations",
    metadata,
    Column("sensor_id", Integer, nullable=False),
    Column("t_ms", BigInteger, nullable=False),
    Column("value", Float, nullable=False),
    Column("flags", Integer, nullable=False, default=0),
    Column("received_ms", BigInteger, nullable=False),
    PrimaryKeyConstraint("sensor_id", "t_ms", name="pk_observations"),
    sqlite_with_rowid=False,
)

# The newest reading of each sensor, kept on ingest so "latest of every station" is one small read.
latest = Table(
    "latest",
    metadata,
    Column("sensor_id", Integer, primary_key=True, autoincrement=False),
    Column("t_ms", BigInteger, nullable=False),
    Column("value", Float, nullable=False),
    Column("flags", Integer, nullable=False),
    Column("received_ms", BigInteger, nullable=False),
)

# Liveness of each station: when it last sent anything (even NAN) and its silence state.
station_status = Table(
    "station_status",
    metadata,
    Column("site", String(64), nullable=False),
    Column("station", String(64), nullable=False),
    Column("last_obs_ms", BigInteger, nullable=True),  # newest observation time (event time)
    Column("last_received_ms", BigInteger, nullable=True),  # wall-clock time of the newest arrival
    Column("silent", Boolean, nullable=False, default=False),
    Column("silent_since_ms", BigInteger, nullable=True),
    PrimaryKeyConstraint("site", "station", name="pk_station_status"),
)

# Things that happened to stations and the data: station_silent, station_back, ...
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site", String(64), nullable=False),
    Column("station", String(64), nullable=True),
    Column("kind", String(32), nullable=False),
    Column("t_ms", BigInteger, nullable=False),
    Column("detail", Text, nullable=False, default="{}"),
)

# Station credentials for HTTP ingest: a token is bound to one station (never a user account).
station_tokens = Table(
    "station_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site", String(64), nullable=False),
    Column("station", String(64), nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_ms", BigInteger, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

# ---------------------------------------------------------------- console (issue 5): users, sessions, audit log
# Console users (people; station tokens above are separate). ``password_hash`` is an argon2id PHC string.
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),  # viewer | operator | admin
    Column("created_ms", BigInteger, nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
)

# Browser/API sessions: only the SHA-256 of the session token is stored; ``csrf`` is sent back in a header.
user_sessions = Table(
    "user_sessions",
    metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("user_id", Integer, nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("expires_ms", BigInteger, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

# Append-only record of consequential actions (who, when, why). Triggers refuse UPDATE and DELETE.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("t_ms", BigInteger, nullable=False),
    Column("username", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("action", String(48), nullable=False),
    Column("target", String(128), nullable=False, default=""),
    Column("reason", Text, nullable=False, default=""),
    Column("detail", Text, nullable=False, default="{}"),
    Column("client", String(64), nullable=False, default=""),
)

# --- warnings (issue 4): alerts, the delivery outbox, acknowledgements, shelter check-ins ----------
# Alerts are never deleted: an update or cancel is a new row whose ``references`` name the earlier ones.
alerts = Table(
    "alerts",
    metadata,
    Column("id", String(128), primary_key=True),  # CAP identifier
    Column("site", String(64), nullable=False),
    Column("thread", String(128), nullable=False),  # id of the first alert of the event
    Column("sent_ms", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),  # Actual | Exercise | Test
    Column("msg_type", String(16), nullable=False),  # Alert | Update | Cancel
    Column("level", String(16), nullable=False),  # advisory..evacuate | all_clear | test
    Column("hazard", String(32), nullable=False),
    Column("lake", String(64), nullable=True),
    Column("zones", Text, nullable=False),  # JSON list
    Column("decision_id", String(128), nullable=True),
    Column("refs", Text, nullable=False, default=""),  # CAP <references>
    Column("operator", String(64), nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("expires_ms", BigInteger, nullable=True),
    Column("superseded_by", String(128), nullable=True),
    Column("onset_ms", BigInteger, nullable=True),
    Column("arrivals", Text, nullable=False, default="[]"),  # JSON list of Arrival dicts
    Column("xml", Text, nullable=False),
)

# The transactional outbox: one row per recipient and channel, written with its alert.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(255), nullable=False, unique=True),  # idempotency key <alert>/<recipient>/<channel>
    Column("alert_id", String(128), nullable=False),
    Column("site", String(64), nullable=False),
    Column("recipient", String(64), nullable=False),  # household or siren id
    Column("kind", String(16), nullable=False),  # household | siren | feed
    Column("channel", String(16), nullable=False),  # sms | telegram | email | siren | webhook | feed
    Column("address", String(255), nullable=False, default=""),
    Column("language", String(8), nullable=False, default=""),
    Column("priority", Integer, nullable=False),  # 0 first (evacuate), higher later
    Column("rank", Integer, nullable=False, default=0),  # inside a lane: vulnerable households first
    Column("state", String(16), nullable=False),  # pending | sending | sent | transient_error | permanent_error | skipped
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_ms", BigInteger, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("sent_ms", BigInteger, nullable=True),
    Column("fallback_of", Integer, nullable=True),  # delivery this one replaces (Telegram -> SMS)
    Column("remote_id", String(128), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
)

acks = Table(
    "acks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site", String(64), nullable=False),
    Column("household", String(64), nullable=False),
    Column("alert_id", String(128), nullable=True),
    Column("answer", String(16), nullable=False),  # safe | need_help
    Column("via", String(16), nullable=False),  # sms | telegram | operator | web
    Column("t_ms", BigInteger, nullable=False),
    Column("raw", Text, nullable=False, default=""),
)

checkins = Table(
    "checkins",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site", String(64), nullable=False),
    Column("household", String(64), nullable=False),
    Column("shelter", String(64), nullable=False),
    Column("people", Integer, nullable=False),
    Column("alert_id", String(128), nullable=True),
    Column("via", String(16), nullable=False),  # operator | qr
    Column("t_ms", BigInteger, nullable=False),
)

# Detection decisions (glofwatch.detection), stored before anything is sent: the Decision as JSON
# plus indexed columns. ``id`` orders them for readers (decisions_since).
decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("decision_id", String(64), nullable=False, unique=True),
    Column("site", String(64), nullable=False),
    Column("t_ms", BigInteger, nullable=False),
    Column("level", String(16), nullable=False),
    Column("hazard", String(32), nullable=False),
    Column("lake", String(64), nullable=True),
    Column("body", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
)

# Lake area history (glofwatch.lakes): one row per lake per scene, with its uncertainty, how much of
# the lake was hidden, and the outline (WKT, lon/lat) so the next scene maps in its window.
lake_areas = Table(
    "lake_areas",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site", String(64), nullable=False),
    Column("lake", String(64), nullable=False),
    Column("t_ms", BigInteger, nullable=False),  # acquisition time of the scene
    Column("scene", String(256), nullable=False),
    Column("status", String(16), nullable=False),  # mapped | obscured | not_found
    Column("area_m2", Float, nullable=False),
    Column("area_err_m2", Float, nullable=False),
    Column("obscured_fraction", Float, nullable=False),
    Column("threshold", Float, nullable=True),
    Column("outline_wkt", Text, nullable=True),
    Column("created_ms", BigInteger, nullable=False),
    UniqueConstraint("site", "lake", "t_ms", "scene", name="uq_lake_areas_key"),
)


# --- maintenance windows (glofwatch.telemetry.maintenance): a station's readings not believed for a while ----------
# Rows are never deleted: ending a window early shortens ``end_ms`` and sets ``ended_early``.
maintenance = Table(
    "maintenance",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site", String(64), nullable=False),
    Column("station", String(64), nullable=False),
    Column("sensor", String(64), nullable=True),  # NULL: every sensor of the station
    Column("start_ms", BigInteger, nullable=False),
    Column("end_ms", BigInteger, nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("username", String(64), nullable=False, default=""),
    Column("created_ms", BigInteger, nullable=False),
    Column("ended_early", Boolean, nullable=False, default=False),
)
