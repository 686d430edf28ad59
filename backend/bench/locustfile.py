"""A load model for capacity planning: the client apps of a shop calling the demo's APIs.

Run by `make load` (`python -m bench.load`), which starts a local `sluice serve` with the
demo, creates the clients and passes them in the environment; or by hand against any
instance that has the demo loaded:

    SLUICE_CLIENT_ID=... SLUICE_CLIENT_SECRET=... \\
    SLUICE_THROTTLED_CLIENT_ID=... SLUICE_THROTTLED_CLIENT_SECRET=... \\
    .venv/bin/locust -f bench/locustfile.py --host http://127.0.0.1:8000 --headless -u 20 -t 60s

Three kinds of users, by weight:
- `ShopApp` (most): a client app with a valid token, mixing reads by key, filtered lists
  (paged), writes, a script API, a cached aggregate and the public catalogue, with a
  short think time between calls. Each app instance gets its own token at start.
- `BadTokenApp`: a misconfigured app sending a token the gateway does not accept; every
  call is an expected `401`.
- `GreedyApp`: a client limited to 30 calls a minute calling five times a second; past
  its budget every call is an expected `429` with `Retry-After` (counted apart from the
  admitted calls).

Expected refusals count as successes under their own names (`[401 expected]`), so the
failure column shows only what went wrong. Each user sends its own `X-Forwarded-For`
(documentation addresses; the local instance trusts one proxy), so per-address limits on
public APIs apply per app instance as they would behind a load balancer.
"""

import os
import random
from datetime import date, timedelta
from typing import Any

from locust import FastHttpUser, between, constant, task
from locust.contrib.fasthttp import ResponseContextManager

STATUSES = ["new", "paid", "shipped", "delivered", "cancelled"]
CATEGORIES = ["books", "games", "garden", "kitchen", "music", "outdoor"]
COUNTRIES = ["DE", "FR", "NL", "SE", "ES", "IT", "PL", "GB", "US", "CA"]
PRODUCTS, CUSTOMERS = 60, 200
"""Ids that exist in the demo shop (it has more; these are the hot set)."""


def forwarded_for() -> dict[str, str]:
    """An address for this user (TEST-NET-2, RFC 5737: no real host)."""
    return {"X-Forwarded-For": f"198.51.100.{random.randint(1, 254)}"}


def expect(response: ResponseContextManager, *statuses: int) -> None:
    """Mark the call failed unless its status is one of `statuses`."""
    if response.status_code in statuses:
        response.success()
    else:
        response.failure(f"status {response.status_code}: {response.text[:200]}")


def authorization(user: FastHttpUser, prefix: str, headers: dict[str, str]) -> dict[str, str]:
    """The app's headers with a token for the client `{prefix}_CLIENT_ID` names."""
    credentials = {
        "client_id": os.environ[f"{prefix}_CLIENT_ID"],
        "client_secret": os.environ[f"{prefix}_CLIENT_SECRET"],
    }
    with user.client.post(
        "/token/generate", json=credentials, headers=headers, catch_response=True
    ) as answer:
        expect(answer, 200)
        token = answer.json()["access_token"]
    return headers | {"Authorization": f"Bearer {token}"}


class ShopApp(FastHttpUser):
    weight = 18
    wait_time = between(0.05, 0.5)

    def on_start(self) -> None:
        self.headers = forwarded_for()
        self.auth = authorization(self, "SLUICE", self.headers)

    def get(self, path: str, name: str, **query: Any) -> None:
        with self.client.get(
            path, params=query, headers=self.auth, name=name, catch_response=True
        ) as answer:
            expect(answer, 200)

    @task(6)
    def product_by_key(self) -> None:
        self.get(
            f"/demo/products/{random.randint(1, PRODUCTS)}", "read by key: /demo/products/{id}"
        )

    @task(3)
    def customer_orders(self) -> None:
        customer = random.randint(1, CUSTOMERS)
        self.get(f"/demo/customers/{customer}/orders", "read by key: /demo/customers/{id}/orders")

    @task(4)
    def orders_filtered(self) -> None:
        since = date(2024, 1, 1) + timedelta(days=random.randint(0, 300))
        self.get(
            "/demo/orders",
            "list: /demo/orders?status&since&until",
            status=random.choice(STATUSES),
            since=since.isoformat(),
            until=(since + timedelta(days=60)).isoformat(),
            page_size=20,
        )

    @task(2)
    def customers_by_country(self) -> None:
        self.get(
            "/demo/customers",
            "list: /demo/customers?country",
            country=random.choice(COUNTRIES),
            limit=20,
        )

    @task(4)
    def catalogue(self) -> None:
        """The public catalogue: no token, limited per address."""
        with self.client.get(
            "/demo/products",
            params={"category": random.choice(CATEGORIES), "in_stock": "true", "page_size": 20},
            headers=self.headers,
            name="public list: /demo/products?category",
            catch_response=True,
        ) as answer:
            expect(answer, 200)

    @task(1)
    def place_order(self) -> None:
        body = {"customer_id": random.randint(1, CUSTOMERS), "status": "new"}
        with self.client.post(
            "/demo/orders",
            json=body,
            headers=self.auth,
            name="write: POST /demo/orders",
            catch_response=True,
        ) as answer:
            expect(answer, 200)

    @task(1)
    def monthly_sales(self) -> None:
        self.get("/demo/stats/monthly", "script: /demo/stats/monthly", year=2024)

    @task(3)
    def category_sales(self) -> None:
        self.get("/demo/stats/categories", "cached: /demo/stats/categories")


class BadTokenApp(FastHttpUser):
    weight = 1
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        self.auth = forwarded_for() | {"Authorization": "Bearer not.a.valid-token"}

    @task
    def call_with_a_bad_token(self) -> None:
        with self.client.get(
            f"/demo/products/{random.randint(1, PRODUCTS)}",
            headers=self.auth,
            name="bad token: /demo/products/{id} [401 expected]",
            catch_response=True,
        ) as answer:
            expect(answer, 401)


class GreedyApp(FastHttpUser):
    weight = 1
    wait_time = constant(0.2)

    def on_start(self) -> None:
        self.auth = authorization(self, "SLUICE_THROTTLED", forwarded_for())

    @task
    def call_past_the_budget(self) -> None:
        with self.client.get(
            "/demo/orders",
            params={"status": "paid", "page_size": 5},
            headers=self.auth,
            name="rate limited: /demo/orders",
            catch_response=True,
        ) as answer:
            answer.request_meta["name"] += f" [{answer.status_code}]"  # admitted or refused
            expect(answer, 200, 429)
