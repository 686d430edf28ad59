"""The rollups' SQL: the statements that add access records to the hourly and daily
rollups the charts read (`AccessRollup`, `AccessClientRollup`, `AccessClientDay`), the
same text on the SQLite and PostgreSQL stores. The access-record writer sums each batch in
Python (`access_log.batch_sums`) and runs `summed_rollup_sqls`; `rollup_sqls` sums the
whole record table (the benchmarks' fill, the tests); pruning takes hours off their days
with `take_hours_off_days_sql`."""

from sqlalchemy import DateTime, TextClause, bindparam, text

from sluice.models.access_record import (
    HISTOGRAM,
    LATENCY_BOUNDS_MS,
    AccessClientDay,
    AccessClientRollup,
    AccessRecord,
    AccessRollup,
)

_RECORDS = AccessRecord.__tablename__
_ROLLUP = AccessRollup.__tablename__
_CLIENT_ROLLUP = AccessClientRollup.__tablename__
_CLIENT_DAY = AccessClientDay.__tablename__


def _truncated(dialect: str, moment: str, unit: str) -> str:
    """SQL for the UTC `hour` or `day` that the time `moment` falls in, as the rollups
    store it (on SQLite, SQLAlchemy's text form of a UTC time)."""
    if dialect == "postgresql":
        return f"date_trunc('{unit}', {moment} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    if dialect == "sqlite":
        if unit == "hour":
            return f"substr({moment}, 1, 13) || ':00:00.000000'"
        return f"substr({moment}, 1, 10) || ' 00:00:00.000000'"
    raise ValueError(f"access records cannot be written to a {dialect} store")


def rollup_sqls(dialect: str) -> tuple[str, str, str]:
    """The three statements that add every row of `access_record` to the rollups
    (`AccessRollup` per hour, API, status and error with the latency histogram;
    `AccessClientRollup` per hour, API and client; `AccessClientDay` per day, API and
    client): the benchmarks' fill, the tests. The writer sums its batches in Python
    instead (`access_log.batch_sums`, `summed_rollup_sqls`). The same statements on both stores:
    upserts whose SELECT sums per key, in key order."""
    rows = (
        f"SELECT {_truncated(dialect, 'at', 'hour')} AS hour,"
        f" {_truncated(dialect, 'at', 'day')} AS day, coalesce(api_id, 0) AS api_id,"
        f" coalesce(client_id, '') AS client_id, status, coalesce(error, '') AS error,"
        f" duration_ms AS d FROM {_RECORDS}"
    )
    lows, highs = (None, *LATENCY_BOUNDS_MS), (*LATENCY_BOUNDS_MS, None)
    buckets = [
        "sum(CASE WHEN "
        + " AND ".join(([f"d > {lo}"] if lo is not None else []) + ([f"d <= {hi}"] if hi else []))
        + " THEN 1 ELSE 0 END)"
        for lo, hi in zip(lows, highs, strict=True)
    ]
    by_status = _upsert(
        _ROLLUP,
        _STATUS_KEY,
        {"calls": "count(*)", "duration_ms": "sum(d)"} | dict(zip(HISTOGRAM, buckets, strict=True)),
        rows,
        group=True,
    )
    client_sums = {"calls": "count(*)", "errors": "sum(CASE WHEN status >= 400 THEN 1 ELSE 0 END)"}
    by_client = _upsert(_CLIENT_ROLLUP, _CLIENT_KEY, client_sums, rows, group=True)
    by_day = _upsert(_CLIENT_DAY, _DAY_KEY, client_sums, rows, group=True)
    return by_status, by_client, by_day


_STATUS_KEY = ("hour", "api_id", "status", "error")
_CLIENT_KEY = ("hour", "api_id", "client_id")
_DAY_KEY = ("day", "api_id", "client_id")
_TIME_SUFFIX = {"hour": ":00:00", "day": " 00:00:00"}
"""What completes a key's time, sent as its first characters (`YYYY-MM-DD HH`, `YYYY-MM-DD`)."""
STATUS_SUMS = ("calls", "duration_ms", *HISTOGRAM)
_CLIENT_SUMS = ("calls", "errors")
_PG_ROLLUP_CASTS = {"api_id": "bigint", "status": "int", "duration_ms": "float8"}


