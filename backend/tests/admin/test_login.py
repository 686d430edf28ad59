import statistics
import time
import uuid
from datetime import timedelta

import jwt
from fastapi import FastAPI
from fastapi.testclient import TestClient
from passlib.hash import pbkdf2_sha256
from sqlmodel import Session

from sluice.config import Settings
from sluice.security import ALGORITHM, create_user_token
from sluice.services.users import get_user_by_email
from tests.conftest import AppFactory, require_redis
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, login, make_user

LOGIN = "/api/v1/login/access-token"


def attempt(client: TestClient, email: str, password: str) -> tuple[int, dict[str, str], str]:
    response = client.post(LOGIN, data={"username": email, "password": password})
    return (
        response.status_code,
        dict(response.headers),
        response.json()["detail"] if response.status_code != 200 else "",
    )


def test_login_gives_a_token_that_reads_me(client: TestClient) -> None:
    headers = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    me = client.get("/api/v1/users/me", headers=headers).json()
    assert me["email"] == ADMIN_EMAIL
    assert me["is_superuser"] is True
    assert "hashed_password" not in me and "password" not in me


def test_email_is_case_insensitive_at_login(client: TestClient) -> None:
    assert login(client, ADMIN_EMAIL.upper(), ADMIN_PASSWORD)


def test_wrong_password_and_unknown_user_get_the_same_401(client: TestClient) -> None:
    wrong = attempt(client, ADMIN_EMAIL, "not-the-password")
    unknown = attempt(client, "nobody@example.com", "whatever-password")
    assert wrong[0] == unknown[0] == 401
    assert wrong[2] == unknown[2] == "Incorrect email or password"


def test_disabled_user_cannot_log_in(client: TestClient, session: Session) -> None:
    make_user(session, "off@example.com", active=False)
    status, _, detail = attempt(client, "off@example.com", "user-password-1")
    assert status == 403
    assert detail == "This account is disabled"


def test_unknown_email_costs_as_much_time_as_a_wrong_password(client: TestClient) -> None:
    def median(email: str) -> float:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            attempt(client, email, "not-the-password")
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    known, unknown = median(ADMIN_EMAIL), median("nobody@example.com")
    assert unknown > known * 0.5, (known, unknown)


def test_an_older_hash_is_upgraded_to_argon2id_at_login(
    client: TestClient, session: Session
) -> None:
    user = make_user(session, "legacy@example.com")
    user.hashed_password = pbkdf2_sha256.hash("legacy-password")
    session.add(user)
    session.commit()
    login(client, "legacy@example.com", "legacy-password")
    session.refresh(user)
    assert user.hashed_password.startswith("$argon2id$")
    login(client, "legacy@example.com", "legacy-password")


