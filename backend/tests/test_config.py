from pathlib import Path

import pytest
from pydantic import ValidationError

from sluice.config import Settings


def test_embedded_default_is_a_sqlite_file_under_data(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, DATA_DIR=tmp_path / "data")
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'sluice.db'}"


def test_postgres_parts_build_the_url() -> None:
    settings = Settings(
        _env_file=None,
        POSTGRES_SERVER="db",
        POSTGRES_USER="u",
        POSTGRES_PASSWORD="p@ss",
        POSTGRES_DB="s",
    )
    assert settings.database_url == "postgresql+psycopg://u:p%40ss@db:5432/s"


def test_database_url_wins_over_postgres_parts() -> None:
    settings = Settings(_env_file=None, DATABASE_URL="sqlite:///x.db", POSTGRES_SERVER="db")
    assert settings.database_url == "sqlite:///x.db"


def test_local_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = Settings(_env_file=None, DATA_DIR=tmp_path).secret_key
    assert len(first) >= 32
    assert Settings(_env_file=None, DATA_DIR=tmp_path).secret_key == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("secret", [None, "changethis"])
def test_production_refuses_a_missing_or_default_secret(secret: str | None) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY must be set"):
        Settings(
            _env_file=None,
            ENVIRONMENT="production",
            SECRET_KEY=secret,
            FIRST_SUPERUSER_PASSWORD="real-one-1",
        )


def test_lists_read_commas_or_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRIPT_EXTRA_MODULES", "math, statistics")
    monkeypatch.setenv("BACKEND_CORS_ORIGINS", '["http://localhost:5173"]')
    settings = Settings(_env_file=None)
    assert settings.SCRIPT_EXTRA_MODULES == ["math", "statistics"]
    assert settings.BACKEND_CORS_ORIGINS == ["http://localhost:5173"]
