"""Streamed export: a million rows through the gateway, in flat memory.

`cd backend && .venv/bin/python -m bench.stream_export [--rows 1000000] [--format csv]`

Starts `sluice serve` (one worker) with a data source on a private PostgreSQL database
holding a table of `--rows` rows, publishes `SELECT * ... ORDER BY id` and downloads it
with `?format=csv` (and `?format=ndjson`), reading the body as it comes. Meanwhile the
server's resident memory is sampled; the figures are printed: rows and bytes received,
seconds, rows per second, and the server's RSS before, at its peak and per quarter of
the download. A stream holds one batch (1,000 rows) at a time, so the RSS stays level
however many rows go by. It is not a timed test: it prints, and fails only when a row
is missing or out of order.

Needs PostgreSQL on 127.0.0.1:5432 (db `test`, as the tests). Everything it starts
listens on 127.0.0.1 and is stopped at the end.
"""

import argparse
import tempfile
import time
from pathlib import Path

import httpx2 as httpx
import psycopg

from bench.memory import MB, sampled
from tests.live import Sluice, private_database
from tests.servers import pg_database_url

SQL = "SELECT id, name, amount, at, flag FROM big ORDER BY id"


def seed(database: str, rows: int) -> None:
    with psycopg.connect(pg_database_url(database), autocommit=True) as db:
        db.execute(
            "CREATE TABLE big AS SELECT g AS id, 'name ' || g AS name,"
            " (g * 1.25)::numeric(14, 2) AS amount,"
            " timestamptz '2024-01-01' + g * interval '1 second' AS at, g %% 3 = 0 AS flag"
            " FROM generate_series(1, %s) g",
            (rows,),
        )
        db.execute("ALTER TABLE big ADD PRIMARY KEY (id)")


def download(url: str, fmt: str, rows: int, pid: int) -> None:
    """One streamed export, read as it comes and checked row by row."""
    expected, received = 1, 0
    started = time.monotonic()
    with sampled(pid) as memory, httpx.stream("GET", url, params={"format": fmt}, timeout=600) as r:
        r.raise_for_status()
        lines = r.iter_lines()
        if fmt == "csv":
            next(lines)  # the header
        for line in lines:
            row_id = int(line.split(",", 1)[0]) if fmt == "csv" else int(line[6 : line.index(",")])
            assert row_id == expected, f"row {row_id} where {expected} was due"
            expected += 1
        received = r.num_bytes_downloaded
    seconds = time.monotonic() - started
    assert expected - 1 == rows, f"{expected - 1} rows of {rows}"
    print(
        f"{fmt:>6}: {rows} rows, {received / MB:.0f} MB in {seconds:.1f} s"
        f" ({rows / seconds:,.0f} rows/s); {memory.line()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", choices=["csv", "ndjson", "both"], default="both")
    args = parser.parse_args()
    formats = ["csv", "ndjson"] if args.format == "both" else [args.format]
    with (
        private_database("sluice_bench_export") as source,
        tempfile.TemporaryDirectory(prefix="sluice-export-") as workdir,
    ):
        print(f"seeding {args.rows} rows ...")
        seed(source, args.rows)
        sluice = Sluice(Path(workdir), GATEWAY_MAX_STREAM_ROWS="0")
        try:
            admin = sluice.admin
            made = admin.postgres_source(source)
            module = admin.create("/api/v1/modules", {"name": "bench"})
            admin.published_api(
                name="big",
                path="big",
                access="public",
                module_id=module["id"],
                datasource_id=made["id"],
                content=SQL,
            )
            time.sleep(1)  # the registry has the API
            for fmt in formats:
                download(f"{sluice.url}/bench/big", fmt, args.rows, sluice.process.pid)
        finally:
            sluice.stop()


if __name__ == "__main__":
    main()