def test_failed_logins_are_throttled_per_account(app_factory: AppFactory) -> None:
    app = app_factory(LOGIN_RATE_LIMIT_PER_ACCOUNT="3/minute")
    with TestClient(app) as client:
        for _ in range(3):
            assert attempt(client, ADMIN_EMAIL, "wrong-password")[0] == 401
        status, headers, detail = attempt(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        assert status == 429
        assert int(headers["retry-after"]) >= 1
        assert "Too many failed login attempts" in detail
        assert attempt(client, "nobody@example.com", "wrong-password")[0] == 401


def test_failed_logins_are_throttled_per_ip(app_factory: AppFactory) -> None:
    app = app_factory(LOGIN_RATE_LIMIT_PER_IP="4/minute")
    with TestClient(app) as client:
        for n in range(4):
            assert attempt(client, f"user{n}@example.com", "wrong-password")[0] == 401
        assert attempt(client, "another@example.com", "wrong-password")[0] == 429


def test_a_successful_login_clears_the_account_counter(app_factory: AppFactory) -> None:
    app = app_factory(LOGIN_RATE_LIMIT_PER_ACCOUNT="3/minute")
    with TestClient(app) as client:
        for _ in range(2):
            attempt(client, ADMIN_EMAIL, "wrong-password")
        login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        for _ in range(2):
            assert attempt(client, ADMIN_EMAIL, "wrong-password")[0] == 401
        assert login(client, ADMIN_EMAIL, ADMIN_PASSWORD)


def me_status(client: TestClient, token: str) -> tuple[int, str]:
    response = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    return response.status_code, response.json()["detail"]


def admin_id(session: Session) -> int:
    user = get_user_by_email(session, ADMIN_EMAIL)
    assert user is not None and user.id is not None
    return user.id


def test_expired_token_is_refused(client: TestClient, session: Session, settings: Settings) -> None:
    token = create_user_token(admin_id(session), settings.secret_key, timedelta(seconds=-5))
    assert me_status(client, token) == (401, "Token has expired")


def test_tampered_and_foreign_tokens_are_refused(
    client: TestClient, session: Session, settings: Settings
) -> None:
    good = create_user_token(admin_id(session), settings.secret_key, timedelta(minutes=5))
    header, payload, signature = good.split(".")
    forged_payload = jwt.utils.base64url_encode(b'{"sub":"1","exp":9999999999}').decode()
    other_key = create_user_token(admin_id(session), "another-key-" * 4, timedelta(minutes=5))
    no_exp = jwt.encode(
        {"sub": "1", "iat": 0, "iss": "sluice", "aud": "sluice:admin"},
        settings.secret_key,
        ALGORITHM,
    )
    unsigned = jwt.encode({"sub": "1"}, key="", algorithm="none")
    for token in (f"{header}.{forged_payload}.{signature}", other_key, no_exp, unsigned, "garbage"):
        assert me_status(client, token) == (401, "Could not validate credentials")


def test_missing_token_is_401(client: TestClient) -> None:
    response = client.get("/api/v1/users/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_token_of_a_disabled_user_stops_working(client: TestClient, session: Session) -> None:
    user = make_user(session, "soon-off@example.com")
    headers = login(client, "soon-off@example.com")
    user.is_active = False
    session.add(user)
    session.commit()
    response = client.get("/api/v1/users/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"] == "This account is disabled"


def test_throttling_is_shared_through_redis(app_factory: AppFactory, session: Session) -> None:
    """Two app processes behind one Redis count the same failures."""
    url = require_redis()
    email = f"shared-{uuid.uuid4().hex[:8]}@example.com"
    make_user(session, email, "shared-password-1")
    limits = {
        "REDIS_URL": url,
        "LOGIN_RATE_LIMIT_PER_ACCOUNT": "2/minute",
        "LOGIN_RATE_LIMIT_PER_IP": "1000/minute",
    }
    with TestClient(app_factory(**limits)) as first, TestClient(app_factory(**limits)) as second:
        assert attempt(first, email, "wrong-password")[0] == 401
        assert attempt(second, email, "wrong-password")[0] == 401
        assert attempt(first, email, "shared-password-1")[0] == 429
        assert attempt(second, email, "shared-password-1")[0] == 429


def attempt_from(app: FastAPI, ip: str, email: str, password: str, **headers: str) -> int:
    with TestClient(app, client=(ip, 50000)) as client:
        response = client.post(
            LOGIN, data={"username": email, "password": password}, headers=headers
        )
        return response.status_code


def test_failures_from_one_address_do_not_lock_the_account_elsewhere(
    app_factory: AppFactory,
) -> None:
    """Ten wrong passwords lock the account for that address only, the superuser's too."""
    app = app_factory()
    for _ in range(10):
        assert attempt_from(app, "10.0.0.1", ADMIN_EMAIL, "wrong-password") == 401
    assert attempt_from(app, "10.0.0.1", ADMIN_EMAIL, ADMIN_PASSWORD) == 429
    assert attempt_from(app, "10.0.0.2", ADMIN_EMAIL, ADMIN_PASSWORD) == 200
    assert attempt_from(app, "10.0.0.1", ADMIN_EMAIL, ADMIN_PASSWORD) == 429


def test_the_login_address_is_read_behind_trusted_proxies(app_factory: AppFactory) -> None:
    app = app_factory(TRUSTED_PROXY_COUNT=1, LOGIN_RATE_LIMIT_PER_ACCOUNT="2/minute")
    attacker = {"X-Forwarded-For": "192.0.2.66"}
    for _ in range(2):
        assert attempt_from(app, "10.0.0.9", ADMIN_EMAIL, "wrong-password", **attacker) == 401
    assert attempt_from(app, "10.0.0.9", ADMIN_EMAIL, ADMIN_PASSWORD, **attacker) == 429
    admin = {"X-Forwarded-For": "198.51.100.7"}
    assert attempt_from(app, "10.0.0.9", ADMIN_EMAIL, ADMIN_PASSWORD, **admin) == 200


def test_a_login_form_that_cannot_hold_credentials_is_422(client: TestClient) -> None:
    for form, field in (
        ({"username": "adm\x00in@example.com", "password": "whatever-1"}, "username"),
        ({"username": ADMIN_EMAIL, "password": "p" * 5000}, "password"),
        ({"username": ADMIN_EMAIL, "password": "pass\x00word"}, "password"),
        ({"username": "a" * 300 + "@example.com", "password": "whatever-1"}, "username"),
    ):
        response = client.post(LOGIN, data=form)
        assert response.status_code == 422, form
        error = response.json()["detail"][0]
        assert error["loc"] == ["body", field]
        assert "input" not in error
    assert login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
