"""Data sources: CRUD with the password encrypted at rest, connection tests, table lists.

The password is encrypted with the keyring bound to the row id, decrypted only to build a
ConnectionConfig for a connector, and never returned or logged.
"""

import time
from pathlib import Path

from pydantic import ValidationError
from sqlmodel import Session, col, select

from sluice.config import Settings
from sluice.connectors import SESSION_OPTIONS, connect
from sluice.connectors.base import ConnectionConfig, ConnectorError, Table
from sluice.errors import Conflict, Unprocessable
from sluice.models.api import Api
from sluice.models.datasource import (
    DEFAULT_PORTS,
    Datasource,
    DatasourceCreate,
    DatasourceFields,
    DatasourcePublic,
    DatasourceTestResult,
    DatasourceType,
    DatasourceUpdate,
)
from sluice.models.user import utcnow
from sluice.security import Keyring, SecretUndecryptable
from sluice.services.common import commit, matching, page_of
from sluice.services.publication import bump


def bound_to(datasource_id: int) -> str:
    """The associated data a password is sealed with: its row."""
    return f"datasource:{datasource_id}"


def datasource_public(ds: Datasource) -> DatasourcePublic:
    assert ds.id is not None
    fields = ds.model_dump(exclude={"password_encrypted"})
    return DatasourcePublic(**fields, has_password=ds.password_encrypted is not None)


def list_datasources(
    session: Session,
    limit: int,
    offset: int,
    q: str | None = None,
    kind: DatasourceType | None = None,
) -> tuple[list[Datasource], int]:
    """Sources in the order they were added; `q` is text in the name, type, host,
    database or description."""
    text = (Datasource.name, Datasource.type, Datasource.host, Datasource.database)
    conditions = [
        matching(q, *text, Datasource.description),
        None if kind is None else col(Datasource.type) == kind,
    ]
    return page_of(session, select(Datasource), conditions, [col(Datasource.id)], limit, offset)


def _ensure_name_free(session: Session, name: str, ds_id: int | None = None) -> None:
    existing = session.exec(select(Datasource).where(Datasource.name == name)).first()
    if existing is not None and existing.id != ds_id:
        raise Conflict(f"A data source named {name!r} already exists")


def sqlite_path(raw: str, settings: Settings) -> Path:
    """The resolved file of a SQLite source; it must live in the SQLite data-source folder
    (so a source cannot open any file of the server, least of all the app store)."""
    folder = settings.sqlite_datasource_dir
    path = (folder / raw).resolve()
    store = settings.database_url.removeprefix("sqlite:///")
    if not path.is_relative_to(folder) or (store and path == Path(store).resolve()):
        raise Unprocessable(f"options.path must name a file inside {folder}")
    return path


def _check(data: DatasourceCreate, settings: Settings) -> None:
    if data.type == "sqlite":
        sqlite_path(str(data.options["path"]), settings)


def create_datasource(
    session: Session, data: DatasourceCreate, keyring: Keyring, settings: Settings
) -> Datasource:
    _check(data, settings)
    _ensure_name_free(session, data.name)
    ds = Datasource.model_validate(data.model_dump(exclude={"password"}))
    session.add(ds)
    session.flush()
    assert ds.id is not None
    if data.password:
        ds.password_encrypted = keyring.encrypt(data.password, bound_to(ds.id))
    commit(session, f"A data source named {data.name!r} already exists")
    session.refresh(ds)
    return ds


