"""Scale benchmark: the gateway and the admin API at production sizes.

`cd backend && .venv/bin/python -m bench.scale [--only registry,records]`

Runs the two halves one after the other, each starting what it measures on its own
PostgreSQL store database and stopping it at the end:
- `bench.scale_registry`: 10,000 published APIs in 500 modules and 5,000 clients in 200
  groups: gateway throughput against the one-API figure, a publish's answer time and its
  time to reach every worker, the gateway's p99 during publishes, worker memory, startup;
- `bench.scale_records`: 10 million access records: the list, one call's detail and the
  overview, pruning beside writers, and the record path's throughput and CPU share.

Each prints the command, the machine's core count and its figures against the targets
of issue 16. Needs PostgreSQL on 127.0.0.1:5432, Redis on 127.0.0.1:6379 and `wrk`.
"""

import argparse

from bench import scale_records, scale_registry

PARTS = {"registry": scale_registry.main, "records": scale_records.main}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated parts")
    args = parser.parse_args()
    for name in args.only.split(","):
        PARTS[name]([])


if __name__ == "__main__":
    main()
