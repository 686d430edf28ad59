"""Gateway behaviour does not depend on the app store: these tests run on SQLite only."""

import pytest

from sluice.db import migrate


@pytest.fixture(scope="session")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Gateway behaviour does not depend on the app store: these tests use SQLite only."""
    path = tmp_path_factory.mktemp("gateway-store") / "template.db"
    migrate(f"sqlite:///{path}")
    return str(path)
