"""Two stores per test: the one exported (`source`, the test's own store) and an empty one
imported into (`target`), each with its app, its test client and the superuser's login."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sluice.config import Settings
from tests.conftest import AppFactory, app_with_superuser, fresh_store, settings_for
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, login

YAML = {"Content-Type": "application/yaml"}
PASSWORD_ENV, SECRET_ENV = "EXCHANGE_TEST_PASSWORD", "EXCHANGE_TEST_SECRET"
"""The variables a file of these tests names for secrets; both stores' imports may read
them (IMPORT_ENV_ALLOWED)."""
ALLOWED = {"IMPORT_ENV_ALLOWED": [PASSWORD_ENV, SECRET_ENV]}


@dataclass
class Side:
    app: FastAPI
    client: TestClient
    admin: dict[str, str]

    @property
    def settings(self) -> Settings:
        settings: Settings = self.app.state.settings
        return settings

    def export(self, *modules: str) -> str:
        response = self.client.get(
            "/api/v1/export", params={"module": list(modules)}, headers=self.admin
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/yaml")
        return response.text

    def send(self, text: str, **params: Any) -> Any:
        return self.client.post(
            "/api/v1/import", content=text.encode(), params=params, headers=self.admin | YAML
        )

    def load(self, text: str, **params: Any) -> dict[str, Any]:
        """Import `text`; the report."""
        response = self.send(text, **params)
        assert response.status_code == 200, response.text
        report: dict[str, Any] = response.json()
        return report


def side_of(app: FastAPI) -> Iterator[Side]:
    with TestClient(app) as client:
        yield Side(app, client, login(client, ADMIN_EMAIL, ADMIN_PASSWORD))


@pytest.fixture
def source(app_factory: AppFactory) -> Iterator[Side]:
    """The test's own store."""
    yield from side_of(app_factory(**ALLOWED))


@pytest.fixture
def target(store_template: str, tmp_path: Path) -> Iterator[Side]:
    """A second, empty store of the same kind."""
    folder = tmp_path / "target"
    folder.mkdir()
    with fresh_store(store_template, folder) as url:
        app = app_with_superuser(settings_for(url, folder).model_copy(update=ALLOWED))
        try:
            yield from side_of(app)
        finally:
            app.state.engine.dispose()
