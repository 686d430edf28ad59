"""API test cases, and modules that hold publishes to passing tests.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-09
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("module") as batch:
        batch.add_column(
            sa.Column(
                "require_passing_tests", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    op.create_table(
        "api_test",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "api_id", sa.Integer(), sa.ForeignKey("api.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("expect", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("api_id", "name", name="uq_api_test_name"),
    )
    op.create_index("ix_api_test_api_id", "api_test", ["api_id"])


def downgrade() -> None:
    op.drop_index("ix_api_test_api_id", table_name="api_test")
    op.drop_table("api_test")
    with op.batch_alter_table("module") as batch:
        batch.drop_column("require_passing_tests")
