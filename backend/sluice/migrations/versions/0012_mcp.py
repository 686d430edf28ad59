"""The MCP endpoint: modules and APIs can be hidden from it, a write API must allow it,
and access records say whether a call came over HTTP or through MCP (`via`).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _flag(name: str) -> sa.Column[bool]:
    return sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false())


def upgrade() -> None:
    with op.batch_alter_table("module") as batch:
        batch.add_column(_flag("mcp_hidden"))
    with op.batch_alter_table("api") as batch:
        batch.add_column(_flag("mcp_hidden"))
        batch.add_column(_flag("mcp_writes"))
    with op.batch_alter_table("access_record") as batch:
        batch.add_column(
            sa.Column("via", sa.String(length=8), nullable=False, server_default="http")
        )


def downgrade() -> None:
    with op.batch_alter_table("access_record") as batch:
        batch.drop_column("via")
    with op.batch_alter_table("api") as batch:
        batch.drop_column("mcp_writes")
        batch.drop_column("mcp_hidden")
    with op.batch_alter_table("module") as batch:
        batch.drop_column("mcp_hidden")
