"""maintenance: windows in which a station's readings are not believed (glofwatch.telemetry.maintenance)

Revision ID: maintenance01
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "maintenance01"
down_revision = "0001"
branch_labels = ("maintenance",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "maintenance",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("station", sa.String(64), nullable=False),
        sa.Column("sensor", sa.String(64), nullable=True),
        sa.Column("start_ms", sa.BigInteger, nullable=False),
        sa.Column("end_ms", sa.BigInteger, nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("username", sa.String(64), nullable=False, server_default=""),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
        sa.Column("ended_early", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_maintenance_site_end", "maintenance", ["site", "end_ms"])


def downgrade() -> None:
    op.drop_table("maintenance")
