"""The published-state counter: bumped in the same transaction as any change the gateway
must see (publish, unpublish, API or module or data-source edits), so every process can
tell cheaply that its registry is stale.

Each bump also records what it changed in `registry_change` (`kind` and the object's id),
so a process at version V brings its registry up to date by reloading only the objects
changed after V (`changes`); `all` (or a log that no longer reaches back to V) means a full
rebuild. The log keeps the last KEEP versions."""

from collections.abc import Iterable
from typing import Literal

from sqlalchemy import text
from sqlmodel import Session

Kind = Literal["api", "client", "group", "module", "datasource", "all"]
KEEP = 1000
"""Versions kept in the log: a process further behind than this rebuilds in full."""


def bump(session: Session, kind: Kind = "all", ids: Iterable[int | None] = ()) -> None:
    """Move the counter by one and record that `kind` objects `ids` changed with it."""
    session.execute(text("UPDATE registry_state SET version = version + 1 WHERE id = 1"))
    rows: list[dict[str, object]] = [{"kind": kind, "object_id": i} for i in ids if i is not None]
    if kind == "all" or not rows:  # nothing named: every process rebuilds in full
        rows = [{"kind": "all", "object_id": None}]
    session.execute(
        text(
            "INSERT INTO registry_change (version, kind, object_id)"
            " SELECT version, :kind, :object_id FROM registry_state WHERE id = 1"
        ),
        rows,
    )
    session.execute(
        text(
            "DELETE FROM registry_change WHERE version <"
            " (SELECT version FROM registry_state WHERE id = 1) - :keep"
        ),
        {"keep": KEEP},
    )


def current(session: Session) -> int:
    value = session.execute(text("SELECT version FROM registry_state WHERE id = 1")).scalar_one()
    return int(value)


def changes(session: Session, after: int, upto: int) -> list[tuple[str, int | None]] | None:
    """What changed in versions `after` (excluded) to `upto`, or None when the log does not
    reach back that far."""
    rows = session.execute(
        text(
            "SELECT version, kind, object_id FROM registry_change"
            " WHERE version > :after AND version <= :upto"
        ),
        {"after": after, "upto": upto},
    ).all()
    if len({row[0] for row in rows}) != upto - after:
        return None
    return [(str(row[1]), None if row[2] is None else int(row[2])) for row in rows]
