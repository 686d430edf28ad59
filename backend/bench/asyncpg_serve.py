"""`sluice serve` (one process) with the PostgreSQL data sources on the asyncpg prototype
(`bench.asyncpg_connector`) instead of psycopg: the driver comparison of `bench.gateway`.

`python -m bench.asyncpg_serve serve --port N`, with the same environment as `sluice serve`.
"""

import sys

from bench.asyncpg_connector import AsyncpgConnector
from sluice.cli import main
from sluice.connectors.registry import KINDS

KINDS["postgres"] = AsyncpgConnector

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
