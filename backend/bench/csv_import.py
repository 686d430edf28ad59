"""CSV import: a generated 200 MB file into PostgreSQL through the admin API, in flat memory.

`cd backend && .venv/bin/python -m bench.csv_import [--megabytes 200] [--mode best_effort]`

Writes a CSV of about `--megabytes` (an id, a name, an exact amount, a date-time, a flag
and a note per row) to a temporary file, starts `sluice serve` (one worker) with a data
source on a private PostgreSQL database holding an empty table of those columns, and
uploads the file to `POST /api/v1/datasources/{id}/tables/{table}/import`, the upload
streamed from disk. Meanwhile the server's resident memory is sampled. It prints the
file's size and rows, the seconds the import took, rows per second, and the server's
peak memory growth (the target is under 100 MB: the upload is spooled to disk and read
one batch at a time). It fails only when the report or the table's row count is wrong.

Needs PostgreSQL on 127.0.0.1:5432 (db `test`, as the tests). Everything it starts
listens on 127.0.0.1 and is stopped at the end.
"""

import argparse
import csv
import tempfile
import time
from pathlib import Path

import psycopg

from bench.memory import MB, sampled
from tests.live import Sluice, private_database
from tests.servers import pg_database_url

TABLE = """CREATE TABLE people (
    id bigint PRIMARY KEY, name text NOT NULL, amount numeric(14, 2),
    seen timestamptz, active boolean, note text
)"""


def write_csv(path: Path, megabytes: int) -> int:
    """A CSV of about `megabytes`; its row count."""
    target, rows = megabytes * MB, 0
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["ID", "Name", "Amount", "Seen", "Active", "Note"])
        while out.tell() < target:
            batch = [
                [
                    i,
                    f"person number {i}",
                    f"{i * 1.25:.2f}",
                    f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00+00:00",
                    "true" if i % 2 else "false",
                    "" if i % 5 else f'a note, "quoted", about {i}',
                ]
                for i in range(rows + 1, rows + 10_001)
            ]
            writer.writerows(batch)
            rows += len(batch)
    return rows


def counted(database: str) -> int:
    with psycopg.connect(pg_database_url(database)) as db:
        row = db.execute("SELECT count(*) FROM people").fetchone()
    return int(row[0]) if row else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--mode", choices=["all_or_nothing", "best_effort"], default="best_effort")
    args = parser.parse_args()
    with (
        private_database("sluice_bench_import") as source,
        tempfile.TemporaryDirectory(prefix="sluice-import-") as workdir,
    ):
        with psycopg.connect(pg_database_url(source), autocommit=True) as db:
            db.execute(TABLE)
        path = Path(workdir) / "people.csv"
        rows = write_csv(path, args.megabytes)
        size = path.stat().st_size
        print(f"generated {size / MB:.0f} MB, {rows} rows")
        sluice = Sluice(Path(workdir), CSV_IMPORT_MAX_BYTES=str(2 * size))
        try:
            admin = sluice.admin
            made = admin.postgres_source(source)
            url = f"/api/v1/datasources/{made['id']}/tables/people/import"
            started = time.monotonic()
            with sampled(sluice.process.pid) as memory, path.open("rb") as upload:
                answer = admin.post(
                    url,
                    files={"file": ("people.csv", upload, "text/csv")},
                    data={"mode": args.mode},
                    timeout=3600,
                )
            seconds = time.monotonic() - started
        finally:
            sluice.stop()
        answer.raise_for_status()
        report = answer.json()
        assert (report["inserted"], report["failed"]) == (rows, 0), report
        assert counted(source) == rows
        print(
            f"imported {rows} rows ({args.mode}) in {seconds:.1f} s"
            f" ({rows / seconds:,.0f} rows/s, {size / MB / seconds:.1f} MB/s)"
        )
        print(memory.line())
        verdict = "under" if memory.growth < 100 else "OVER"
        print(f"peak memory growth {memory.growth:.1f} MB: {verdict} the 100 MB target")


if __name__ == "__main__":
    main()
