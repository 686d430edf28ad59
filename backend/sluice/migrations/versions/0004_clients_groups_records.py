"""Groups, clients and their grants; access records; the audit log.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _link(name: str, left: tuple[str, str], right: tuple[str, str]) -> None:
    op.create_table(
        name,
        sa.Column(
            left[0], sa.Integer(), sa.ForeignKey(left[1], ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            right[0], sa.Integer(), sa.ForeignKey(right[1], ondelete="CASCADE"), primary_key=True
        ),
    )


def upgrade() -> None:
    op.create_table(
        "apigroup",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("description", sa.String(1000), nullable=True),
        *_stamps(),
    )
    op.create_index("ix_apigroup_name", "apigroup", ["name"], unique=True)
    op.create_table(
        "client",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("description", sa.String(1000), nullable=True),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("secret_hash", sa.String(128), nullable=False),
        sa.Column("token_generation", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("max_concurrent", sa.Integer(), nullable=True),
        sa.Column("rate_limit_per_minute", sa.Integer(), nullable=True),
        sa.Column("token_expire_seconds", sa.Integer(), nullable=True),
        sa.Column("allowed_ips", sa.JSON(), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_client_client_id", "client", ["client_id"], unique=True)
    _link("group_api", ("group_id", "apigroup.id"), ("api_id", "api.id"))
    _link("client_group", ("client_id", "client.id"), ("group_id", "apigroup.id"))
    _link("client_api", ("client_id", "client.id"), ("api_id", "api.id"))
    _create_records()


def _create_records() -> None:
    op.create_table(
        "access_record",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("api_id", sa.Integer(), nullable=True),
        sa.Column("module", sa.String(63), nullable=True),
        sa.Column("path", sa.String(512), nullable=False),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=True),
        sa.Column("ip", sa.String(64), nullable=True),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("request_id", sa.String(128), nullable=True),
        sa.Column("error", sa.String(64), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
    )
    op.create_index("ix_access_record_at", "access_record", ["at"])
    op.create_index("ix_access_record_client_id", "access_record", ["client_id"])
    op.create_index("ix_access_record_api_at", "access_record", ["api_id", "at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(255), nullable=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("resource", sa.String(32), nullable=False),
        sa.Column("resource_id", sa.String(64), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_actor", "audit_log", ["actor"])
    op.create_index("ix_audit_log_resource", "audit_log", ["resource"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("access_record")
    op.drop_table("client_api")
    op.drop_table("client_group")
    op.drop_table("group_api")
    op.drop_table("client")
    op.drop_table("apigroup")
