"""Access records keep the error's message and the query string (secrets masked).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("access_record") as batch:
        batch.add_column(sa.Column("message", sa.String(length=1024), nullable=True))
        batch.add_column(sa.Column("query_string", sa.String(length=2048), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("access_record") as batch:
        batch.drop_column("query_string")
        batch.drop_column("message")
