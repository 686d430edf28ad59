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

# Frozen copies (a migration never imports app code): the latency histogram's bucket
# bounds and the rollup statements as they were when this revision was written.
LATENCY_BOUNDS_MS = (
    0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100,
    150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000,
)  # fmt: skip
HISTOGRAM = tuple(f"h{i}" for i in range(len(LATENCY_BOUNDS_MS) + 1))

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
    for statement in _backfill(op.get_bind().dialect.name):
        op.execute(statement)


def _backfill(dialect: str) -> tuple[str, str]:
    """The two upserts that sum every stored access record into the rollups."""
    if dialect == "postgresql":
        hour = "date_trunc('hour', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    else:  # SQLite keeps times as 'YYYY-MM-DD HH:MM:SS.ffffff', UTC
        hour = "substr(at, 1, 13) || ':00:00.000000'"
    rows = (
        f"SELECT {hour} AS hour, coalesce(api_id, 0) AS api_id, coalesce(client_id, '') AS"
        " client_id, status AS status, coalesce(error, '') AS error, duration_ms AS d"
        " FROM access_record"
    )
    lows, highs = (None, *LATENCY_BOUNDS_MS), (*LATENCY_BOUNDS_MS, None)
    buckets = [
        "sum(CASE WHEN "
        + " AND ".join(([f"d > {lo}"] if lo is not None else []) + ([f"d <= {hi}"] if hi else []))
        + " THEN 1 ELSE 0 END)"
        for lo, hi in zip(lows, highs, strict=True)
    ]
    by_status = _upsert(
        "access_rollup",
        "hour, api_id, status, error",
        {"calls": "count(*)", "duration_ms": "sum(d)"} | dict(zip(HISTOGRAM, buckets, strict=True)),
        rows,
    )
    by_client = _upsert(
        "access_client_rollup",
        "hour, api_id, client_id",
        {"calls": "count(*)", "errors": "sum(CASE WHEN status >= 400 THEN 1 ELSE 0 END)"},
        rows,
    )
    return by_status, by_client


def _upsert(table: str, key: str, sums: dict[str, str], rows: str) -> str:
    added = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in sums)
    return (
        f"INSERT INTO {table} ({key}, {', '.join(sums)}) "
        f"SELECT {key}, {', '.join(sums.values())} FROM ({rows}) AS s"
        f" WHERE true GROUP BY {key} ORDER BY {key} ON CONFLICT ({key}) DO UPDATE SET {added}"
    )


def downgrade() -> None:
    op.drop_index("ix_access_client_rollup_api_hour", table_name="access_client_rollup")
    op.drop_table("access_client_rollup")
    op.drop_index("ix_access_rollup_api_hour", table_name="access_rollup")
    op.drop_table("access_rollup")
