"""Result types: each published version keeps the shape of what it answers (its result
columns with their database and JSON types, or a write's row count); an API may declare
the JSON Schema of its `data` (a script, a result transform).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_version") as batch:
        batch.add_column(sa.Column("result_shape", sa.JSON(), nullable=True))
    with op.batch_alter_table("api") as batch:
        batch.add_column(sa.Column("output_schema", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api") as batch:
        batch.drop_column("output_schema")
    with op.batch_alter_table("api_version") as batch:
        batch.drop_column("result_shape")
