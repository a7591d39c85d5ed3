"""detection: decisions (the Decision as JSON plus indexed columns)

Revision ID: detection01
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "detection01"
down_revision = "0001"
branch_labels = ("detection",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("decision_id", sa.String(64), nullable=False, unique=True),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("t_ms", sa.BigInteger, nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("hazard", sa.String(32), nullable=False),
        sa.Column("lake", sa.String(64), nullable=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_decisions_site_id", "decisions", ["site", "id"])
    op.create_index("ix_decisions_site_t", "decisions", ["site", "t_ms"])


def downgrade() -> None:
    op.drop_table("decisions")
