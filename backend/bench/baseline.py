"""The benchmark's baseline: a bare Starlette endpoint doing the gateway's query with the
same driver and pool, and nothing else (no auth, no limits, no records). Its connections
are in autocommit, so the query is one round trip, as the gateway's reads are.

`/items/{id}` answers one row, `/list/{id}` 200 rows from that id on.

Run by `bench.gateway` as `uvicorn bench.baseline:app`; reads its DSN from BENCH_PG_DSN.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import orjson
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

DSN = os.environ.get("BENCH_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
pool = AsyncConnectionPool(DSN, min_size=8, max_size=8, open=False, kwargs={"autocommit": True})


ITEM = "SELECT id, name, price::text AS price FROM bench_items WHERE id = %s"
LIST = "SELECT id, name, price::text AS price FROM bench_items WHERE id >= %s ORDER BY id LIMIT 200"


async def rows(sql: str, request: Request) -> Response:
    async with pool.connection() as connection, connection.cursor(row_factory=dict_row) as cursor:
        await cursor.execute(sql, [int(request.path_params["id"])])
        found = await cursor.fetchall()
    return Response(
        orjson.dumps({"success": True, "message": None, "data": found}),
        media_type="application/json",
    )


async def item(request: Request) -> Response:
    return await rows(ITEM, request)


async def listing(request: Request) -> Response:
    """200 rows: the price as text, as the gateway's value rules give it."""
    return await rows(LIST, request)


@asynccontextmanager
async def lifespan(_: Starlette) -> AsyncIterator[None]:
    await pool.open()
    yield
    await pool.close()


app = Starlette(
    routes=[Route("/items/{id:int}", item), Route("/list/{id:int}", listing)], lifespan=lifespan
)
