from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request

from sluice.admin.deps import LoginGuardDep, SessionDep, SettingsDep
from sluice.errors import Forbidden, Unauthorized
from sluice.http import StrictJSONRoute, client_host
from sluice.models.user import PASSWORD_MAX, Token
from sluice.security import create_user_token
from sluice.services.users import authenticate, normalize_email

router = APIRouter(tags=["login"], route_class=StrictJSONRoute)

Username = Annotated[str, Form(max_length=255)]
Password = Annotated[str, Form(max_length=PASSWORD_MAX)]
"""Held to what an account can have, so an impossible value is a 422 before any lookup."""


@router.post("/login/access-token")
def login_access_token(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    guard: LoginGuardDep,
    username: Username,
    password: Password,
) -> Token:
    """OAuth2 password flow: the email as `username`, and the password."""
    email = normalize_email(username)
    ip = client_host(request, settings.TRUSTED_PROXY_COUNT) or "-"
    guard.check_login(email, ip)
    user = authenticate(session, email, password)
    if user is None:
        guard.failed(email, ip)
        raise Unauthorized("Incorrect email or password")
    if not user.is_active:
        raise Forbidden("This account is disabled")
    guard.succeeded(email, ip)
    assert user.id is not None
    expires = timedelta(minutes=settings.ACCESS_TOKEN_EXPIRE_MINUTES)
    token = create_user_token(user.id, settings.secret_key, expires, user.token_generation)
    return Token(access_token=token)
