"""The rolled-back scope of test runs: which statements it refuses before sending them, and
on the real databases that nothing written inside it stays."""

from collections.abc import AsyncIterator

import pytest

from sluice.connectors import connect
from sluice.connectors.base import Connector, ConnectorError, DatasourceType
from sluice.engines.rollback import RollbackScope, Untestable, check_statement
from tests.connectors.conftest import FAST_RETRIES, mysql_admin, mysql_config, pg_admin, pg_config
from tests.servers import require_mariadb, require_postgres

KINDS: tuple[DatasourceType, ...] = ("postgres", "mysql", "sqlite", "trino")

REFUSED: list[tuple[str, tuple[DatasourceType, ...], str]] = [
    ("COMMIT", KINDS, "would end the test's transaction"),
    ("commit work", KINDS, "would end the test's transaction"),
    ("END", KINDS, "would end the test's transaction"),
    ("BEGIN", KINDS, "would end the test's transaction"),
    ("ROLLBACK TO SAVEPOINT sluice_test_1", KINDS, "would end the test's transaction"),
    ("RELEASE SAVEPOINT sluice_test_1", KINDS, "would end the test's transaction"),
    ("PREPARE TRANSACTION 'x'", KINDS, "would end the test's transaction"),
    ("SELECT 1; COMMIT", KINDS, "is 2 statements"),
    ("SELECT 'a\\'; COMMIT; --'", ("postgres", "sqlite", "trino"), "is 2 statements"),
    ("SELECT 'a\\'; COMMIT; --'", ("mysql",), "has -- without a space"),
    ("SELECT 1 /* ; */ ; SELECT 2", KINDS, "is 2 statements"),
    ("SET autocommit = 1", ("mysql",), "would end the test's transaction"),
    ("SET @@autocommit = 1", ("mysql",), "would end the test's transaction"),
    ("/*!COMMIT*/", ("mysql",), "which MySQL runs as code"),
    ("/*M! COMMIT */", ("mysql",), "which MySQL runs as code"),
    ("SELECT 1 /*m!100000 ; DROP TABLE t */", ("mysql",), "which MySQL runs as code"),
    ("SELECT /*+ MAX_EXECUTION_TIME(1) */ 1; COMMIT", ("mysql",), "is 2 statements"),
    ("SELECT 1 # '\nCOMMIT -- '", ("mysql",), "has a # comment"),
    ("SELECT 1 --1; COMMIT", ("mysql",), "has -- without a space"),
    ("CREATE TABLE x (id int)", ("mysql",), "implicit commit"),
    ("TRUNCATE t", ("mysql",), "implicit commit"),
    ("LOCK TABLES t WRITE", ("mysql",), "implicit commit"),
    ("CALL refresh_totals()", ("mysql",), "implicit commit"),
    ("SET PASSWORD = 'x'", ("mysql",), "implicit commit"),
    ("XA START 'x'", ("mysql",), "would end the test's transaction"),
    ("PREPARE s FROM 'COMMIT'", ("mysql",), "would end the test's transaction"),
    ("INSERT INTO t VALUES (1)", ("trino",), "writes on Trino"),
    ("SELECT * FROM t FOR UPDATE", ("trino",), "writes on Trino"),
    ("SELECT 'unterminated", ("postgres",), "cannot be read"),
]
ALLOWED: list[tuple[str, tuple[DatasourceType, ...]]] = [
    ("SELECT 1", KINDS),
    ("SELECT 1;", KINDS),
    ("SELECT 'it''s; COMMIT' AS note", KINDS),
    ("SELECT 1 -- commit later", KINDS),
    ("SELECT name FROM t WHERE note = 'rollback'", KINDS),
    ("INSERT INTO t VALUES (%s)", ("postgres", "mysql")),
    ("UPDATE t SET a = ? WHERE id = ?", ("sqlite",)),
    ("CREATE TABLE x (id int)", ("postgres", "sqlite")),
    ("SELECT t.commit FROM t", ("postgres",)),
    ("SELECT /*+ MAX_EXECUTION_TIME(1000) */ 1", ("mysql",)),
]


