"""The garbage collector's view of a worker's long-lived objects.

A worker holds a few hundred thousand objects made at startup (imported modules, FastAPI's
routes and models, the registry) that live as long as the process. CPython's oldest
generation is collected by scanning every tracked object, and it is collected whenever
objects that survived two collections have grown by a quarter: under load that is every
few seconds, and each pass measured 60-370 ms on the 2-core bench host, a pause of the
event loop that every call in flight waits out (it was the gateway's p99: a cache hit's
p99 was six times the bare endpoint's, its median level). `gc.freeze()` moves what exists
once the worker is ready into a permanent generation that collections skip, so a pass
scans only what was made since.

The price: a reference cycle among frozen objects is not collected while they are frozen.
Startup objects live for the whole process anyway; a registry replaced by a full rebuild
is freed by reference counting, which freezing does not stop (only its cyclic parts, if
any, wait). At shutdown everything is unfrozen again, so a process that starts and stops
the app many times (the test suite) gets its garbage back.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def startup_objects_frozen() -> Iterator[None]:
    """Collect the garbage of startup (imports, migrations, the first registry load's
    temporaries), freeze what is left for the life of the block, then unfreeze."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
