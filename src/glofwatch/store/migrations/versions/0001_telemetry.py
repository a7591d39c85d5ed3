"""telemetry: sensors, observations, latest, station status, events, station tokens

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = ("telemetry",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sensors",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("station", sa.String(64), nullable=False),
        sa.Column("sensor", sa.String(64), nullable=False),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("interval_s", sa.Integer, nullable=False),
        sa.UniqueConstraint("site", "station", "sensor", name="uq_sensors_key"),
    )
    op.create_table(
        "observations",
        sa.Column("sensor_id", sa.Integer, nullable=False),
        sa.Column("t_ms", sa.BigInteger, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("flags", sa.Integer, nullable=False),
        sa.Column("received_ms", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("sensor_id", "t_ms", name="pk_observations"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "latest",
        sa.Column("sensor_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("t_ms", sa.BigInteger, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("flags", sa.Integer, nullable=False),
        sa.Column("received_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "station_status",
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("station", sa.String(64), nullable=False),
        sa.Column("last_obs_ms", sa.BigInteger, nullable=True),
        sa.Column("last_received_ms", sa.BigInteger, nullable=True),
        sa.Column("silent", sa.Boolean, nullable=False),
        sa.Column("silent_since_ms", sa.BigInteger, nullable=True),
        sa.PrimaryKeyConstraint("site", "station", name="pk_station_status"),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("station", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("t_ms", sa.BigInteger, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_events_site_t", "events", ["site", "t_ms"])
    op.create_table(
        "station_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("station", sa.String(64), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
        sa.Column("revoked", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    for t in ("station_tokens", "events", "station_status", "latest", "observations", "sensors"):
        op.drop_table(t)
