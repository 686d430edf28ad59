"""Python's cyclic garbage collector and the objects a worker keeps for its whole life:
paused while a bulk of them is made, frozen out of its passes once the worker is ready.

Pausing: loading the registry of 10,000 APIs makes about a million objects that all survive; the
collector, run every 700 allocations, walks them again and again and found nothing to
free (measured: 60% of a full load's time). Reference counting still frees everything
as usual while it is paused; cycles made meanwhile are collected once it runs again.

Freezing: a worker holds a few hundred thousand objects made at startup (imported
modules, FastAPI's routes and models, the registry) that live as long as the process.
CPython's oldest generation is collected by scanning every tracked object, and it is
collected whenever objects that survived two collections have grown by a quarter: under
load that is every few seconds, and each pass measured 60-370 ms on the 2-core bench
host, a pause of the event loop that every call in flight waits out (it was the gateway's
p99: a cache hit's p99 was six times the bare endpoint's, its median level).
`gc.freeze()` moves what exists once the worker is ready into a permanent generation that
collections skip, so a pass scans only what was made since. No collection runs first:
startup runs with the collector paused and leaves next to no cyclic garbage (a full
collection there freed 10 objects and cost a third of a CPU second of every worker's
start). A reference cycle among frozen objects is not collected while they are frozen;
a registry replaced by a full rebuild is still freed by reference counting. At shutdown
everything is unfrozen and collected, so a process that starts and stops the app many
times (the test suite) gets its garbage back at once, not in a long pass mid-test.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside; nested and concurrent pauses (several apps in one
    process, each loading its registry in a thread) resume it when the last one ends,
    and only if it was running before the first."""
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()


@contextmanager
def startup_objects_frozen() -> Iterator[None]:
    """Freeze what exists for the life of the block (a worker's serving life), then
    unfreeze and collect: a process that starts and stops the app many times (the test
    suite) would otherwise carry what earlier runs left (frozen with the heap, garbage
    included) into one long full pass at some later, timed moment; at shutdown nobody
    waits on it."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.collect()
