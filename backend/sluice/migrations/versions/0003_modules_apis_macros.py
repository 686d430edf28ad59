"""Modules, APIs, macros and their immutable versions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "module",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(63), nullable=False),
        sa.Column("description", sa.String(1000), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_module_name", "module", ["name"], unique=True)
    _create_apis()
    _create_macros()
    state = op.create_table(
        "registry_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.bulk_insert(state, [{"id": 1, "version": 1}])


def _create_apis() -> None:
    op.create_table(
        "api",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("module_id", sa.Integer(), sa.ForeignKey("module.id"), nullable=False),
        sa.Column("datasource_id", sa.Integer(), sa.ForeignKey("datasource.id"), nullable=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("path", sa.String(255), nullable=False),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("engine", sa.String(8), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("result_transform", sa.Text(), nullable=True),
        sa.Column("access", sa.String(8), nullable=False),
        sa.Column("cache_ttl_seconds", sa.Integer(), nullable=True),
        sa.Column("rate_limit_per_minute", sa.Integer(), nullable=True),
        sa.Column("timeout_ms", sa.Integer(), nullable=True),
        sa.Column("pagination", sa.String(8), nullable=False),
        sa.Column("description", sa.String(1000), nullable=True),
        sa.Column("is_published", sa.Boolean(), nullable=False),
        sa.Column("published_version_id", sa.Integer(), nullable=True),
        *_stamps(),
        sa.UniqueConstraint("module_id", "method", "path", name="uq_api_route"),
    )
    op.create_index("ix_api_module_id", "api", ["module_id"])
    op.create_index("ix_api_datasource_id", "api", ["datasource_id"])
    op.create_table(
        "api_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "api_id", sa.Integer(), sa.ForeignKey("api.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("macro_versions", sa.JSON(), nullable=False),
        sa.Column("message", sa.String(1000), nullable=True),
        sa.Column("created_by", sa.String(255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("api_id", "version", name="uq_api_version"),
    )
    op.create_index("ix_api_version_api_id", "api_version", ["api_id"])


def _create_macros() -> None:
    op.create_table(
        "macro",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("description", sa.String(1000), nullable=True),
        sa.Column(
            "module_id", sa.Integer(), sa.ForeignKey("module.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column("published_version_id", sa.Integer(), nullable=True),
        *_stamps(),
    )
    op.create_index("ix_macro_name", "macro", ["name"], unique=True)
    op.create_table(
        "macro_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "macro_id", sa.Integer(), sa.ForeignKey("macro.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("message", sa.String(1000), nullable=True),
        sa.Column("created_by", sa.String(255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("macro_id", "version", name="uq_macro_version"),
    )
    op.create_index("ix_macro_version_macro_id", "macro_version", ["macro_id"])


def downgrade() -> None:
    op.drop_table("registry_state")
    op.drop_table("macro_version")
    op.drop_table("macro")
    op.drop_table("api_version")
    op.drop_table("api")
    op.drop_table("module")
