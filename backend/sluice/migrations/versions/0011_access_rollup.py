"""The hourly rollups of access records that the dashboard's charts read (`access_rollup`,
`access_client_rollup`),
filled from the records already stored.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-12
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sluice.gateway.access_log import rollup_sqls
from sluice.models.access_record import HISTOGRAM

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "access_rollup",
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("api_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=64), nullable=False),
        sa.Column("calls", sa.BigInteger(), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in HISTOGRAM),
        sa.PrimaryKeyConstraint("hour", "api_id", "status", "error"),
    )
    op.create_index("ix_access_rollup_api_hour", "access_rollup", ["api_id", "hour"])
    op.create_table(
        "access_client_rollup",
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("api_id", sa.BigInteger(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("calls", sa.BigInteger(), nullable=False),
        sa.Column("errors", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("hour", "api_id", "client_id"),
    )
    op.create_index("ix_access_client_rollup_api_hour", "access_client_rollup", ["api_id", "hour"])
    for statement in rollup_sqls(op.get_bind().dialect.name, from_table=True):
        op.execute(statement)


def downgrade() -> None:
    op.drop_index("ix_access_client_rollup_api_hour", table_name="access_client_rollup")
    op.drop_table("access_client_rollup")
    op.drop_index("ix_access_rollup_api_hour", table_name="access_rollup")
    op.drop_table("access_rollup")
