"""Password hashing, user tokens and the encryption of stored secrets.

Hashing uses the maintained passlib line (libpass) with Argon2id; older schemes stay
verifiable so their hashes are upgraded at the next login. User tokens are HS256 JWTs
with the algorithm pinned and `exp`, `iat`, `iss`, `aud`, `sub`, `gen` required, and an
audience of their own so a dashboard token is never taken for a client token.
"""

import base64
import hashlib
import hmac
import os
import secrets
import time
from datetime import UTC, datetime, timedelta

import jwt
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
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


def create_user_token(
    user_id: int, secret_key: str, expires: timedelta, generation: int = 0
) -> str:
    """A dashboard token stamped with the user's token generation (see decode_user_token)."""
    now = datetime.now(UTC)
    claims = {"sub": str(user_id), "gen": generation, "iat": now, "exp": now + expires}
    claims |= {"iss": ISSUER, "aud": USER_AUDIENCE}
    return jwt.encode(claims, secret_key, algorithm=ALGORITHM)


def decode_user_token(token: str, secret_key: str) -> tuple[int, int]:
    """(user id, token generation) of a valid dashboard token; Unauthorized for anything
    else. The caller compares the generation with the user's: a password change bumps it."""
    try:
        claims = jwt.decode(
            token,
            secret_key,
            algorithms=[ALGORITHM],
            audience=USER_AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "gen"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("Token has expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("Could not validate credentials") from exc
    subject, generation = claims["sub"], claims["gen"]
    if not isinstance(subject, str) or not subject.isdigit() or not isinstance(generation, int):
        raise Unauthorized("Could not validate credentials")
    return int(subject), generation


class SecretUndecryptable(Exception):
    """A stored secret that no known key opens (wrong key, or copied from another row)."""


class Keyring:
    """AES-256-GCM keys by version, for data-source passwords.

    Version 0 is derived from SECRET_KEY; DATASOURCE_ENCRYPTION_KEY adds explicit keys
    written `version:base64key` (comma-separated), and the highest version encrypts. Every
    ciphertext records its key version, and the row it belongs to is bound in as associated
    data, so a ciphertext copied to another row does not decrypt. `sluice rotate-key`
    re-encrypts every row with the current key.
    """

    def __init__(self, keys: dict[int, bytes]) -> None:
        if not keys:
            raise ValueError("a keyring needs at least one key")
        self.keys = keys
        self.current = max(keys)

    @classmethod
    def from_settings(cls, secret_key: str, explicit: str | None) -> "Keyring":
        keys = {0: derive_key(secret_key, "datasource-password")}
        for item in (explicit or "").split(","):
            if item.strip():
                version, key = _parse_key(item.strip())
                keys[version] = key
        return cls(keys)

    def encrypt(self, plaintext: str, bound_to: str) -> str:
        nonce = os.urandom(12)
        sealed = AESGCM(self.keys[self.current]).encrypt(
            nonce, plaintext.encode(), bound_to.encode()
        )
        return f"v{self.current}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str, bound_to: str) -> str:
        version, _, body = token.partition(":")
        key = self.keys.get(int(version[1:])) if version[1:].isdigit() else None
        if key is None:
            raise SecretUndecryptable(f"no key of version {version[1:]!r} is configured")
        try:
            raw = base64.urlsafe_b64decode(body)
            return AESGCM(key).decrypt(raw[:12], raw[12:], bound_to.encode()).decode()
        except (InvalidTag, ValueError) as exc:
            raise SecretUndecryptable("the stored secret does not open with its key") from exc

    def is_current(self, token: str) -> bool:
        return token.startswith(f"v{self.current}:")


def _parse_key(item: str) -> tuple[int, bytes]:
    version, _, encoded = item.partition(":")
    try:
        key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except ValueError:
        key = b""
    if not version.isdigit() or int(version) < 1 or len(key) != 32:
        raise ValueError(
            "DATASOURCE_ENCRYPTION_KEY entries must be `version:key`, version >= 1 and key "
            "32 bytes in base64 (`sluice rotate-key --generate` makes one)"
        )
    return int(version), key


def new_encryption_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


CLIENT_AUDIENCE = "sluice:gateway"


def derive_key(secret_key: str, purpose: str) -> bytes:
    """A key of its own for each use of SECRET_KEY (client secrets, client tokens)."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"sluice", info=purpose.encode())
    return hkdf.derive(secret_key.encode())


def client_secret_key(secret_key: str) -> bytes:
    """The key client secrets are hashed under (the admin API and `sluice demo` agree)."""
    return derive_key(secret_key, "client-secret")


def new_client_id() -> str:
    return "cl_" + secrets.token_urlsafe(12)


def new_client_secret() -> str:
    return "cs_" + secrets.token_urlsafe(32)


def hash_client_secret(secret: str, key: bytes) -> str:
    """An HMAC, not a slow hash: secrets are long and random, and the token route is hot."""
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def client_secret_matches(secret: str, stored_hash: str, key: bytes) -> bool:
    return hmac.compare_digest(hash_client_secret(secret, key), stored_hash)


def create_client_token(client_id: str, generation: int, key: bytes, expires_in: int) -> str:
    now = int(time.time())
    claims = {"sub": client_id, "gen": generation, "iat": now, "exp": now + expires_in}
    claims |= {"iss": ISSUER, "aud": CLIENT_AUDIENCE}
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def decode_client_token(token: str, key: bytes) -> tuple[str, int, int]:
    """(client_id, token generation, expiry) of a valid client token; Unauthorized else."""
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=CLIENT_AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("Token has expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("Invalid token") from exc
    subject, generation = claims["sub"], claims.get("gen")
    if not isinstance(subject, str) or not isinstance(generation, int):
        raise Unauthorized("Invalid token")
    return subject, generation, int(claims["exp"])
