"""Script engine fixtures: real worker pools, shared by the session where they can be.

Pools are loop-agnostic, so one session pool serves every anyio test. Limits are small so
hostile scripts end quickly: 1.5 s wall clock, 128 MiB, 1 MB of output. A last check
makes sure no worker process outlives the session.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sluice.engines.script.limits import ScriptLimits
from sluice.engines.script.workers import ScriptPool

TEST_LIMITS = ScriptLimits(timeout_s=1.5, cpu_s=10, memory_mb=128, max_output_bytes=1_000_000)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def our_workers() -> list[int]:
    """Live worker processes started by this test process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        state = stat.rsplit(")", 1)[1].split()[0]
        if b"sluice.engines.script.child" in cmdline and parent == os.getpid() and state != "Z":
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="session", autouse=True)
def no_worker_outlives_the_session() -> Iterator[None]:
    yield
    assert our_workers() == []


@pytest.fixture(scope="session")
def pool() -> Iterator[ScriptPool]:
    """Three warm workers for the session."""
    script_pool = ScriptPool(TEST_LIMITS, size=3)
    script_pool.start()
    yield script_pool
    script_pool.close()


@pytest.fixture
def own_pool() -> Iterator[ScriptPool]:
    """A private pool of two, for tests that kill workers or change limits."""
    script_pool = ScriptPool(TEST_LIMITS, size=2)
    script_pool.start()
    yield script_pool
    script_pool.close()
