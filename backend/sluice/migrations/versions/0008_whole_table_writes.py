"""APIs may allow whole-table writes (an UPDATE or DELETE without WHERE); off by default.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api") as batch:
        batch.add_column(
            sa.Column(
                "allow_whole_table_writes",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("api") as batch:
        batch.drop_column("allow_whole_table_writes")
