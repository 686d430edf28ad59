"""Script engine overhead: a trivial script call through the worker pool.

Run from backend/: `python -m bench.scripts [-n 5000] [--concurrency 4] [--workers 2]`.
It times N calls of `def execute(params): return params["i"]` one at a time, then with
`--concurrency` tasks sharing the pool, and prints the median, p95 and p99 latency of a
call in milliseconds (and calls per second). The target is a median under 1 ms for the
sequential run on a 2-core machine.
"""

import argparse
import asyncio
import statistics
import time

from sluice.engines.script.limits import ScriptLimits
from sluice.engines.script.workers import ScriptPool

SCRIPT = 'def execute(params):\n    return params["i"]\n'


async def timed_calls(pool: ScriptPool, count: int) -> list[float]:
    latencies = []
    for i in range(count):
        started = time.perf_counter()
        outcome = await pool.run(SCRIPT, params={"i": i})
        latencies.append((time.perf_counter() - started) * 1000)
        assert outcome.value == i
    return latencies


async def scenario(pool: ScriptPool, count: int, concurrency: int) -> tuple[list[float], float]:
    per_task = max(1, count // concurrency)
    started = time.perf_counter()
    results = await asyncio.gather(*(timed_calls(pool, per_task) for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies = [latency for result in results for latency in result]
    return latencies, len(latencies) / elapsed


def report(name: str, latencies: list[float], rate: float) -> str:
    cuts = statistics.quantiles(latencies, n=100)
    median = statistics.median(latencies)
    return (
        f"{name:<16} n={len(latencies):<6} median={median:.3f} ms  p95={cuts[94]:.3f} ms"
        f"  p99={cuts[98]:.3f} ms  {rate:,.0f} calls/s"
    )


async def main(count: int, concurrency: int, workers: int) -> None:
    pool = ScriptPool(ScriptLimits(), size=workers)
    pool.start()
    try:
        await timed_calls(pool, 200)  # warm: every worker compiles the script once
        for name, tasks in (("sequential", 1), (f"concurrency {concurrency}", concurrency)):
            latencies, rate = await scenario(pool, count, tasks)
            print(report(name, latencies, rate))
    finally:
        pool.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    asyncio.run(main(options.n, options.concurrency, options.workers))
