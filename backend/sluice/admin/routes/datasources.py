from typing import Annotated

from anyio import from_thread
from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from sluice.admin.deps import Id, KeyringDep, Page, Search, SessionDep, SettingsDep, require
from sluice.connectors.base import ConnectionConfig
from sluice.errors import Forbidden
from sluice.http import StrictJSONRoute
from sluice.models.crud import GenerateRequest, GenerateResult
from sluice.models.datasource import (
    ColumnPublic,
    Datasource,
    DatasourceCreate,
    DatasourcePublic,
    DatasourcesPublic,
    DatasourceTestResult,
    DatasourceType,
    DatasourceUpdate,
    TablePublic,
    TablesPublic,
)
from sluice.models.user import User
from sluice.services import crud
from sluice.services import datasources as service
from sluice.services.common import get_or_404
from sluice.services.roles import permissions_of

router = APIRouter(prefix="/datasources", tags=["datasources"], route_class=StrictJSONRoute)

Reader = Annotated[User, Depends(require("datasource", "read"))]
Writer = Annotated[User, Depends(require("datasource", "write"))]
ApiWriter = Annotated[User, Depends(require("api", "write"))]
TableName = Annotated[str, Path(min_length=1, max_length=255, description="A table's name")]


def load(session: SessionDep, datasource_id: Id) -> Datasource:
    return get_or_404(session, Datasource, datasource_id)


Loaded = Annotated[Datasource, Depends(load)]


def saved_config(
    _: Writer, ds: Loaded, settings: SettingsDep, keyring: KeyringDep
) -> ConnectionConfig:
    """The saved source with its password, for those who may edit it only: a test or a
    table list connects with that password, which a viewer has no business using."""
    return service.connection_config(ds, settings, service.stored_password(ds, keyring))


@router.get("")
def read_datasources(
    session: SessionDep,
    _: Reader,
    page: Page,
    q: Search,
    kind: Annotated[DatasourceType | None, Query(alias="type")] = None,
) -> DatasourcesPublic:
    items, total = service.list_datasources(session, *page, q, kind)
    return DatasourcesPublic(data=[service.datasource_public(d) for d in items], count=total)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_datasource(
    session: SessionDep,
    _: Writer,
    settings: SettingsDep,
    keyring: KeyringDep,
    body: DatasourceCreate,
) -> DatasourcePublic:
    return service.datasource_public(service.create_datasource(session, body, keyring, settings))


@router.post("/test")
async def pretest_datasource(
    _: Writer, settings: SettingsDep, body: DatasourceCreate
) -> DatasourceTestResult:
    """Test an unsaved body, so the form can check before saving."""
    return await service.test_connection(service.connection_config(body, settings, body.password))


@router.get("/{datasource_id}")
def read_datasource(_: Reader, ds: Loaded) -> DatasourcePublic:
    return service.datasource_public(ds)


def drop_pool(request: Request, datasource_id: int | None) -> None:
    """Close the source's pool (from a sync route's worker thread); the next use rebuilds it."""
    from_thread.run(request.app.state.pools.remove, datasource_id)


@router.patch("/{datasource_id}")
def update_datasource(
    request: Request,
    session: SessionDep,
    _: Writer,
    settings: SettingsDep,
    keyring: KeyringDep,
    ds: Loaded,
    body: DatasourceUpdate,
) -> DatasourcePublic:
    updated = service.update_datasource(session, ds, body, keyring, settings)
    drop_pool(request, updated.id)
    request.app.state.registry.changed()
    return service.datasource_public(updated)


@router.delete("/{datasource_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_datasource(request: Request, session: SessionDep, _: Writer, ds: Loaded) -> None:
    datasource_id = ds.id
    service.delete_datasource(session, ds)
    drop_pool(request, datasource_id)
    request.app.state.registry.changed()


@router.post("/{datasource_id}/test")
async def test_datasource(
    config: Annotated[ConnectionConfig, Depends(saved_config)],
) -> DatasourceTestResult:
    return await service.test_connection(config)


@router.get("/{datasource_id}/tables")
async def read_tables(
    config: Annotated[ConnectionConfig, Depends(saved_config)],
) -> TablesPublic:
    tables = await service.list_tables(config)
    data = [
        TablePublic(
            schema=t.schema,
            name=t.name,
            columns=[ColumnPublic(name=c.name, type=c.type) for c in t.columns],
        )
        for t in tables
    ]
    return TablesPublic(data=data, count=len(data))


@router.post("/{datasource_id}/tables/{table}/generate", status_code=status.HTTP_201_CREATED)
def generate_crud(
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    keyring: KeyringDep,
    user: ApiWriter,
    _: Reader,
    ds: Loaded,
    table: TableName,
    body: GenerateRequest,
    preview: Annotated[bool, Query(description="Answer the APIs without saving them")] = False,
) -> GenerateResult:
    """Generate draft list/get/create/update/delete APIs from the table's description (201),
    or with `?preview=true` show them and save nothing (200)."""
    if body.module_name is not None and not preview:
        if ("module", "write") not in permissions_of(user):
            raise Forbidden("Missing permission module:write (to create the module)")
    config = service.connection_config(ds, settings, service.stored_password(ds, keyring))
    described = from_thread.run(crud.describe, config, table, body.schema_name)
    if preview:
        response.status_code = status.HTTP_200_OK
    return crud.generate(session, ds, described, body, preview=preview)
