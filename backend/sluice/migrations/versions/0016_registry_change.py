"""The registry's change log: every bump of `registry_state` records what it changed (an
API, a client, a group, a module, a data source, or `all`), so a process at version V
reloads only what changed after V instead of rebuilding every API.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registry_change",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_registry_change_version", "registry_change", ["version"])


def downgrade() -> None:
    op.drop_index("ix_registry_change_version", table_name="registry_change")
    op.drop_table("registry_change")
