"""Users: creation, updates, authentication and effective permissions."""

from sqlmodel import Session, col, select

from sluice.errors import BadRequest, Conflict, Forbidden
from sluice.models.user import (
    ALL_PERMISSIONS,
    Permission,
    Role,
    User,
    UserCreate,
    UserPublic,
    UserUpdate,
    UserUpdateMe,
)
from sluice.security import burn_verification_time, hash_password, verify_password
from sluice.services.common import commit, get_or_404, matching, page_of
from sluice.services.roles import permissions_of, role_permissions, roles_by_ids


def normalize_email(email: str) -> str:
    return email.strip().lower()


def user_public(user: User) -> UserPublic:
    assert user.id is not None
    return UserPublic(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        is_active=user.is_active,
        is_superuser=user.is_superuser,
        role_ids=sorted(r.id for r in user.roles if r.id is not None),
        permissions=[Permission(resource=r, action=a) for r, a in sorted(permissions_of(user))],
    )


def get_user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalize_email(email))).first()


def list_users(
    session: Session, limit: int, offset: int, q: str | None = None
) -> tuple[list[User], int]:
    """Users in the order they were added; `q` is text in the email or full name."""
    conditions = [matching(q, User.email, User.full_name)]
    return page_of(session, select(User), conditions, [col(User.id)], limit, offset)


def _ensure_email_free(session: Session, email: str, user_id: int | None = None) -> None:
    existing = get_user_by_email(session, email)
    if existing is not None and existing.id != user_id:
        raise Conflict(f"A user with email {email} already exists")


def create_user(session: Session, data: UserCreate, actor: User | None = None) -> User:
    """Create a user; `actor` is who asks (None for the CLI and start-up)."""
    if actor is not None and data.is_superuser and not actor.is_superuser:
        raise Forbidden("Only a superuser can create a superuser")
    email = normalize_email(data.email)
    _ensure_email_free(session, email)
    user = User(
        email=email,
        full_name=data.full_name,
        is_active=data.is_active,
        is_superuser=data.is_superuser,
        hashed_password=hash_password(data.password),
    )
    user.roles = _grantable_roles(session, data.role_ids, actor)
    session.add(user)
    commit(session, f"A user with email {email} already exists")
    session.refresh(user)
    return user


def update_user(
    session: Session, user: User, data: UserUpdate | UserUpdateMe, actor: User | None = None
) -> User:
    """Apply the fields that were sent; the password is hashed, roles replaced.

    `actor` is who asks through `PATCH /users/{id}` (None for `PATCH /users/me`, which
    changes only email and name, and for the CLI).
    """
    if actor is not None and isinstance(data, UserUpdate):
        guard_user_change(actor, user, data)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("email") is not None:
        changes["email"] = normalize_email(changes["email"])
        _ensure_email_free(session, changes["email"], user.id)
    password = changes.pop("password", None)
    if password is not None:
        set_password(user, password)
    if "role_ids" in changes:
        role_ids = changes.pop("role_ids")
        if role_ids is not None:
            user.roles = _grantable_roles(session, role_ids, actor)
    for field, value in changes.items():
        if value is None and field in ("email", "is_active", "is_superuser"):
            raise BadRequest(f"{field} cannot be null")
        setattr(user, field, value)
    session.add(user)
    commit(session, f"A user with email {user.email} already exists")
    session.refresh(user)
    return user


def set_password(user: User, password: str) -> None:
    """A new password ends every session opened with the old one (their tokens carry the
    previous generation and are refused)."""
    user.hashed_password = hash_password(password)
    user.token_generation += 1


def change_password(session: Session, user: User, current: str, new: str) -> None:
    ok, _ = verify_password(current, user.hashed_password)
    if not ok:
        raise BadRequest("Current password is incorrect")
    if current == new:
        raise BadRequest("New password must differ from the current one")
    set_password(user, new)
    session.add(user)
    session.commit()


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user for these credentials, or None; an unknown email costs the same time.

    A hash made with an older scheme or weaker parameters is replaced on success.
    """
    user = get_user_by_email(session, email)
    if user is None:
        burn_verification_time()
        return None
    ok, new_hash = verify_password(password, user.hashed_password)
    if not ok:
        return None
    if new_hash is not None:
        user.hashed_password = new_hash
        session.add(user)
        session.commit()
    return user


def delete_user(session: Session, user_id: int, actor: User) -> None:
    user = get_or_404(session, User, user_id)
    if user.id == actor.id:
        raise Forbidden("You cannot delete your own account")
    guard_user_change(actor, user)
    session.delete(user)
    session.commit()


def guard_user_change(actor: User, target: User, data: UserUpdate | None = None) -> None:
    """Nobody changes an account stronger than their own (resetting its password would
    hand it over), and only a superuser touches a superuser or grants superuser rights.

    On one's own account: no disabling, demoting, new roles, or password without the
    current one (that is `PATCH /users/me/password`).
    """
    grants = data is not None and bool(data.is_superuser)
    if (target.is_superuser or grants) and not actor.is_superuser:
        raise Forbidden("Only a superuser can change superuser accounts")
    if not permissions_of(target) <= permissions_of(actor):
        raise Forbidden("You cannot change a user who holds permissions you do not have")
    if data is not None and actor.id == target.id:
        _guard_own_change(target, data)


def _guard_own_change(user: User, data: UserUpdate) -> None:
    if data.is_active is False or data.is_superuser is False:
        raise Forbidden("You cannot disable or demote your own account")
    if data.role_ids is not None and set(data.role_ids) != {r.id for r in user.roles}:
        raise Forbidden("You cannot change your own roles")
    if data.password is not None:
        raise Forbidden(
            "Change your own password with PATCH /api/v1/users/me/password and the current one"
        )


def _grantable_roles(session: Session, role_ids: list[int], actor: User | None) -> list[Role]:
    """The roles with these ids, each within what `actor` holds (None: the CLI, anything)."""
    roles = roles_by_ids(session, role_ids)
    held = permissions_of(actor) if actor is not None else set(ALL_PERMISSIONS)
    for role in roles:
        if not role_permissions(role) <= held:
            raise Forbidden(
                f"You cannot grant the role {role.name!r}: it holds permissions you do not have"
            )
    return roles


def ensure_first_superuser(session: Session, email: str, password: str) -> User | None:
    """Create the first superuser unless a user with that email exists; None if it did."""
    if get_user_by_email(session, email) is not None:
        return None
    return create_user(
        session, UserCreate(email=email, password=password, is_superuser=True, full_name="Admin")
    )
