"""warnings: alerts (never deleted), the delivery outbox, acknowledgements, shelter check-ins

Revision ID: warnings01
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "warnings01"
down_revision = "0001"
branch_labels = ("warnings",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("thread", sa.String(128), nullable=False),
        sa.Column("sent_ms", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("msg_type", sa.String(16), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("hazard", sa.String(32), nullable=False),
        sa.Column("lake", sa.String(64), nullable=True),
        sa.Column("zones", sa.Text, nullable=False),
        sa.Column("decision_id", sa.String(128), nullable=True),
        sa.Column("refs", sa.Text, nullable=False),
        sa.Column("operator", sa.String(64), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("expires_ms", sa.BigInteger, nullable=True),
        sa.Column("superseded_by", sa.String(128), nullable=True),
        sa.Column("onset_ms", sa.BigInteger, nullable=True),
        sa.Column("arrivals", sa.Text, nullable=False),
        sa.Column("xml", sa.Text, nullable=False),
    )
    op.create_index("ix_alerts_site_sent", "alerts", ["site", "sent_ms"])
    op.create_index("ix_alerts_thread", "alerts", ["thread"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(255), nullable=False, unique=True),
        sa.Column("alert_id", sa.String(128), nullable=False),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("recipient", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("address", sa.String(255), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_ms", sa.BigInteger, nullable=False),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
        sa.Column("sent_ms", sa.BigInteger, nullable=True),
        sa.Column("fallback_of", sa.Integer, nullable=True),
        sa.Column("remote_id", sa.String(128), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_deliveries_alert_id", "deliveries", ["alert_id"])
    # the dispatcher's claim query: due rows by lane
    op.create_index("ix_deliveries_due", "deliveries", ["state", "priority", "next_ms"])
    op.create_table(
        "acks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("household", sa.String(64), nullable=False),
        sa.Column("alert_id", sa.String(128), nullable=True),
        sa.Column("answer", sa.String(16), nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("t_ms", sa.BigInteger, nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
    )
    op.create_index("ix_acks_household", "acks", ["household"])
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("household", sa.String(64), nullable=False),
        sa.Column("shelter", sa.String(64), nullable=False),
        sa.Column("people", sa.Integer, nullable=False),
        sa.Column("alert_id", sa.String(128), nullable=True),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("t_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_checkins_household", "checkins", ["household"])


def downgrade() -> None:
    for t in ("checkins", "acks", "deliveries", "alerts"):
        op.drop_table(t)
