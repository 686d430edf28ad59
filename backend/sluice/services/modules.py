"""Modules: the first path segment of their APIs."""

from sqlmodel import Session, col, func, select

from sluice.errors import Conflict
from sluice.models.api import Api, Module, ModuleCreate, ModulePublic, ModuleUpdate
from sluice.models.user import utcnow
from sluice.services.common import commit, count
from sluice.services.publication import bump


def module_public(session: Session, module: Module) -> ModulePublic:
    apis = session.exec(select(func.count()).where(Api.module_id == module.id)).one()
    return ModulePublic(**module.model_dump(), api_count=apis)


def list_modules(session: Session, limit: int, offset: int) -> tuple[list[Module], int]:
    query = select(Module).order_by(col(Module.name)).offset(offset).limit(limit)
    return list(session.exec(query).all()), count(session, Module)


def _ensure_name_free(session: Session, name: str, module_id: int | None = None) -> None:
    existing = session.exec(select(Module).where(Module.name == name)).first()
    if existing is not None and existing.id != module_id:
        raise Conflict(f"A module named {name!r} already exists")


def create_module(session: Session, data: ModuleCreate) -> Module:
    module = add_module(session, data)
    commit(session, f"A module named {data.name!r} already exists")
    session.refresh(module)
    return module


def add_module(session: Session, data: ModuleCreate) -> Module:
    """Check and add a module to the session (flushed, not committed)."""
    _ensure_name_free(session, data.name)
    module = Module.model_validate(data)
    session.add(module)
    session.flush()
    return module


def update_module(session: Session, module: Module, data: ModuleUpdate) -> Module:
    changes = data.model_dump(exclude_unset=True)
    if changes.get("name"):
        _ensure_name_free(session, changes["name"], module.id)
    for field, value in changes.items():
        if value is not None or field == "description":
            setattr(module, field, value)
    module.updated_at = utcnow()
    session.add(module)
    bump(session, "module", [module.id])
    commit(session, f"A module named {module.name!r} already exists")
    session.refresh(module)
    return module


def delete_module(session: Session, module: Module) -> None:
    apis = session.exec(select(func.count()).where(Api.module_id == module.id)).one()
    if apis:
        raise Conflict(f"Module {module.name!r} still has {apis} API(s); delete or move them first")
    session.delete(module)
    bump(session, "module", [module.id])
    session.commit()
