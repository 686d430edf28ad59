"""Users, roles, role permissions; seed the built-in roles.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A snapshot of the permission catalogue as this migration seeds it; later migrations
# that add permissions insert their own rows.
_CATALOGUE = {
    "datasource": ("read", "write", "debug"),
    "module": ("read", "write"),
    "api": ("read", "write", "publish", "debug"),
    "macro": ("read", "write", "publish"),
    "group": ("read", "write"),
    "client": ("read", "write"),
    "access_log": ("read",),
    "user": ("read", "write"),
    "role": ("read", "write"),
}
_ALL = [(r, a) for r, actions in _CATALOGUE.items() for a in actions]
_BUILTIN = {
    "admin": ("Everything, users and roles included", _ALL),
    "developer": (
        "Everything but users and roles",
        [p for p in _ALL if p[0] not in ("user", "role")],
    ),
    "viewer": ("Read only", [p for p in _ALL if p[1] == "read"]),
}


def upgrade() -> None:
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(255), nullable=False),
        sa.Column("full_name", sa.String(255), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_superuser", sa.Boolean(), nullable=False),
        sa.Column("hashed_password", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_user_email", "user", ["email"], unique=True)
    role = op.create_table(
        "role",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("description", sa.String(255), nullable=True),
        sa.Column("is_builtin", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_role_name", "role", ["name"], unique=True)
    permission = op.create_table(
        "role_permission",
        sa.Column(
            "role_id", sa.Integer(), sa.ForeignKey("role.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("resource", sa.String(32), primary_key=True),
        sa.Column("action", sa.String(32), primary_key=True),
    )
    op.create_table(
        "user_role",
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "role_id", sa.Integer(), sa.ForeignKey("role.id", ondelete="CASCADE"), primary_key=True
        ),
    )
    _seed_builtin_roles(role, permission)


def _seed_builtin_roles(role: sa.Table, permission: sa.Table) -> None:
    names = list(_BUILTIN)
    op.bulk_insert(
        role,
        [
            {"id": i, "name": n, "description": _BUILTIN[n][0], "is_builtin": True}
            for i, n in enumerate(names, start=1)
        ],
    )
    op.bulk_insert(
        permission,
        [
            {"role_id": i, "resource": r, "action": a}
            for i, n in enumerate(names, start=1)
            for r, a in _BUILTIN[n][1]
        ],
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('role', 'id'), (SELECT max(id) FROM role))"
        )


def downgrade() -> None:
    op.drop_table("user_role")
    op.drop_table("role_permission")
    op.drop_index("ix_role_name", table_name="role")
    op.drop_table("role")
    op.drop_index("ix_user_email", table_name="user")
    op.drop_table("user")
