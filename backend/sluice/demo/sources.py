"""`--source NAME=URL`: a PostgreSQL or MySQL/MariaDB database the demo fills, and the data
source it is registered as.

The URL is read by SQLAlchemy's URL parser (`postgresql://user:password@host:5432/db`,
`mysql://...` or `mariadb://...`, a `+driver` suffix ignored, the password
percent-decoded); its query string becomes the data source's options (`?sslmode=require`).
The password is sealed in the store like any data-source password and never printed.
"""

from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlmodel import Session, select

from sluice.config import Settings
from sluice.demo.definitions import NAME
from sluice.errors import Unprocessable
from sluice.models.datasource import (
    Datasource,
    DatasourceCreate,
    DatasourceType,
    DatasourceUpdate,
)
from sluice.security import Keyring
from sluice.services.apis import validation_message
from sluice.services.datasources import create_datasource, stored_password, update_datasource

KINDS: dict[str, DatasourceType] = {
    "postgresql": "postgres",
    "postgres": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
}
CONNECTION_FIELDS = ("type", "host", "port", "database", "username", "options")


@dataclass(frozen=True)
class DemoSource:
    source: DatasourceCreate

    def __str__(self) -> str:
        """The target without its password: `postgres demo@db:5432/shop`."""
        s = self.source
        user = f"{s.username}@" if s.username else ""
        port = f":{s.port}" if s.port else ""
        return f"{s.type} {user}{s.host}{port}/{s.database or ''}"


def parse_source(text: str) -> DemoSource:
    """`NAME=URL` as a data source to create; ValueError says what is wrong."""
    name, _, url = text.partition("=")
    if not name or not url:
        raise ValueError("expected NAME=URL, e.g. shop=postgresql://user:password@host/db")
    if name == NAME:
        raise ValueError(f"{NAME!r} is the demo's own SQLite source; choose another name")
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(f"{name}: not a database URL") from None
    kind = KINDS.get(parsed.get_backend_name())
    if kind is None:
        raise ValueError(f"{name}: only postgresql:// and mysql:// (or mariadb://) URLs")
    options = dict(parsed.query)
    if any(not isinstance(value, str) for value in options.values()):
        raise ValueError(f"{name}: an option appears twice in the URL")
    try:
        source = DatasourceCreate(
            name=name,
            type=kind,
            host=parsed.host,
            port=parsed.port,
            database=parsed.database,
            username=parsed.username,
            password=parsed.password,
            options=options,
            description="The demo shop, filled by sluice demo --source",
        )
    except ValidationError as exc:
        raise ValueError(f"{name}: {validation_message(exc)}") from None
    return DemoSource(source)


def register(
    session: Session, wanted: DatasourceCreate, keyring: Keyring, settings: Settings
) -> str:
    """Create the data source, or point the one of that name at the URL; answers
    `created`, `updated` or `unchanged` (nothing written)."""
    found = session.exec(select(Datasource).where(Datasource.name == wanted.name)).first()
    if found is None:
        create_datasource(session, wanted, keyring, settings)
        return "created"
    if _same(found, wanted, keyring):
        return "unchanged"
    changes = DatasourceUpdate(
        **wanted.model_dump(include=set(CONNECTION_FIELDS)), password=wanted.password or ""
    )
    update_datasource(session, found, changes, keyring, settings)
    return "updated"


def _same(found: Datasource, wanted: DatasourceCreate, keyring: Keyring) -> bool:
    fields = set(CONNECTION_FIELDS)
    if found.model_dump(include=fields) != wanted.model_dump(include=fields):
        return False
    try:
        return (stored_password(found, keyring) or "") == (wanted.password or "")
    except Unprocessable:  # sealed with a key that is gone: seal it again
        return False
