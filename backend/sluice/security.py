"""Password hashing and user tokens.

Hashing uses the maintained passlib line (libpass) with Argon2id; older schemes stay
verifiable so their hashes are upgraded at the next login. User tokens are HS256 JWTs
with the algorithm pinned and `exp`, `iat`, `iss`, `aud`, `sub` required, and an audience
of their own so a dashboard token is never taken for a client token.
"""

from datetime import UTC, datetime, timedelta

import jwt
from passlib.context import CryptContext

from sluice.errors import Unauthorized

ALGORITHM = "HS256"
ISSUER = "sluice"
USER_AUDIENCE = "sluice:admin"

password_context = CryptContext(
    schemes=["argon2", "bcrypt", "pbkdf2_sha256"],
    deprecated="auto",
    argon2__type="ID",
)


def hash_password(password: str) -> str:
    return str(password_context.hash(password))


def verify_password(password: str, hashed: str) -> tuple[bool, str | None]:
    """Check a password; the second value is a new hash when the stored one is outdated."""
    ok, new_hash = password_context.verify_and_update(password, hashed)
    return bool(ok), new_hash


def burn_verification_time() -> None:
    """Spend what a real verification costs, so an unknown email answers no faster."""
    password_context.dummy_verify()


def create_user_token(user_id: int, secret_key: str, expires: timedelta) -> str:
    now = datetime.now(UTC)
    claims = {"sub": str(user_id), "iat": now, "exp": now + expires}
    claims |= {"iss": ISSUER, "aud": USER_AUDIENCE}
    return jwt.encode(claims, secret_key, algorithm=ALGORITHM)


def decode_user_token(token: str, secret_key: str) -> int:
    """The user id in a valid dashboard token; Unauthorized for anything else."""
    try:
        claims = jwt.decode(
            token,
            secret_key,
            algorithms=[ALGORITHM],
            audience=USER_AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("Token has expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("Could not validate credentials") from exc
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject.isdigit():
        raise Unauthorized("Could not validate credentials")
    return int(subject)
