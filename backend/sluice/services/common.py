"""Small helpers every service uses: loading by id and committing with conflict mapping."""

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, func, select
from sqlmodel.sql.expression import SelectOfScalar

from sluice.errors import Conflict, NotFound

T = TypeVar("T", bound=SQLModel)


def get_or_404(session: Session, model: type[T], item_id: int) -> T:
    item = session.get(model, item_id)
    if item is None:
        raise NotFound(f"{model.__name__} {item_id} not found")
    return item


def count(session: Session, model: type[SQLModel]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def like_pattern(text: str) -> str:
    """`%text%` with LIKE's own wildcards (and the escape character) escaped, so a search
    for `50%` or `a_b` finds those characters, not any character."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matching(q: str | None, *columns: Any) -> ColumnElement[bool] | None:
    """A case-insensitive substring test of `q` on any of `columns` (None when `q` is
    empty): ILIKE on PostgreSQL, lower() LIKE lower() on SQLite, both with `\\` as the
    escape character."""
    if not q:
        return None
    pattern = like_pattern(q)
    return or_(*(func.coalesce(c, "").ilike(pattern, escape="\\") for c in columns))


def page_of(
    session: Session,
    query: SelectOfScalar[T],
    conditions: list[ColumnElement[bool] | None],
    order: list[Any],
    limit: int,
    offset: int,
) -> tuple[list[T], int]:
    """One page of `query` narrowed by the conditions given (None ones are skipped), and
    how many rows match in all: the `{"data", "count"}` of every list route."""
    for condition in conditions:
        if condition is not None:
            query = query.where(condition)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(*order).offset(offset).limit(limit)).all()
    return list(rows), total


def commit(session: Session, conflict_message: str) -> None:
    """Commit, turning a unique-constraint race into a 409 instead of a 500."""
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(conflict_message) from exc
