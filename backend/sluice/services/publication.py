"""The published-state counter: bumped in the same transaction as any change the gateway
must see (publish, unpublish, API or module or data-source edits), so every process can
tell cheaply that its registry is stale."""

from sqlalchemy import text
from sqlmodel import Session


def bump(session: Session) -> None:
    session.execute(text("UPDATE registry_state SET version = version + 1 WHERE id = 1"))


def current(session: Session) -> int:
    value = session.execute(text("SELECT version FROM registry_state WHERE id = 1")).scalar_one()
    return int(value)
