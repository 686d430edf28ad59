"""The daily client rollup (`access_client_day`): the hourly client rollup summed per UTC
day, which the charts read for the whole days of a long range; filled from the hourly
rollup already stored.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "access_client_day",
        sa.Column("day", sa.DateTime(timezone=True), nullable=False),
        sa.Column("api_id", sa.BigInteger(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("calls", sa.BigInteger(), nullable=False),
        sa.Column("errors", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "api_id", "client_id"),
    )
    op.create_index("ix_access_client_day_api_day", "access_client_day", ["api_id", "day"])
    op.execute(_backfill(op.get_bind().dialect.name))


def _backfill(dialect: str) -> str:
    """The hourly client rollup summed per day (frozen here: a migration never imports app
    code). The hourly rows, not the records: the same sums, a few hundred thousand rows a
    month rather than millions."""
    if dialect == "postgresql":
        day = "date_trunc('day', hour AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    else:  # SQLite keeps times as 'YYYY-MM-DD HH:MM:SS.ffffff', UTC
        day = "substr(hour, 1, 10) || ' 00:00:00.000000'"
    return (
        "INSERT INTO access_client_day (day, api_id, client_id, calls, errors)"
        " SELECT day, api_id, client_id, sum(calls), sum(errors) FROM ("
        f"SELECT {day} AS day, api_id, client_id, calls, errors FROM access_client_rollup"
        ") AS s GROUP BY day, api_id, client_id ORDER BY day, api_id, client_id"
    )


def downgrade() -> None:
    op.drop_index("ix_access_client_day_api_day", table_name="access_client_day")
    op.drop_table("access_client_day")
