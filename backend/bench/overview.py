"""The overview's charts on a million access records: how long `GET /api/v1/overview/stats`
takes to compute for the last 24 hours, 7 days and 30 days.

`cd backend && .venv/bin/python -m bench.overview [--records 1000000] [--runs 5]`

Makes a private PostgreSQL database, migrates it as a Sluice store, fills `access_record`
with `--records` calls spread evenly over the last 30 days, in time order as the gateway
writes them (one `INSERT ... SELECT` from `generate_series`: 20 APIs, 200 clients each
calling 3 of them, 7% errors, durations from a few ms to seconds) and fills the rollups
from them (`rollup_sqls`). Then it times the service behind the endpoint
(`services.stats.stats`), for all APIs and for one, and for comparison the same series
computed from the raw records (`percentile_cont` on PostgreSQL), printing the median of
`--runs` runs. The database is dropped at the end. Needs PostgreSQL on 127.0.0.1:5432 (as the tests).
"""

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session

from sluice.db import make_engine, migrate
from sluice.gateway.rollups import rollup_sqls
from sluice.services.stats import stats
from tests.live import private_database
from tests.servers import pg_database_url, sqlalchemy_url

FILL = """
INSERT INTO access_record (at, api_id, module, path, method, client_id, ip, status,
                           duration_ms, request_id, error)
SELECT CAST(:newest AS timestamptz) - (:total - g) * interval '30 days' / :total, api, 'bench', '/bench/api-' || api, 'GET',
       'client-' || c, '10.0.0.' || (c % 250), status,
       round((exp(random() * 6) * (1 + random()))::numeric, 3)::float8,
       'req-' || g, CASE status WHEN 200 THEN NULL WHEN 400 THEN 'bad_request'
       WHEN 401 THEN 'unauthorized' WHEN 404 THEN 'not_found' ELSE 'upstream_error' END
FROM (
  SELECT g, g % 200 AS c, 1 + (g % 200 + (g / 200) % 3) % 20 AS api,
         CASE WHEN g % 100 < 93 THEN 200 WHEN g % 100 < 97 THEN 400
              WHEN g % 100 < 98 THEN 401 WHEN g % 100 < 99 THEN 404 ELSE 502 END AS status
  FROM generate_series(:first, :last) AS g
) AS calls
"""

RAW_SERIES = """
SELECT floor(extract(epoch FROM at) / :bucket) AS b, count(*),
       count(*) FILTER (WHERE status BETWEEN 400 AND 499),
       count(*) FILTER (WHERE status >= 500),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms),
       percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms)
FROM access_record WHERE at >= :since GROUP BY 1
"""


def timed(runs: int, work: Callable[[], Any]) -> float:
    """The median of `runs` runs, in milliseconds."""
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        took.append((time.perf_counter() - started) * 1000)
    return statistics.median(took)


def measure(engine: Engine, since: datetime, now: datetime, runs: int) -> tuple[float, ...]:
    """The stats for all APIs and for one, and the raw records' series, in ms."""
    with Session(engine) as session:
        every = timed(runs, lambda: stats(session, since, now, None, None))
        one = timed(runs, lambda: stats(session, since, now, 3, None))
        bucket = stats(session, since, now, None, None).bucket_seconds
    with engine.connect() as db:
        query = text(RAW_SERIES)
        raw = timed(runs, lambda: db.execute(query, {"bucket": bucket, "since": since}).all())
    return every, one, raw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with private_database("sluice_bench_overview") as name:
        url = sqlalchemy_url(pg_database_url(name))
        migrate(url)
        engine = make_engine(url)
        with engine.begin() as db:
            started = time.perf_counter()
            db.execute(
                text(FILL),
                {
                    "first": 1,
                    "last": args.records,
                    "total": args.records,
                    "newest": datetime.now(UTC),
                },
            )
            filled = time.perf_counter() - started
            started = time.perf_counter()
            for statement in rollup_sqls("postgresql"):
                db.exec_driver_sql(statement)
            rolled = time.perf_counter() - started
        with engine.connect() as db:
            db.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE access_record, access_rollup, access_client_rollup, access_client_day"
            )
            sizes = db.exec_driver_sql(
                "SELECT (SELECT count(*) FROM access_rollup), (SELECT count(*) FROM"
                " access_client_rollup), (SELECT count(*) FROM access_client_day)"
            ).one()
        print(
            f"{args.records:,} access records filled in {filled:.1f} s; rollups of"
            f" {sizes[0]:,} + {sizes[1]:,} + {sizes[2]:,} rows (access, client per hour,"
            f" client per day) made from them in {rolled:.1f} s"
        )
        print(f"median of {args.runs} runs, ms    all APIs   one API   raw records (series only)")
        now = datetime.now(UTC)
        for label, days in (("24 h", 1), ("7 d", 7), ("30 d", 30)):
            every, one, raw = measure(engine, now - timedelta(days=days), now, args.runs)
            print(f"{label:<31}{every:>10.1f}{one:>10.1f}{raw:>14.1f}")
        engine.dispose()


if __name__ == "__main__":
    main()
