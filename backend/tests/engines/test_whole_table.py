"""Which rendered statements are whole-table writes: decided on the statement as sent, in
the data source's dialect (the same statements run on real databases in
tests/gateway/test_whole_table_writes.py)."""

import pytest

from sluice.engines.sql import Paramstyle, compile_template
from sluice.engines.whole_table import Dialect, WholeTableWrite, WriteGuard, unbounded_writes

UNBOUNDED: list[tuple[Dialect, str]] = [
    ("postgres", "DELETE FROM t"),
    ("postgres", "DELETE FROM t -- WHERE id = 1"),
    ("postgres", "DELETE FROM t /* outer /* nested */ WHERE id = 1 */"),
    ("postgres", "UPDATE t SET note = 'WHERE id = 1'"),
    ("postgres", "UPDATE t SET note = $$WHERE$$"),
    ("postgres", 'UPDATE t SET "where" = 1'),
    ("postgres", "UPDATE t SET a = (SELECT max(b) FROM u WHERE u.id = t.id)"),
    ("postgres", "WITH x AS (SELECT id FROM u WHERE true) DELETE FROM t"),
    ("postgres", "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d WHERE id = 1"),
    ("postgres", "UPDATE t SET a = u.a FROM u"),
    ("postgres", "SELECT 1; DELETE FROM t"),
    ("postgres", "EXPLAIN ANALYZE DELETE FROM t"),
    ("postgres", "DELETE FROM t WHERE a = %s; UPDATE t SET b = %s"),
    ("mysql", "DELETE FROM t # WHERE id = 1"),
    ("mysql", "UPDATE a JOIN b ON a.id = b.id SET a.x = 1"),
    ("mysql", "DELETE a FROM a JOIN b ON a.id = b.id"),
    ("mysql", "DELETE FROM t ORDER BY id LIMIT 10"),
    ("mysql", "UPDATE t SET note = 'it\\'s WHERE'"),
    ("mysql", "SET STATEMENT max_statement_time=1 FOR DELETE FROM t"),
    ("sqlite", "DELETE FROM t"),
    ("sqlite", "UPDATE OR IGNORE t SET a = 1"),
    ("sqlite", "DELETE FROM t RETURNING *"),
    ("trino", "DELETE FROM t"),
    ("trino", "UPDATE t SET a = ?"),
]

BOUNDED: list[tuple[Dialect, str]] = [
    ("postgres", "DELETE FROM t WHERE id = %s"),
    ("postgres", "DELETE FROM t WHERE id IN (SELECT id FROM u)"),
    ("postgres", "UPDATE t SET a = u.a FROM u WHERE u.id = t.id"),
    ("postgres", "DELETE FROM t USING u WHERE t.id = u.id"),
    ("postgres", "WITH RECURSIVE x AS (SELECT 1) UPDATE t SET a = 1 FROM x WHERE t.id = 1"),
    ("postgres", "INSERT INTO t (a) VALUES (%s) ON CONFLICT (a) DO UPDATE SET b = 2"),
    ("postgres", "SELECT * FROM t FOR UPDATE"),
    ("postgres", "MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN DELETE"),
    ("postgres", "MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN UPDATE SET a = 1"),
    ("postgres", "DELETE FROM t WHERE name LIKE %s ESCAPE '!' AND n %% 2 = 0"),
    ("postgres", "TRUNCATE t"),
    ("postgres", "DELETE FROM t WHERE true"),
    ("postgres", 'SELECT "update", "delete" FROM t'),
    ("mysql", "UPDATE a, b SET a.x = b.x WHERE a.id = b.id"),
    ("mysql", "DELETE a, b FROM a JOIN b ON a.id = b.id WHERE b.z = 1"),
    ("mysql", "INSERT INTO t (a) VALUES (%s) ON DUPLICATE KEY UPDATE b = 2"),
    ("mysql", "UPDATE `order` SET `desc` = %s WHERE `id` = %(id)s"),
    ("mysql", "SET STATEMENT max_statement_time=1 FOR DELETE FROM t WHERE id = 1"),
    ("sqlite", "UPDATE t SET a = 1 WHERE id = ? RETURNING *"),
    ("sqlite", "INSERT INTO t (a) VALUES (?) ON CONFLICT (a) DO UPDATE SET b = 2"),
    ("trino", "DELETE FROM t WHERE x IN (SELECT y FROM u)"),
]


def style(dialect: Dialect) -> Paramstyle:
    return "format" if dialect in ("postgres", "mysql") else "qmark"


@pytest.mark.parametrize(("dialect", "sql"), UNBOUNDED)
def test_an_update_or_delete_without_where_is_found(dialect: Dialect, sql: str) -> None:
    assert unbounded_writes(sql, style(dialect), dialect)


@pytest.mark.parametrize(("dialect", "sql"), BOUNDED)
def test_bounded_writes_and_other_statements_pass(dialect: Dialect, sql: str) -> None:
    assert unbounded_writes(sql, style(dialect), dialect) == ()


def test_the_verbs_come_in_statement_order() -> None:
    sql = "UPDATE t SET a = 1; DELETE FROM t WHERE id = 1; DELETE FROM u"
    assert unbounded_writes(sql, "qmark", "sqlite") == ("UPDATE", "DELETE")


def test_an_empty_where_block_is_decided_on_the_rendered_statement() -> None:
    template = compile_template(
        "DELETE FROM t {% where %}{% if id %}id = {{ id }}{% endif %}{% endwhere %}"
    )
    guard = WriteGuard("purge", "postgres")
    for statement in template.render({"id": 3}, "format").statements:
        guard.check(statement.sql, "format")
    empty = template.render({"id": None}, "format").statements[0]
    with pytest.raises(WholeTableWrite) as refused:
        guard.check(empty.sql, "format")
    assert refused.value.status == 400 and refused.value.code == "bad_request"
    assert "'purge'" in refused.value.message and "DELETE" in refused.value.message


def test_an_api_that_allows_whole_table_writes_is_not_checked() -> None:
    WriteGuard("purge", "sqlite", allowed=True).check("DELETE FROM t", "qmark")