@pytest.mark.parametrize(
    ("sql", "kind", "why"),
    [(sql, kind, why) for sql, kinds, why in REFUSED for kind in kinds],
)
def test_a_statement_that_would_keep_its_writes_is_refused(
    sql: str, kind: DatasourceType, why: str
) -> None:
    with pytest.raises(Untestable) as refused:
        check_statement(sql, kind)
    assert refused.value.message.startswith("Not run in a test: ")
    assert why in refused.value.message


@pytest.mark.parametrize(("sql", "kind"), [(sql, kind) for sql, kinds in ALLOWED for kind in kinds])
def test_a_statement_inside_the_transaction_is_sent(sql: str, kind: DatasourceType) -> None:
    check_statement(sql, kind)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def postgres() -> AsyncIterator[tuple[Connector, str]]:
    require_postgres()
    connector = connect(pg_config(), retry_delays_ms=FAST_RETRIES)
    table = "sluice_rb_pg"
    pg_admin(f"DROP TABLE IF EXISTS {table}")
    pg_admin(f"CREATE TABLE {table} (id int primary key)")
    yield connector, table
    await connector.close()
    pg_admin(f"DROP TABLE IF EXISTS {table}")


@pytest.mark.anyio
async def test_a_failed_statement_undoes_only_itself_and_nothing_stays(
    postgres: tuple[Connector, str],
) -> None:
    connector, table = postgres
    async with RollbackScope("postgres") as scope:
        inside = scope.wrap(connector)
        await inside.execute(f"INSERT INTO {table} VALUES (1)")
        with pytest.raises(ConnectorError):
            await inside.execute(f"INSERT INTO {table} VALUES (1)")
        async with inside.transaction() as tx:
            await tx.execute(f"INSERT INTO {table} VALUES (2)")
        counted = await inside.read(f"SELECT count(*) AS n FROM {table}")
        assert counted.rows == [{"n": 2}]
    assert scope.problems == []
    assert pg_admin(f"SELECT count(*) FROM {table}") == [(0,)]


@pytest.mark.anyio
async def test_a_lost_transaction_stops_every_later_statement(
    postgres: tuple[Connector, str],
) -> None:
    connector, table = postgres
    async with RollbackScope("postgres") as scope:
        inside = scope.wrap(connector)
        await inside.execute(f"INSERT INTO {table} VALUES (1)")
        pid = (await inside.read("SELECT pg_backend_pid() AS pid")).rows
        assert pid is not None
        pg_admin(f"SELECT pg_terminate_backend({pid[0]['pid']})")
        with pytest.raises(ConnectorError):
            await inside.execute(f"INSERT INTO {table} VALUES (2)")
        with pytest.raises(Untestable):
            await inside.execute(f"INSERT INTO {table} VALUES (3)")
    assert scope.problems == [
        "The test's transaction was lost (a deadlock or a dropped connection)"
    ]
    assert pg_admin(f"SELECT count(*) FROM {table}") == [(0,)]


@pytest.mark.anyio
async def test_a_write_to_a_table_that_cannot_roll_back_is_reported() -> None:
    require_mariadb()
    connector = connect(mysql_config(), retry_delays_ms=FAST_RETRIES)
    await mysql_admin("DROP TABLE IF EXISTS sluice_rb_myisam")
    await mysql_admin("CREATE TABLE sluice_rb_myisam (id int) ENGINE=MyISAM")
    try:
        async with RollbackScope("mysql") as scope:
            await scope.wrap(connector).execute("INSERT INTO sluice_rb_myisam VALUES (1)")
        assert scope.problems == [
            "A write went to a table that cannot roll back (MyISAM, Aria, MEMORY): it was kept"
        ]
    finally:
        await connector.close()
        await mysql_admin("DROP TABLE IF EXISTS sluice_rb_myisam")
