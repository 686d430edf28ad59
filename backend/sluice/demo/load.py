"""Loading the demo: the shop's data, then its objects, each through the services.

Everything is created only when missing, looked up by name (data source, module, macro,
group, client) or by route (an API: module, method, path). What exists is left exactly as
it is, edits included, so running the demo again writes nothing: no version, no audit
entry, no row. Deleting one demo object and running `sluice demo` brings that one back.
What the demo creates is audited with the actor `sluice demo`.
"""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from sqlmodel import Session, SQLModel, select

from sluice.config import Settings
from sluice.connectors import connect
from sluice.connectors.base import ConnectionConfig, ConnectorError
from sluice.demo import definitions as demo
from sluice.demo.fill import fill
from sluice.demo.shop import Rows, generate
from sluice.demo.sources import DemoSource, register
from sluice.errors import Unprocessable
from sluice.models.api import Api, ApiCreate, ApiSettings, Module, ModuleCreate
from sluice.models.client import Client, ClientCreate, ClientWithSecret, Group, GroupCreate
from sluice.models.datasource import Datasource, DatasourceCreate
from sluice.models.macro import Macro, MacroCreate
from sluice.security import Keyring, client_secret_key
from sluice.services import audit, versions
from sluice.services.apis import create_api
from sluice.services.clients import create_client, create_group
from sluice.services.datasources import connection_config, create_datasource
from sluice.services.macros import create_macro, publish_macro
from sluice.services.modules import create_module
from sluice.services.scripts import script_modules

T = TypeVar("T", bound=SQLModel)

DEMO_SOURCE = DatasourceCreate(
    name=demo.NAME,
    type="sqlite",
    options={"path": demo.DATA_FILE},
    description="The demo shop: customers, products, orders, order_lines (sluice demo)",
)


@dataclass
class FilledSource:
    name: str
    target: str
    """Where the rows went, without a password."""
    tables: dict[str, int]
    """Rows each table holds."""
    registered: str = "unchanged"
    """`created`, `updated` or `unchanged`: what happened to its data source."""


@dataclass
class DemoReport:
    sources: list[FilledSource]
    """The demo's SQLite file first, then each `--source`."""
    created: list[str] = field(default_factory=list)
    """The objects this run created, APIs aside (`module demo`, `client demo`...)."""
    apis: list[ApiSettings] = field(default_factory=list)
    """The APIs this run created and published."""
    client_id: str | None = None
    client: ClientWithSecret | None = None
    """The demo client with its secret, only on the run that created it."""


def load_demo(
    session: Session, settings: Settings, sources: Sequence[DemoSource] = ()
) -> DemoReport:
    """Fill the demo file and every `--source` database, register those sources, and
    create the demo's missing objects."""
    keyring = Keyring.from_settings(settings.secret_key, settings.DATASOURCE_ENCRYPTION_KEY)
    path = data_file(settings)
    targets = [(demo.NAME, connection_config(DEMO_SOURCE, settings, None))]
    targets += [
        (s.source.name, connection_config(s.source, settings, s.source.password)) for s in sources
    ]
    held = asyncio.run(_fill_all(targets, generate(), settings))
    filled = [FilledSource(demo.NAME, _shown(path), held[0])]
    filled += [
        FilledSource(s.source.name, str(s), t) for s, t in zip(sources, held[1:], strict=True)
    ]
    audit.install()
    audit.set_actor(session, demo.AUTHOR)
    for source, done in zip(sources, filled[1:], strict=True):
        done.registered = register(session, source.source, keyring, settings)
    report = DemoReport(filled)
    _objects(session, settings, keyring, report)
    return report


def data_file(settings: Settings) -> Path:
    """The demo's SQLite file, created empty when missing (SQLite data sources must exist)."""
    path = settings.sqlite_datasource_dir / demo.DATA_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
    except OSError as exc:
        raise Unprocessable(f"Cannot create the demo's file {path}: {exc.strerror}") from None
    return path


def _shown(path: Path) -> str:
    """The path as the user would type it: relative when it is under the working folder."""
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


