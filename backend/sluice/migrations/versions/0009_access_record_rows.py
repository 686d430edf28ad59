"""Access records carry the rows a streamed export sent (`rows`), cut short or not.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("access_record") as batch:
        batch.add_column(sa.Column("rows", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("access_record") as batch:
        batch.drop_column("rows")
