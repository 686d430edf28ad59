"""The second layer: what one script may consume, enforced by the operating system.

The sandbox (`sandbox.py`) decides what a script may *reach*; this module decides how
much it may *use*. Inside each worker process, once it has imported everything it needs:

- RLIMIT_AS caps the address space (`memory_mb`): a memory bomb gets MemoryError.
- RLIMIT_CPU is armed per call at the CPU time used so far plus `cpu_s`; SIGXCPU then
  raises CpuLimitExceeded in the script, a BaseException no script can catch.
- RLIMIT_NPROC 0: no new process or thread (ignored for root, like every rlimit below
  that root may lift; the sandbox never exposes a way to fork anyway).
- RLIMIT_NOFILE at the highest descriptor already open: no new file or socket at all.
- RLIMIT_FSIZE 0 (no file grows) and RLIMIT_CORE 0 (no core dump).

The wall-clock deadline (`timeout_s`) is the parent's: it kills the worker (workers.py).
"""

import math
import os
import resource
import signal
import sys
from dataclasses import dataclass
from types import FrameType
from typing import Any

MIB = 1024 * 1024


@dataclass(frozen=True)
class ScriptLimits:
    timeout_s: float = 5.0
    cpu_s: float = 5.0
    memory_mb: int = 256
    max_output_bytes: int = 10 * MIB
    max_log_lines: int = 200
    max_log_line_chars: int = 2000
    recursion_limit: int = 400

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


class CpuLimitExceeded(BaseException):
    """Raised in the script when its CPU budget for this call is spent."""


def apply_process_limits(limits: ScriptLimits) -> None:
    """Lock the worker down; call once, after every import the worker will ever need."""
    sys.setrecursionlimit(limits.recursion_limit + 50)
    _limit(resource.RLIMIT_CORE, 0)
    _limit(resource.RLIMIT_FSIZE, 0)
    _limit(resource.RLIMIT_NPROC, 0)
    _limit(resource.RLIMIT_NOFILE, _highest_open_fd() + 1)
    _limit(resource.RLIMIT_AS, limits.memory_mb * MIB)
    signal.signal(signal.SIGXCPU, _cpu_exceeded)


def arm_cpu(limits: ScriptLimits) -> None:
    """Let this call use `cpu_s` more seconds of CPU (whole seconds, rounded up)."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = used.ru_utime + used.ru_stime
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = math.ceil(spent + limits.cpu_s)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def disarm_cpu() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))


def _cpu_exceeded(_signum: int, _frame: FrameType | None) -> None:
    raise CpuLimitExceeded()


def _limit(which: int, value: int) -> None:
    """Lower one limit (soft and hard); a limit already lower stays as it is."""
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    try:
        resource.setrlimit(which, (value, value))
    except (ValueError, OSError):  # pragma: no cover - a platform that refuses
        resource.setrlimit(which, (min(value, soft), hard))


def _highest_open_fd() -> int:
    """The highest descriptor still open (the listing's own descriptor is closed by now)."""
    for fd in sorted((int(name) for name in os.listdir("/proc/self/fd")), reverse=True):
        try:
            os.fstat(fd)
        except OSError:
            continue
        return fd
    return 2  # pragma: no cover
