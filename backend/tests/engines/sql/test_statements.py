"""Splitting into statements, per-statement values, classification, RETURNING, paging."""

import pytest

from sluice.engines.sql import Limits, Statement, TemplateRenderError, paginate
from tests.engines.sql.support import one, render


def split(source: str, context: dict[str, object] | None = None) -> list[tuple[str, list[object]]]:
    return [(s.sql, s.params) for s in render(source, context, "qmark").statements]


def test_each_statement_keeps_its_own_values() -> None:
    source = "INSERT INTO a VALUES ({{ x }});\nUPDATE b SET v = {{ y }} WHERE id = {{ z }};"
    assert split(source, {"x": 1, "y": 2, "z": 3}) == [
        ("INSERT INTO a VALUES (?)", [1]),
        ("UPDATE b SET v = ? WHERE id = ?", [2, 3]),
    ]


@pytest.mark.parametrize(
    ("source", "statements"),
    [
        ("SELECT ';' AS a; SELECT 2", ["SELECT ';' AS a", "SELECT 2"]),
        ("SELECT 'it''s;' ; SELECT 2", ["SELECT 'it''s;'", "SELECT 2"]),
        ('SELECT ";" FROM "a;b"; SELECT 2', ['SELECT ";" FROM "a;b"', "SELECT 2"]),
        ("SELECT `a;b` FROM t; SELECT 2", ["SELECT `a;b` FROM t", "SELECT 2"]),
        ("SELECT 1 -- a;b\n; SELECT 2", ["SELECT 1", "SELECT 2"]),
        ("SELECT /* ; */ 1; SELECT 2", ["SELECT /* ; */ 1", "SELECT 2"]),
        ("DO $$ BEGIN PERFORM 1; END $$; SELECT 2", ["DO $$ BEGIN PERFORM 1; END $$", "SELECT 2"]),
        (
            "CREATE FUNCTION f() RETURNS int AS $fn$ SELECT 1; $$ $fn$ LANGUAGE sql; SELECT 2",
            ["CREATE FUNCTION f() RETURNS int AS $fn$ SELECT 1; $$ $fn$ LANGUAGE sql", "SELECT 2"],
        ),
        ("SELECT E'a\\';b'; SELECT 2", ["SELECT E'a\\';b'", "SELECT 2"]),
        ("SELECT $1, a$b; SELECT 2", ["SELECT $1, a$b", "SELECT 2"]),
        (";;SELECT 1;;  ; -- only a comment\n;", ["SELECT 1"]),
    ],
)
def test_splitting_respects_quotes_and_comments(source: str, statements: list[str]) -> None:
    assert [sql for sql, _ in split(source)] == statements


def test_backslash_escapes_in_format_style() -> None:
    source = "SELECT 'a\\';b'; SELECT {{ x }}"
    statements = render(source, {"x": 1}, "format").statements
    assert [s.sql for s in statements] == ["SELECT 'a\\';b'", "SELECT %s"]
    assert statements[1].params == [1]


def test_values_in_dollar_quoted_bodies_are_refused() -> None:
    with pytest.raises(TemplateRenderError, match="inside quoted SQL"):
        render("DO $body$ BEGIN PERFORM {{ x }}; END $body$", {"x": 1})


@pytest.mark.parametrize("source", ["SELECT 'abc", 'SELECT "abc', "SELECT `a", "SELECT /* x"])
def test_unterminated_quotes_are_errors(source: str) -> None:
    with pytest.raises(TemplateRenderError, match="unterminated"):
        render(source)


def test_an_empty_render_is_an_error() -> None:
    with pytest.raises(TemplateRenderError, match="no SQL statement"):
        render("{% if false %}SELECT 1{% endif %}  -- nothing")


def test_the_number_of_statements_is_limited() -> None:
    with pytest.raises(TemplateRenderError, match="3 statements \\(the limit is 2\\)"):
        render("SELECT 1; SELECT 2; SELECT 3", limits=Limits(max_statements=2))


READ_ONLY = [
    "SELECT * FROM t",
    "select 1",
    "(SELECT 1) UNION (SELECT 2)",
    "WITH x AS (SELECT 1) SELECT * FROM x",
    "VALUES (1), (2)",
    "TABLE users",
    "SHOW TABLES",
    "EXPLAIN SELECT 1",
    "DESCRIBE users",
    "SELECT 'DELETE FROM t' AS s, \"update\" FROM t -- DROP TABLE t",
    "SELECT t.update, t.delete FROM t",
    "SELECT replace(name, 'a', 'b') FROM t",
    "SELECT * FROM t /* INSERT */",
]
WRITES = [
    "INSERT INTO t VALUES (1)",
    "UPDATE t SET a = 1",
    "DELETE FROM t",
    "MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE",
    "REPLACE INTO t VALUES (1)",
    "UPSERT INTO t VALUES (1)",
    "CREATE TABLE x (a int)",
    "DROP TABLE t",
    "ALTER TABLE t ADD b int",
    "TRUNCATE t",
    "GRANT ALL ON t TO u",
    "REVOKE ALL ON t FROM u",
    "CALL p()",
    "EXEC p",
    "COPY t FROM STDIN",
    "LOCK TABLE t",
    "SET search_path = x",
    "DO $$ BEGIN END $$",
    "VACUUM",
    "ANALYZE t",
    "PRAGMA journal_mode = wal",
    "BEGIN",
    "SELECT * FROM t FOR UPDATE",
    "SELECT * FROM t FOR NO KEY UPDATE",
    "SELECT * FROM t FOR SHARE",
    "SELECT * FROM t LOCK IN SHARE MODE",
    "SELECT * INTO backup FROM t",
    "SELECT * FROM t INTO OUTFILE 'x.csv'",
    "WITH gone AS (DELETE FROM t RETURNING *) SELECT * FROM gone",
    "WITH x AS (INSERT INTO t VALUES (1) RETURNING id) SELECT id FROM x",
    "EXPLAIN ANALYZE DELETE FROM t",
    "SELECT 1 /*!50000 , (DELETE FROM t) */",
    "USE other",
    "something unknown",
]


