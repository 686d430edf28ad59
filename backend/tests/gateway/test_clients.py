"""Client apps, groups and tokens: private calls and how policy changes take effect."""

import time
import uuid
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from sluice.security import CLIENT_AUDIENCE, ISSUER, create_user_token
from tests.factories import make_api, make_module, make_source, publish, user_with_role
from tests.servers import require_redis

SOURCE = {"name": "lite", "type": "sqlite", "options": {"path": "gw.db"}}


@pytest.fixture
def private_api(client: TestClient, admin_headers: dict[str, str], settings: Any) -> dict[str, Any]:
    folder = settings.sqlite_datasource_dir
    folder.mkdir(parents=True)
    import sqlite3

    with sqlite3.connect(folder / "gw.db") as db:
        db.execute("CREATE TABLE t (id INTEGER, tenant TEXT)")
        db.executemany("INSERT INTO t VALUES (?, ?)", [(1, "a"), (2, "b"), (3, "a")])
    db.close()
    source = make_source(client, admin_headers, SOURCE)
    module = make_module(client, admin_headers)
    api = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="items",
        content="SELECT id FROM t ORDER BY id",
        access="private",
    )
    publish(client, admin_headers, api["id"])
    return api


def new_client(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    response = client.post("/api/v1/clients", json={"name": "app"} | fields, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def token(client: TestClient, app: dict[str, Any], form: bool = False) -> str:
    credentials = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
    response = (
        client.post("/token/generate", data=credentials)
        if form
        else client.post("/token/generate", json=credentials)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    value: str = body["access_token"]
    return value


def call(client: TestClient, bearer: str | None) -> Any:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    return client.get("/shop/items", headers=headers)


def test_a_granted_client_calls_a_private_api(
    client: TestClient, admin_headers: dict[str, str], private_api: dict[str, Any]
) -> None:
    app = new_client(client, admin_headers, api_ids=[private_api["id"]])
    assert app["client_secret"].startswith("cs_")
    assert (
        "client_secret"
        not in client.get(f"/api/v1/clients/{app['id']}", headers=admin_headers).json()
    )
    response = call(client, token(client, app))
    assert response.status_code == 200 and response.json()["data"] == [
        {"id": 1},
        {"id": 2},
        {"id": 3},
    ]
    assert call(client, token(client, app, form=True)).status_code == 200
    assert (
        client.post(
            "/api/token/generate",
            json={"client_id": app["client_id"], "client_secret": app["client_secret"]},
        ).status_code
        == 200
    )


def test_access_through_a_group_and_its_revocation(
    client: TestClient, admin_headers: dict[str, str], private_api: dict[str, Any]
) -> None:
    group = client.post(
        "/api/v1/groups",
        json={"name": "readers", "api_ids": [private_api["id"]]},
        headers=admin_headers,
    ).json()
    app = new_client(client, admin_headers, group_ids=[group["id"]])
    bearer = token(client, app)
    assert call(client, bearer).status_code == 200
    client.patch(f"/api/v1/groups/{group['id']}", json={"api_ids": []}, headers=admin_headers)
    refused = call(client, bearer)
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"


def test_without_a_grant_it_is_403_and_without_a_token_401(
    client: TestClient, admin_headers: dict[str, str], private_api: dict[str, Any]
) -> None:
    app = new_client(client, admin_headers)
    assert call(client, token(client, app)).status_code == 403
    missing = call(client, None)
    assert missing.status_code == 401 and missing.json()["error"] == "unauthorized"


def test_wrong_credentials_are_401(
    client: TestClient, admin_headers: dict[str, str], private_api: dict[str, Any]
) -> None:
    app = new_client(client, admin_headers)
    for body in (
        {"client_id": app["client_id"], "client_secret": "cs_wrong"},
        {"client_id": "cl_nobody", "client_secret": app["client_secret"]},
    ):
        response = client.post("/token/generate", json=body)
        assert response.status_code == 401 and response.json()["error"] == "unauthorized"
    assert (
        client.post(
            "/token/generate", content=b"{bad json", headers={"Content-Type": "application/json"}
        ).status_code
        == 400
    )
    assert client.post("/token/generate", json={"client_id": 5}).status_code == 400


def test_bad_token_corpus_is_401(
    client: TestClient,
    admin_headers: dict[str, str],
    private_api: dict[str, Any],
    app: Any,
    settings: Any,
    session: Session,
) -> None:
    granted = new_client(client, admin_headers, api_ids=[private_api["id"]])
    good = token(client, granted)
    key = app.state.client_token_key
    now = int(time.time())
    claims = {
        "sub": granted["client_id"],
        "gen": 1,
        "iat": now,
        "exp": now + 600,
        "iss": ISSUER,
        "aud": CLIENT_AUDIENCE,
    }
    header, payload, signature = good.split(".")
    tampered = jwt.utils.base64url_encode(b'{"sub":"cl_other","gen":1,"exp":9999999999}').decode()
    user = user_with_role(client, session, "viewer")["Authorization"].split()[1]
    corpus = [
        jwt.encode(claims, key="", algorithm="none"),
        jwt.encode(claims, "another-key-entirely-" * 4, algorithm="HS256"),
        jwt.encode(claims | {"exp": now - 10}, key, algorithm="HS256"),
        jwt.encode(claims | {"aud": "sluice:admin"}, key, algorithm="HS256"),
        jwt.encode(claims | {"iss": "evil"}, key, algorithm="HS256"),
        jwt.encode({k: v for k, v in claims.items() if k != "exp"}, key, algorithm="HS256"),
        jwt.encode(claims, key * 2, algorithm="HS512"),
        f"{header}.{tampered}.{signature}",
        user,
        create_user_token(1, settings.secret_key, __import__("datetime").timedelta(minutes=5)),
        "not-a-jwt",
        good + "x",
    ]
    for bad in corpus:
        response = call(client, bad)
        assert response.status_code == 401, bad
    assert call(client, good).status_code == 200


def test_policy_changes_take_effect_at_once(
    client: TestClient, admin_headers: dict[str, str], private_api: dict[str, Any]
) -> None:
    app = new_client(client, admin_headers, api_ids=[private_api["id"]])
    bearer = token(client, app)
    renewed = client.post(f"/api/v1/clients/{app['id']}/secret", headers=admin_headers).json()
    assert renewed["client_secret"] != app["client_secret"]
    assert call(client, bearer).json()["message"] == "This token was revoked; request a new one"
    fresh = token(client, renewed)
    assert call(client, fresh).status_code == 200
    client.patch(f"/api/v1/clients/{app['id']}", json={"is_active": False}, headers=admin_headers)
    assert call(client, fresh).status_code == 401
    assert (
        client.post(
            "/token/generate",
            json={"client_id": app["client_id"], "client_secret": renewed["client_secret"]},
        ).status_code
        == 401
    )
    client.patch(f"/api/v1/clients/{app['id']}", json={"is_active": True}, headers=admin_headers)
    assert call(client, fresh).status_code == 200
    client.patch(f"/api/v1/clients/{app['id']}", json={"api_ids": []}, headers=admin_headers)
    assert call(client, fresh).status_code == 403


def test_public_to_private_is_enforced_after_publish(
    client: TestClient, admin_headers: dict[str, str], private_api: dict[str, Any]
) -> None:
    client.patch(
        f"/api/v1/apis/{private_api['id']}", json={"access": "public"}, headers=admin_headers
    )
    publish(client, admin_headers, private_api["id"])
    assert call(client, None).status_code == 200
    client.patch(
        f"/api/v1/apis/{private_api['id']}", json={"access": "private"}, headers=admin_headers
    )
    publish(client, admin_headers, private_api["id"])
    assert call(client, None).status_code == 401


def test_allowed_ips_behind_a_trusted_proxy(
    app_factory: Any, admin_headers: dict[str, str], private_api: dict[str, Any]
) -> None:
    with TestClient(app_factory(TRUSTED_PROXY_COUNT=1)) as proxied:
        app = new_client(
            proxied, admin_headers, api_ids=[private_api["id"]], allowed_ips=["10.0.0.0/8"]
        )
        bearer = {"Authorization": f"Bearer {token(proxied, app)}"}
        assert (
            proxied.get(
                "/shop/items", headers=bearer | {"X-Forwarded-For": "1.2.3.4, 10.1.2.3"}
            ).status_code
            == 200
        )
        assert (
            proxied.get(
                "/shop/items", headers=bearer | {"X-Forwarded-For": "10.1.2.3, 192.168.1.1"}
            ).status_code
            == 403
        )


def test_global_deny_list(app_factory: Any, private_api: dict[str, Any]) -> None:
    with TestClient(
        app_factory(TRUSTED_PROXY_COUNT=1, GATEWAY_IP_DENYLIST=["203.0.113.0/24"])
    ) as denied:
        response = denied.get("/shop/items", headers={"X-Forwarded-For": "203.0.113.9"})
        assert response.status_code == 403


def test_invalid_clients_are_422(client: TestClient, admin_headers: dict[str, str]) -> None:
    assert (
        client.post(
            "/api/v1/clients",
            json={"name": "x", "allowed_ips": ["not-an-ip"]},
            headers=admin_headers,
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/api/v1/clients", json={"name": "x", "attributes": [1]}, headers=admin_headers
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/api/v1/clients", json={"name": "x", "group_ids": [999]}, headers=admin_headers
        ).status_code
        == 404
    )


def test_the_token_route_is_throttled(app_factory: Any, admin_headers: dict[str, str]) -> None:
    with TestClient(app_factory(TOKEN_RATE_LIMIT_PER_CLIENT="3/minute")) as limited:
        app = new_client(limited, admin_headers)
        body = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
        assert [limited.post("/token/generate", json=body).status_code for _ in range(4)] == [
            200,
            200,
            200,
            429,
        ]
        assert "retry-after" in limited.post("/token/generate", json=body).headers


def test_token_throttles_are_shared_within_a_redis_prefix_only(
    app_factory: Any, admin_headers: dict[str, str]
) -> None:
    """Two deployments on one Redis (each its own REDIS_PREFIX) keep their own counts; two
    processes of one deployment share theirs."""
    run = uuid.uuid4().hex[:10]
    shared = {"REDIS_URL": require_redis(), "TOKEN_RATE_LIMIT_PER_IP": "2/minute"}
    first, again, other = (
        app_factory(**shared, REDIS_PREFIX=f"{name}{run}") for name in ("one", "one", "two")
    )
    with TestClient(first) as one, TestClient(again) as one_more, TestClient(other) as two:
        app = new_client(one, admin_headers)
        body = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
        assert [one.post("/token/generate", json=body).status_code for _ in range(2)] == [200, 200]
        assert one_more.post("/token/generate", json=body).status_code == 429
        assert two.post("/token/generate", json=body).status_code == 200


def test_client_permissions(client: TestClient, session: Session) -> None:
    viewer = user_with_role(client, session, "viewer")
    assert client.get("/api/v1/clients", headers=viewer).status_code == 200
    assert client.post("/api/v1/clients", json={"name": "x"}, headers=viewer).status_code == 403
    assert client.post("/api/v1/groups", json={"name": "x"}, headers=viewer).status_code == 403
