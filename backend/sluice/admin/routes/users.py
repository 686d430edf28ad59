from typing import Annotated

from fastapi import APIRouter, Depends, status

from sluice.admin.deps import CurrentUser, Id, Page, Search, SessionDep, require
from sluice.http import StrictJSONRoute
from sluice.models.user import (
    Message,
    UpdatePassword,
    User,
    UserCreate,
    UserPublic,
    UsersPublic,
    UserUpdate,
    UserUpdateMe,
)
from sluice.services import users as service
from sluice.services.common import get_or_404

router = APIRouter(prefix="/users", tags=["users"], route_class=StrictJSONRoute)

Reader = Annotated[User, Depends(require("user", "read"))]
Writer = Annotated[User, Depends(require("user", "write"))]


@router.get("/me")
def read_user_me(user: CurrentUser) -> UserPublic:
    return service.user_public(user)


@router.patch("/me")
def update_user_me(session: SessionDep, user: CurrentUser, body: UserUpdateMe) -> UserPublic:
    return service.user_public(service.update_user(session, user, body))


@router.patch("/me/password")
def update_password_me(session: SessionDep, user: CurrentUser, body: UpdatePassword) -> Message:
    service.change_password(session, user, body.current_password, body.new_password)
    return Message(message="Password updated")


@router.get("")
def read_users(session: SessionDep, _: Reader, page: Page, q: Search) -> UsersPublic:
    users, total = service.list_users(session, *page, q)
    return UsersPublic(data=[service.user_public(u) for u in users], count=total)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_user(session: SessionDep, actor: Writer, body: UserCreate) -> UserPublic:
    return service.user_public(service.create_user(session, body, actor))


@router.get("/{user_id}")
def read_user(session: SessionDep, _: Reader, user_id: Id) -> UserPublic:
    return service.user_public(get_or_404(session, User, user_id))


@router.patch("/{user_id}")
def update_user(session: SessionDep, actor: Writer, user_id: Id, body: UserUpdate) -> UserPublic:
    user = get_or_404(session, User, user_id)
    return service.user_public(service.update_user(session, user, body, actor))


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_user(session: SessionDep, actor: Writer, user_id: Id) -> None:
    service.delete_user(session, user_id, actor)