async def _fill_all(
    targets: list[tuple[str, ConnectionConfig]], rows: Rows, settings: Settings
) -> list[dict[str, int]]:
    """Fill each database in turn; a failure names the source and the database's reason
    (the one running `sluice demo` administers it)."""
    held = []
    for name, config in targets:
        connector = connect(config, retry_delays_ms=settings.EXTERNAL_DB_RETRY_DELAYS_MS)
        try:
            held.append(await fill(connector, config.type, rows))
        except ConnectorError as exc:
            reason = f"{exc.message}: {exc.detail}" if exc.detail else exc.message
            raise ConnectorError(f"Filling data source {name!r} failed: {reason}") from None
        finally:
            await connector.close()
    return held


def _objects(session: Session, settings: Settings, keyring: Keyring, report: DemoReport) -> None:
    created = report.created
    source = _find(session, Datasource, demo.NAME)
    if source is None:
        source = create_datasource(session, DEMO_SOURCE, keyring, settings)
        created.append(f"data source {demo.NAME}")
    module = _find(session, Module, demo.NAME)
    if module is None:
        module = create_module(session, ModuleCreate(name=demo.NAME, description=MODULE_TEXT))
        created.append(f"module {demo.NAME}")
    _macro(session, module, created)
    group = _find(session, Group, demo.NAME)
    apis = [_api(session, settings, spec, module, source, group, report) for spec in demo.APIS]
    if group is None:
        private = [_id(api) for api in apis if api.access == "private"]
        group = create_group(
            session, GroupCreate(name=demo.NAME, description=GROUP_TEXT, api_ids=private)
        )
        created.append(f"group {demo.NAME}")
    client = _find(session, Client, demo.NAME)
    if client is not None:
        report.client_id = client.client_id
        return
    body = ClientCreate(name=demo.NAME, description=CLIENT_TEXT, group_ids=[_id(group)])
    report.client = create_client(session, body, client_secret_key(settings.secret_key))
    report.client_id = report.client.client_id
    created.append(f"client {demo.NAME}")


MODULE_TEXT = "The demo shop's APIs, one feature each (sluice demo)"
GROUP_TEXT = "Every private API of the demo module"
CLIENT_TEXT = "The demo client app (sluice demo)"


def _find(session: Session, model: type[T], name: str) -> T | None:
    query = select(model).where(model.name == name)  # type: ignore[attr-defined]
    found: T | None = session.exec(query.order_by(model.id)).first()  # type: ignore[attr-defined]
    return found


def _id(row: Api | Group | Datasource | Module) -> int:
    assert row.id is not None
    return row.id


def _macro(session: Session, module: Module, created: list[str]) -> None:
    """The demo's SQL macro, published (the APIs that import it pin its version)."""
    macro = _find(session, Macro, demo.MACRO)
    if macro is None:
        body = MacroCreate(
            name=demo.MACRO,
            content=demo.MACRO_SOURCE,
            description=demo.MACRO_DESCRIPTION,
            module_id=_id(module),
        )
        macro = create_macro(session, body)
        created.append(f"macro {demo.MACRO}")
    if macro.published_version_id is None:
        publish_macro(session, macro, "The demo's macro", demo.AUTHOR)


def _api(
    session: Session,
    settings: Settings,
    spec: ApiSettings,
    module: Module,
    source: Datasource,
    group: Group | None,
    report: DemoReport,
) -> Api:
    """The API on the spec's route, created and published when the route is free."""
    query = select(Api).where(
        Api.module_id == module.id, Api.method == spec.method, Api.path == spec.path
    )
    api = session.exec(query).first()
    if api is not None:
        return api
    grant = [_id(group)] if group is not None and spec.access == "private" else []
    body = ApiCreate(
        **spec.model_dump(exclude={"datasource_id"}),
        module_id=_id(module),
        datasource_id=_id(source),
        group_ids=grant,
    )
    api = create_api(session, body)
    versions.publish(session, api, "The demo's API", demo.AUTHOR, script_modules(settings))
    report.apis.append(spec)
    return api
