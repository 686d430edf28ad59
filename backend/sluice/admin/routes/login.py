from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from sluice.admin.deps import LoginGuardDep, SessionDep, SettingsDep
from sluice.errors import Forbidden, Unauthorized
from sluice.http import StrictJSONRoute
from sluice.models.user import Token
from sluice.security import create_user_token
from sluice.services.users import authenticate, normalize_email

router = APIRouter(tags=["login"], route_class=StrictJSONRoute)


@router.post("/login/access-token")
def login_access_token(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    guard: LoginGuardDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token:
    """OAuth2 password flow: the email as `username`, and the password."""
    email, ip = normalize_email(form.username), request.client.host if request.client else "-"
    guard.check_login(email, ip)
    user = authenticate(session, email, form.password)
    if user is None:
        guard.failed(email, ip)
        raise Unauthorized("Incorrect email or password")
    if not user.is_active:
        raise Forbidden("This account is disabled")
    guard.succeeded(email)
    assert user.id is not None
    expires = timedelta(minutes=settings.ACCESS_TOKEN_EXPIRE_MINUTES)
    token = create_user_token(user.id, settings.secret_key, expires, user.token_generation)
    return Token(access_token=token)
