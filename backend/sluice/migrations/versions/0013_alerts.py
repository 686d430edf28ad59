"""Alerts: rules, firings, the evaluator's lease, counts of dropped access records; the
`alert` permission for the built-in roles; an index for module-wide error rates.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-11
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_GRANTS = {
    "admin": ("read", "write"),
    "developer": ("read", "write"),
    "viewer": ("read",),
}
"""What the built-in roles get of the new `alert` resource (as `BUILTIN_ROLES` says)."""


def _moment(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(name: str, target: str, *, nullable: bool = True) -> sa.Column[int]:
    return sa.Column(
        name, sa.Integer(), sa.ForeignKey(target, ondelete="CASCADE"), nullable=nullable
    )


def upgrade() -> None:
    op.create_table(
        "alert_rule",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        _fk("api_id", "api.id"),
        _fk("module_id", "module.id"),
        _fk("datasource_id", "datasource.id"),
        sa.Column("status_class", sa.String(8), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("window_seconds", sa.Integer(), nullable=False),
        sa.Column("min_calls", sa.Integer(), nullable=False),
        sa.Column("webhook_url", sa.String(2048), nullable=False),
        sa.Column("webhook_format", sa.String(16), nullable=False),
        sa.Column("repeat_seconds", sa.Integer(), nullable=False),
        _moment("silenced_until", nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("secret_encrypted", sa.String(512), nullable=False),
        sa.Column("firing_id", sa.Integer(), nullable=True),
        _moment("created_at"),
        _moment("updated_at"),
    )
    for column in ("api_id", "module_id", "datasource_id"):
        op.create_index(f"ix_alert_rule_{column}", "alert_rule", [column])
    op.create_table(
        "alert_firing",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("rule_id", "alert_rule.id", nullable=False),
        sa.Column("rule_name", sa.String(100), nullable=False),
        _moment("started_at"),
        _moment("resolved_at", nullable=True),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("message", sa.String(1000), nullable=False),
        sa.Column("notifications", sa.Integer(), nullable=False),
        _moment("last_notified_at", nullable=True),
        sa.Column("resolved_notified", sa.Boolean(), nullable=False),
        sa.Column("last_error", sa.String(500), nullable=True),
    )
    op.create_index("ix_alert_firing_rule_id", "alert_firing", ["rule_id"])
    op.create_index("ix_alert_firing_started_at", "alert_firing", ["started_at"])
    op.create_table(
        "alert_lease",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("holder", sa.String(128), nullable=False),
        _moment("expires_at"),
    )
    op.create_table(
        "access_drop",
        sa.Column("id", sa.Integer(), primary_key=True),
        _moment("at"),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.create_index("ix_access_drop_at", "access_drop", ["at"])
    op.create_index("ix_access_record_module_at", "access_record", ["module", "at"])
    _grant()


def _grant() -> None:
    connection = op.get_bind()
    roles = sa.table("role", sa.column("id", sa.Integer()), sa.column("name", sa.String()))
    permission = sa.table(
        "role_permission",
        sa.column("role_id", sa.Integer()),
        sa.column("resource", sa.String()),
        sa.column("action", sa.String()),
    )
    found = connection.execute(
        sa.select(roles.c.id, roles.c.name).where(roles.c.name.in_(list(_GRANTS)))
    ).all()
    rows = [
        {"role_id": role_id, "resource": "alert", "action": action}
        for role_id, name in found
        for action in _GRANTS[name]
    ]
    if rows:
        op.bulk_insert(permission, rows)


def downgrade() -> None:
    op.execute("DELETE FROM role_permission WHERE resource = 'alert'")
    op.drop_index("ix_access_record_module_at", table_name="access_record")
    op.drop_index("ix_access_drop_at", table_name="access_drop")
    op.drop_table("access_drop")
    op.drop_table("alert_lease")
    op.drop_index("ix_alert_firing_started_at", table_name="alert_firing")
    op.drop_index("ix_alert_firing_rule_id", table_name="alert_firing")
    op.drop_table("alert_firing")
    for column in ("api_id", "module_id", "datasource_id"):
        op.drop_index(f"ix_alert_rule_{column}", table_name="alert_rule")
    op.drop_table("alert_rule")