def summed_rollup_sqls(dialect: str) -> tuple[str, str, str]:
    """The three upserts that add a batch's sums (`access_log.batch_sums`) to the rollups, hourly and
    daily: each takes one JSON array of rows already summed per key (the hour as its first
    13 characters, `YYYY-MM-DD HH`, the day as its first 10), so the store does one row of
    work per distinct key of the batch rather than per record. Rows are taken in key
    order and the tables in this order, so that two writers lock the same rollup rows in
    the same order."""
    statements = []
    for table, key, sums in (
        (_ROLLUP, _STATUS_KEY, STATUS_SUMS),
        (_CLIENT_ROLLUP, _CLIENT_KEY, _CLIENT_SUMS),
        (_CLIENT_DAY, _DAY_KEY, _CLIENT_SUMS),
    ):
        names = (*key, *sums)
        if dialect == "postgresql":
            fields = [
                f"((r ->> 0) || '{_TIME_SUFFIX[name]}+00')::timestamptz"
                if name in _TIME_SUFFIX
                else f"(r ->> {i})::{_PG_ROLLUP_CASTS.get(name, 'bigint')}"
                if name not in ("error", "client_id")
                else f"r ->> {i}"
                for i, name in enumerate(names)
            ]
            source = "jsonb_array_elements(%s::jsonb) AS r"
        elif dialect == "sqlite":
            fields = [
                f"(r.value ->> 0) || '{_TIME_SUFFIX[name]}.000000'"
                if name in _TIME_SUFFIX
                else f"r.value ->> {i}"
                for i, name in enumerate(names)
            ]
            source = "json_each(?) AS r"
        else:
            raise ValueError(f"access records cannot be written to a {dialect} store")
        aliased = ", ".join(f"{field} AS {name}" for field, name in zip(fields, names, strict=True))
        statements.append(
            _upsert(
                table,
                key,
                {name: name for name in sums},
                f"SELECT {aliased} FROM {source}",
            )
        )
    return statements[0], statements[1], statements[2]


def _upsert(
    table: str, key: tuple[str, ...], sums: dict[str, str], rows: str, *, group: bool = False
) -> str:
    """Add `sums` of `rows` (summed per key when `group`) to the rollup `table`."""
    added = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in sums)
    names = ", ".join(key)
    return (
        f"INSERT INTO {table} ({names}, {', '.join(sums)}) "
        f"SELECT {names}, {', '.join(sums.values())} FROM ({rows}) AS s"
        f" WHERE true{f' GROUP BY {names}' if group else ''} ORDER BY {names}"
        f" ON CONFLICT ({names}) DO UPDATE SET {added}"
    )


def take_hours_off_days_sql(dialect: str) -> TextClause:
    """The statement that subtracts the client rollup's hours before `:end` from their
    days: the same UPDATE ... FROM on both stores."""
    day = _truncated(dialect, "hour", "day")
    return text(
        f"UPDATE {_CLIENT_DAY} SET calls = {_CLIENT_DAY}.calls - s.calls,"
        f" errors = {_CLIENT_DAY}.errors - s.errors FROM ("
        f"SELECT {day} AS day, api_id, client_id, sum(calls) AS calls, sum(errors) AS errors"
        f" FROM {_CLIENT_ROLLUP} WHERE hour < :end GROUP BY {day}, api_id, client_id"
        f") AS s WHERE {_CLIENT_DAY}.day = s.day AND {_CLIENT_DAY}.api_id = s.api_id"
        f" AND {_CLIENT_DAY}.client_id = s.client_id"
    ).bindparams(bindparam("end", type_=DateTime(timezone=True)))
