"""The one settings class. Nothing else in Sluice reads the environment.

Every variable is documented in docs/ENV_REFERENCE.md and .env.example; a test keeps the
three in step.
"""

import json
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, PostgresDsn, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]
"""Where the source checkout lives; the built dashboard is found under it by default."""

INSECURE_DEFAULT = "changethis"


def _comma_list(value: object) -> object:
    """Let list settings be written `a,b,c` in the environment as well as a JSON list."""
    if isinstance(value, str):
        text = value.strip()
        if not text.startswith("["):
            return [item.strip() for item in text.split(",") if item.strip()]
        return json.loads(text)
    return value


CommaList = Annotated[list[str], NoDecode, BeforeValidator(_comma_list)]
IntCommaList = Annotated[list[int], NoDecode, BeforeValidator(_comma_list)]


class Settings(BaseSettings):
    """Configuration from environment variables and an optional `.env` file."""

    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    ENVIRONMENT: Literal["local", "staging", "production"] = "local"
    DATA_DIR: Path = Path("data")

    # App store
    DATABASE_URL: str | None = None
    POSTGRES_SERVER: str | None = None
    POSTGRES_PORT: int = 5432
    POSTGRES_USER: str = "postgres"
    POSTGRES_PASSWORD: str = ""
    POSTGRES_DB: str = "sluice"

    REDIS_URL: str | None = None
    REDIS_PREFIX: str = Field(default="sluice", pattern=r"^[A-Za-z0-9_.-]{1,64}$")

    # Secrets and the first superuser
    SECRET_KEY: str | None = None
    DATASOURCE_ENCRYPTION_KEY: str | None = None
    ACCESS_TOKEN_EXPIRE_MINUTES: int = Field(default=60 * 8, gt=0)
    FIRST_SUPERUSER: str = "admin@example.com"
    FIRST_SUPERUSER_PASSWORD: str | None = None
    LOAD_DEMO: bool = False

    # Dashboard login protection
    LOGIN_RATE_LIMIT_PER_ACCOUNT: str = "10/minute"
    LOGIN_RATE_LIMIT_PER_IP: str = "30/minute"

    # `sluice serve` (its --host, --port and --workers win over these)
    HOST: str = "127.0.0.1"
    PORT: int = Field(default=8000, ge=1, le=65535)
    WEB_CONCURRENCY: int = Field(default=1, ge=1)

    # HTTP
    MAX_REQUEST_BODY_BYTES: int = Field(default=1024 * 1024, gt=0)
    MAX_REQUEST_HEADER_BYTES: int = Field(default=64 * 1024, ge=1024)
    BACKEND_CORS_ORIGINS: CommaList = []
    UI_DIST_DIR: Path = REPO_ROOT / "frontend" / "dist"
    LOG_LEVEL: str = "INFO"

    # Gateway flow control (used by the gateway stages)
    FLOW_CONTROL_RATE_LIMIT_ENABLED: bool = True
    FLOW_CONTROL_RATE_LIMIT_PER_MINUTE: int = Field(default=600, ge=0)
    FLOW_CONTROL_MAX_CONCURRENT_PER_CLIENT: int = Field(default=0, ge=0)
    GATEWAY_ACCESS_LOG_BODY: bool = False
    GATEWAY_ACCESS_LOG_QUEUE_SIZE: int = Field(default=10_000, ge=1)
    GATEWAY_MAX_RESPONSE_ROWS: int = Field(default=10_000, ge=1)
    GATEWAY_MAX_STREAM_ROWS: int = Field(default=1_000_000, ge=0)
    FLOW_CONTROL_SLOT_LEASE_SECONDS: float = Field(default=120.0, gt=0)
    ACCESS_LOG_RETENTION_DAYS: int = Field(default=30, ge=1)
    GATEWAY_JWT_EXPIRE_SECONDS: int = Field(default=3600, ge=60, le=30 * 86_400)
    TOKEN_RATE_LIMIT_PER_CLIENT: str = "30/minute"
    TOKEN_RATE_LIMIT_PER_IP: str = "120/minute"
    TRUSTED_PROXY_COUNT: int = Field(default=0, ge=0, le=10)
    GATEWAY_IP_ALLOWLIST: CommaList = []
    GATEWAY_IP_DENYLIST: CommaList = []
    REGISTRY_POLL_SECONDS: float = Field(default=1.0, gt=0)
    REGISTRY_SYNC_TIMEOUT_SECONDS: float = Field(default=5.0, gt=0)

    # Alerts (evaluated by one process at a time, under a lease)
    ALERTS_ENABLED: bool = True
    ALERTS_EVALUATION_SECONDS: float = Field(default=30.0, gt=0, le=3600)
    ALERTS_WEBHOOK_TIMEOUT_SECONDS: float = Field(default=5.0, gt=0, le=60)
    ALERTS_WEBHOOK_RETRY_DELAYS_MS: IntCommaList = [1000, 5000, 30000]

    # Script engine
    SCRIPT_EXEC_TIMEOUT: float = Field(default=5.0, gt=0)
    SCRIPT_EXTRA_MODULES: CommaList = []
    SCRIPT_WORKERS: int = Field(default=2, gt=0)
    SCRIPT_CPU_SECONDS: float | None = Field(default=None, gt=0)
    SCRIPT_MEMORY_MB: int = Field(default=256, ge=64)
    SCRIPT_MAX_OUTPUT_BYTES: int = Field(default=10 * 1024 * 1024, gt=0)
    SCRIPT_HTTP_ALLOWED_HOSTS: CommaList = []
    SCRIPT_HTTP_TIMEOUT: float = Field(default=10.0, gt=0)
    SCRIPT_HTTP_MAX_BYTES: int = Field(default=1024 * 1024, gt=0)
    SCRIPT_ENV_ALLOWED: CommaList = []

    # Definitions import
    IMPORT_ENV_ALLOWED: CommaList = []

    # External data sources
    EXTERNAL_DB_POOL_SIZE: int = Field(default=5, gt=0)
    EXTERNAL_DB_STATEMENT_TIMEOUT: int = Field(default=30_000, gt=0)
    EXTERNAL_DB_RETRY_DELAYS_MS: IntCommaList = [200, 400, 800, 1600]
    SQLITE_DATASOURCE_DIR: Path | None = None

    # Table tools
    CSV_IMPORT_MAX_BYTES: int = Field(default=1024**3, gt=0)
    CSV_IMPORT_BATCH_ROWS: int = Field(default=1000, ge=1, le=100_000)
    CSV_IMPORT_MAX_ERRORS: int = Field(default=100, ge=1, le=100_000)

    @model_validator(mode="after")
    def _refuse_insecure_production(self) -> "Settings":
        """Production must not start on a guessable key or the default admin password."""
        if self.ENVIRONMENT != "local":
            for name in ("SECRET_KEY", "FIRST_SUPERUSER_PASSWORD"):
                value = getattr(self, name)
                if not value or value == INSECURE_DEFAULT:
                    raise ValueError(
                        f"{name} must be set to a real secret when ENVIRONMENT is not local"
                    )
        return self

    @property
    def database_url(self) -> str:
        """The app-store URL: DATABASE_URL, else POSTGRES_*, else a SQLite file in DATA_DIR."""
        if self.DATABASE_URL:
            return self.DATABASE_URL
        if self.POSTGRES_SERVER:
            return str(
                PostgresDsn.build(
                    scheme="postgresql+psycopg",
                    username=self.POSTGRES_USER,
                    password=self.POSTGRES_PASSWORD or None,
                    host=self.POSTGRES_SERVER,
                    port=self.POSTGRES_PORT,
                    path=self.POSTGRES_DB,
                )
            )
        return f"sqlite:///{self.DATA_DIR / 'sluice.db'}"

    @model_validator(mode="after")
    def _refuse_own_settings_in_env_lists(self) -> "Settings":
        """Scripts and imports may read allow-listed variables, never one of Sluice's own
        settings."""
        for setting in ("SCRIPT_ENV_ALLOWED", "IMPORT_ENV_ALLOWED"):
            own = set(type(self).model_fields) & set(getattr(self, setting))
            if own:
                raise ValueError(f"{setting} may not name Sluice settings: {sorted(own)}")
        return self

    @property
    def alerts_lease_seconds(self) -> float:
        """How long the alert evaluator's lease lasts without renewal: three rounds, at
        least 10 s, so a stopped holder is replaced soon and a slow round keeps it."""
        return max(3 * self.ALERTS_EVALUATION_SECONDS, 10.0)

    def script_env(self) -> dict[str, str]:
        """The environment variables named in SCRIPT_ENV_ALLOWED that are set (for `env`)."""
        return {name: os.environ[name] for name in self.SCRIPT_ENV_ALLOWED if name in os.environ}

    def import_secret(self, name: str, *, any_name: bool) -> str | None:
        """The value of an environment variable a definitions file names as a secret
        (`password_env`, `secret_env`), None when it is unset or empty. Never one of
        Sluice's own settings; over the admin API (`any_name` false) only the names in
        IMPORT_ENV_ALLOWED, since the server's environment is not the caller's to read.
        ValueError says why a name is refused."""
        if name in type(self).model_fields:
            raise ValueError(f"{name} is a Sluice setting, not a secret an import may read")
        if not any_name and name not in self.IMPORT_ENV_ALLOWED:
            raise ValueError(
                f"{name} is not in IMPORT_ENV_ALLOWED, the variables an import over the "
                "admin API may read"
            )
        return os.environ.get(name) or None

    @property
    def sqlite_datasource_dir(self) -> Path:
        """The folder SQLite data sources must live in, so a source cannot read any file."""
        return (self.SQLITE_DATASOURCE_DIR or self.DATA_DIR / "datasources").resolve()

    @property
    def secret_key(self) -> str:
        """SECRET_KEY, or in local mode a key generated once and kept in DATA_DIR.

        Keeping it in a file means tokens survive a restart and every worker process of
        one `sluice serve` agrees on it.
        """
        if self.SECRET_KEY:
            return self.SECRET_KEY
        return _local_secret_key(self.DATA_DIR)


def _local_secret_key(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests build their own Settings and pass it in instead."""
    return Settings()
