"""lakes: lake area history (one row per lake per scene, with uncertainty and outline)

Revision ID: lakes01
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "lakes01"
down_revision = "0001"
branch_labels = ("lakes",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lake_areas",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("lake", sa.String(64), nullable=False),
        sa.Column("t_ms", sa.BigInteger, nullable=False),
        sa.Column("scene", sa.String(256), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("area_m2", sa.Float, nullable=False),
        sa.Column("area_err_m2", sa.Float, nullable=False),
        sa.Column("obscured_fraction", sa.Float, nullable=False),
        sa.Column("threshold", sa.Float, nullable=True),
        sa.Column("outline_wkt", sa.Text, nullable=True),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("site", "lake", "t_ms", "scene", name="uq_lake_areas_key"),
    )
    op.create_index("ix_lake_areas_lake_time", "lake_areas", ["site", "lake", "t_ms"])


def downgrade() -> None:
    op.drop_index("ix_lake_areas_lake_time", table_name="lake_areas")
    op.drop_table("lake_areas")
