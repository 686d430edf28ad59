"""Every SQL filter the sandbox offers has its doc in the editor reference."""

from sluice.engines.sql.filters import SQL_FILTERS
from sluice.services.editor_reference import SQL_FILTER_DOCS


def test_every_sql_filter_is_documented_once() -> None:
    assert set(SQL_FILTER_DOCS) == set(SQL_FILTERS)
