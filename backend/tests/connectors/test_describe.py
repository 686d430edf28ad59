"""`describe_table` on every connector: columns in order with their types, nullability and
defaults, the primary key in key order (composite too), quoted and mixed-case names."""

from collections.abc import AsyncIterator
from functools import partial

import pytest

from sluice.connectors import connect
from sluice.connectors.base import Connector, TableInfo
from tests.connectors.conftest import pg_admin, pg_config, unique
from tests.servers import require_postgres

pytestmark = pytest.mark.anyio


def quote(connector: Connector, name: str) -> str:
    if type(connector).__name__ == "MySQLConnector":
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


def kind(connector: Connector) -> str:
    return type(connector).__name__.removesuffix("Connector").lower()


@pytest.fixture
async def tables(any_connector: Connector) -> AsyncIterator[list[str]]:
    made: list[str] = []
    yield made
    for name in made:
        await any_connector.execute(f"DROP TABLE {quote(any_connector, name)}")


async def create(connector: Connector, made: list[str], name: str, body: str) -> str:
    made.append(name)
    await connector.execute(f"CREATE TABLE {quote(connector, name)} ({body})")
    return name


async def test_a_composite_key_and_quoted_mixed_case_names(
    any_connector: Connector, tables: list[str]
) -> None:
    q = partial(quote, any_connector)
    name = await create(
        any_connector,
        tables,
        unique("Order Lines"),
        f"{q('OrderId')} INTEGER NOT NULL, {q('line no')} INTEGER NOT NULL, "
        f"{q('order')} VARCHAR(20), qty INTEGER DEFAULT 1 NOT NULL, made DATE, "
        f"PRIMARY KEY ({q('line no')}, {q('OrderId')})",
    )
    table = await any_connector.describe_table(name)
    assert isinstance(table, TableInfo) and table.name == name
    assert [c.name for c in table.columns] == ["OrderId", "line no", "order", "qty", "made"]
    by_name = {c.name: c for c in table.columns}
    assert not by_name["qty"].nullable and by_name["order"].nullable
    assert by_name["qty"].default is not None and "1" in by_name["qty"].default
    assert by_name["qty"].has_default and not by_name["made"].has_default
    assert "int" in by_name["OrderId"].type.lower() and "date" in by_name["made"].type.lower()
    if kind(any_connector) == "trino":
        assert table.primary_key == []  # Trino does not report keys
    else:
        assert table.primary_key == ["line no", "OrderId"]
        assert await any_connector.describe_table(name.lower()) is None


async def test_a_table_without_a_key_and_an_unknown_table(
    any_connector: Connector, tables: list[str]
) -> None:
    name = await create(any_connector, tables, unique("log"), "at VARCHAR(30), message VARCHAR(99)")
    table = await any_connector.describe_table(name)
    assert table is not None and table.primary_key == []
    assert [c.name for c in table.columns] == ["at", "message"]
    assert await any_connector.describe_table(unique("missing")) is None
    assert await any_connector.describe_table("it's\"; DROP TABLE x; --") is None
    assert await any_connector.describe_table(name, schema="no_such_schema") is None


AUTO = {
    "postgres": "id serial PRIMARY KEY, n integer GENERATED ALWAYS AS (id * 2) STORED",
    "mysql": "id INTEGER AUTO_INCREMENT PRIMARY KEY, n INTEGER AS (id * 2) VIRTUAL",
    "sqlite": "id INTEGER PRIMARY KEY, n INTEGER GENERATED ALWAYS AS (id * 2) VIRTUAL",
}
RETURNING = {
    "postgres": {"INSERT", "UPDATE", "DELETE"},
    "mysql": {"INSERT", "DELETE"},  # MariaDB 10.5 and later
    "sqlite": {"INSERT", "UPDATE", "DELETE"},
}


@pytest.mark.parametrize("any_connector", ["postgres", "mysql", "sqlite"], indirect=True)
async def test_generated_keys_computed_columns_and_returning(
    any_connector: Connector, tables: list[str]
) -> None:
    which = kind(any_connector)
    name = await create(any_connector, tables, unique("auto"), AUTO[which])
    table = await any_connector.describe_table(name)
    assert table is not None and table.primary_key == ["id"]
    key, computed = table.columns
    assert key.has_default and key.writable
    assert not computed.writable
    assert table.returning == RETURNING[which]


@pytest.mark.parametrize("any_connector", ["trino"], indirect=True)
async def test_trino_takes_no_returning(any_connector: Connector, tables: list[str]) -> None:
    table = await any_connector.describe_table(
        await create(any_connector, tables, unique(), "a INT")
    )
    assert table is not None and table.returning == frozenset()


async def test_a_view_is_described(any_connector: Connector, tables: list[str]) -> None:
    base = await create(any_connector, tables, unique("base"), "id INTEGER PRIMARY KEY, v INTEGER")
    view = unique("view")
    q = partial(quote, any_connector)
    await any_connector.execute(f"CREATE VIEW {q(view)} AS SELECT id, v FROM {q(base)}")
    try:
        table = await any_connector.describe_table(view)
        assert table is not None and [c.name for c in table.columns] == ["id", "v"]
        assert table.primary_key == []
        assert table.is_view is (kind(any_connector) != "trino")  # Trino's catalog: columns only
    finally:
        await any_connector.execute(f"DROP VIEW {q(view)}")


async def test_postgres_finds_the_schema_the_search_path_would() -> None:
    require_postgres()
    connector = connect(pg_config(), retry_delays_ms=())
    schema, name = unique("schema"), unique("twin")
    pg_admin(f"CREATE SCHEMA {schema}")
    pg_admin(f"CREATE TABLE {name} (id int PRIMARY KEY)")
    pg_admin(f"CREATE TABLE {schema}.{name} (code text PRIMARY KEY, n int)")
    try:
        public = await connector.describe_table(name)
        other = await connector.describe_table(name, schema=schema)
        assert public is not None and public.schema == "public" and public.primary_key == ["id"]
        assert other is not None and other.schema == schema and other.primary_key == ["code"]
        assert await connector.describe_table(f"{schema}.{name}") is None
    finally:
        pg_admin(f"DROP SCHEMA {schema} CASCADE")
        pg_admin(f"DROP TABLE {name}")
        await connector.close()