def update_datasource(
    session: Session, ds: Datasource, data: DatasourceUpdate, keyring: Keyring, settings: Settings
) -> Datasource:
    """Apply the sent fields; the result must still be a valid source of its type. A change
    of target drops the stored password unless the body brings one (see `target`)."""
    changes = data.model_dump(exclude_unset=True)
    password = changes.pop("password", None)
    merged = ds.model_dump(exclude={"id", "password_encrypted", "created_at", "updated_at"})
    merged |= {k: v for k, v in changes.items() if v is not None or k in _NULLABLE}
    try:
        checked = DatasourceCreate.model_validate(merged)
    except ValidationError as exc:
        raise Unprocessable(exc.errors()[0]["msg"].removeprefix("Value error, ")) from None
    _check(checked, settings)
    _ensure_name_free(session, checked.name, ds.id)
    moved = target(checked) != target(ds)
    for field, value in checked.model_dump(exclude={"password"}).items():
        setattr(ds, field, value)
    assert ds.id is not None
    if password == "" or (moved and password is None):
        ds.password_encrypted = None
    elif password is not None:
        ds.password_encrypted = keyring.encrypt(password, bound_to(ds.id))
    ds.updated_at = utcnow()
    session.add(ds)
    bump(session, "datasource", [ds.id])
    commit(session, f"A data source named {checked.name!r} already exists")
    session.refresh(ds)
    return ds


def target(ds: DatasourceFields) -> tuple[object, ...]:
    """Where a source's password goes and how it is protected on the way (every option but
    those that only tune the session: TLS, authentication, and any option added later): a
    stored password is only ever sent to the target it was saved with."""
    tuning = SESSION_OPTIONS.get(ds.type, frozenset())
    guards = {k: v for k, v in ds.options.items() if k not in tuning}
    port = ds.port or DEFAULT_PORTS.get(ds.type)
    return ds.type, ds.host, port, ds.database, ds.username, guards


_NULLABLE = {
    "host",
    "port",
    "database",
    "username",
    "pool_size",
    "statement_timeout_ms",
    "description",
}


def delete_datasource(session: Session, ds: Datasource) -> None:
    users = session.exec(select(Api.name).where(Api.datasource_id == ds.id)).all()
    if users:
        raise Conflict(f"Data source {ds.name!r} is used by API(s) {', '.join(sorted(users)[:5])}")
    session.delete(ds)
    bump(session, "datasource", [ds.id])
    session.commit()


def connection_config(
    ds: Datasource | DatasourceCreate, settings: Settings, password: str | None
) -> ConnectionConfig:
    """What a connector needs, with the per-source settings or the global defaults."""
    options = dict(ds.options)
    if ds.type == "sqlite":
        options["path"] = str(sqlite_path(str(options["path"]), settings))
    return ConnectionConfig(
        type=ds.type,
        host=ds.host,
        port=ds.port or DEFAULT_PORTS.get(ds.type),
        database=ds.database,
        username=ds.username,
        password=password,
        options=options,
        pool_size=ds.pool_size or settings.EXTERNAL_DB_POOL_SIZE,
        statement_timeout_ms=ds.statement_timeout_ms or settings.EXTERNAL_DB_STATEMENT_TIMEOUT,
    )


def stored_password(ds: Datasource, keyring: Keyring) -> str | None:
    if ds.password_encrypted is None:
        return None
    assert ds.id is not None
    try:
        return keyring.decrypt(ds.password_encrypted, bound_to(ds.id))
    except SecretUndecryptable as exc:
        raise Unprocessable(
            f"The stored password of data source {ds.name!r} cannot be decrypted ({exc}); "
            "set it again or configure the key it was encrypted with"
        ) from None


async def test_connection(config: ConnectionConfig) -> DatasourceTestResult:
    """Connect once and run a trivial query; any failure is `ok: false` with its reason."""
    started = time.perf_counter()
    try:
        connector = connect(config, retry_delays_ms=())
        try:
            await connector.ping()
        finally:
            await connector.close()
    except ConnectorError as exc:
        reason = f"{exc.message}: {exc.detail}" if exc.detail else exc.message
        return DatasourceTestResult(ok=False, message=reason)
    latency = round((time.perf_counter() - started) * 1000, 1)
    return DatasourceTestResult(ok=True, message=f"Connected in {latency} ms", latency_ms=latency)


async def list_tables(config: ConnectionConfig) -> list[Table]:
    connector = connect(config, retry_delays_ms=())
    try:
        return await connector.tables()
    finally:
        await connector.close()
