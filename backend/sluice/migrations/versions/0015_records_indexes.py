"""Access records at production size: the list's filters each have an index that ends in
the time, so a page (newest first) and its capped count read only the rows they show.
`client_id` alone becomes (`client_id`, `at`); (`status`, `at`) is new, (`api_id`, `status`,
`at`) serves one API's errors, and `at` alone for the few calls that came by MCP (a partial
index: `via` is `http` for nearly all).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_access_record_client_id", table_name="access_record")
    op.create_index("ix_access_record_client_at", "access_record", ["client_id", "at"])
    op.create_index("ix_access_record_status_at", "access_record", ["status", "at"])
    op.create_index("ix_access_record_api_status_at", "access_record", ["api_id", "status", "at"])
    mcp = sa.text("via = 'mcp'")
    op.create_index(
        "ix_access_record_mcp_at",
        "access_record",
        ["at"],
        postgresql_where=mcp,
        sqlite_where=mcp,
    )


def downgrade() -> None:
    op.drop_index("ix_access_record_mcp_at", table_name="access_record")
    op.drop_index("ix_access_record_api_status_at", table_name="access_record")
    op.drop_index("ix_access_record_status_at", table_name="access_record")
    op.drop_index("ix_access_record_client_at", table_name="access_record")
    op.create_index("ix_access_record_client_id", "access_record", ["client_id"])
