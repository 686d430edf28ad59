"""Small helpers every service uses: loading by id and committing with conflict mapping."""

from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, func, select

from sluice.errors import Conflict, NotFound

T = TypeVar("T", bound=SQLModel)


def get_or_404(session: Session, model: type[T], item_id: int) -> T:
    item = session.get(model, item_id)
    if item is None:
        raise NotFound(f"{model.__name__} {item_id} not found")
    return item


def count(session: Session, model: type[SQLModel]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def commit(session: Session, conflict_message: str) -> None:
    """Commit, turning a unique-constraint race into a 409 instead of a 500."""
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(conflict_message) from exc