@pytest.mark.parametrize("source", READ_ONLY)
def test_reads(source: str) -> None:
    assert one(source).read_only


@pytest.mark.parametrize("source", WRITES)
def test_writes(source: str) -> None:
    assert not one(source).read_only


def test_rendered_read_only_needs_every_statement_to_read() -> None:
    assert render("SELECT 1; SELECT 2").read_only
    assert not render("SELECT 1; DELETE FROM t").read_only


@pytest.mark.parametrize(
    ("source", "returning"),
    [
        ("INSERT INTO t VALUES (1) RETURNING id", True),
        ("DELETE FROM t returning *", True),
        ("UPDATE t SET a = 1", False),
        ("SELECT 'RETURNING' FROM t", False),
    ],
)
def test_returning(source: str, returning: bool) -> None:
    assert one(source).returning is returning


class TestPaginate:
    def test_format_style(self) -> None:
        statement = one("SELECT * FROM t WHERE a = {{ a }} -- trailing", {"a": 1})
        page = paginate(statement, limit=10, offset=20, paramstyle="format")
        assert page.rows.sql == (
            "SELECT * FROM (\nSELECT * FROM t WHERE a = %s\n) AS sluice_page LIMIT %s OFFSET %s"
        )
        assert page.rows.params == [1, 10, 20]
        assert page.count.sql == (
            "SELECT count(*) AS total FROM (\nSELECT * FROM t WHERE a = %s\n) AS sluice_count"
        )
        assert page.count.params == [1]
        assert page.rows.read_only and page.count.read_only

    def test_a_trailing_line_comment_cannot_swallow_the_wrapper(self) -> None:
        statement = Statement("SELECT 1 -- note", [], read_only=True, returning=False)
        assert (
            "-- note\n) AS sluice_page"
            in paginate(statement, limit=1, offset=0, paramstyle="qmark").rows.sql
        )

    def test_qmark_and_offset_first(self) -> None:
        statement = one("SELECT * FROM t WHERE a = {{ a }}", {"a": 1}, "qmark")
        page = paginate(statement, limit=5, offset=0, paramstyle="qmark", offset_first=True)
        assert page.rows.sql.endswith("AS sluice_page OFFSET ? LIMIT ?")
        assert page.rows.params == [1, 0, 5]

    def test_an_ordered_statement_gets_the_slice_appended(self) -> None:
        sql = "SELECT a FROM t ORDER BY a DESC -- newest first"
        statement = Statement(sql, [], read_only=True, returning=False)
        page = paginate(statement, limit=2, offset=4, paramstyle="qmark", dialect="mysql")
        assert page.rows.sql == "SELECT a FROM t ORDER BY a DESC -- newest first\nLIMIT ? OFFSET ?"
        assert "AS sluice_count" in page.count.sql

    @pytest.mark.parametrize(
        "sql",
        [
            "SELECT a FROM t ORDER BY a LIMIT 3",
            "SELECT a FROM (SELECT a FROM t ORDER BY a) AS s",
            "SELECT a FROM t ORDER BY a FOR UPDATE",
            "SELECT a FROM t; SELECT b FROM u ORDER BY b",
            "SELECT a FROM t ORDER BY",
        ],
    )
    def test_other_statements_are_wrapped(self, sql: str) -> None:
        statement = Statement(sql, [], read_only=True, returning=False)
        page = paginate(statement, limit=1, offset=0, paramstyle="qmark", dialect="mysql")
        assert page.rows.sql.startswith("SELECT * FROM (\n")

    def test_refuses_writes_and_bad_numbers(self) -> None:
        with pytest.raises(ValueError, match="read-only"):
            paginate(one("DELETE FROM t"), limit=1, offset=0, paramstyle="format")
        with pytest.raises(ValueError, match="limit must be"):
            paginate(one("SELECT 1"), limit=-1, offset=0, paramstyle="format")
        with pytest.raises(ValueError, match="offset must be"):
            paginate(one("SELECT 1"), limit=1, offset=True, paramstyle="format")
