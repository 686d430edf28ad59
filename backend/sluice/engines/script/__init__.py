"""The script engine (user guide to be written)."""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sluice.engines.script.errors import (
        ScriptCompileError,
        ScriptConfigError,
        ScriptCrashed,
        ScriptError,
        ScriptRejected,
        ScriptResourceError,
        ScriptRuntimeError,
        ScriptTimeout,
    )
    from sluice.engines.script.host import (
        CacheBackend,
        Host,
        HttpPolicy,
        MemoryCache,
        RedisCache,
        describe_datasource,
    )
    from sluice.engines.script.limits import ScriptLimits
    from sluice.engines.script.sandbox import compile_script
    from sluice.engines.script.workers import Kind, ScriptOutcome, ScriptPool

_HOMES = {
    "errors": "ScriptCompileError ScriptConfigError ScriptCrashed ScriptError ScriptRejected"
    " ScriptResourceError ScriptRuntimeError ScriptTimeout",
    "host": "CacheBackend Host HttpPolicy MemoryCache RedisCache describe_datasource",
    "limits": "ScriptLimits",
    "sandbox": "compile_script",
    "workers": "Kind ScriptOutcome ScriptPool",
}
_EXPORTS = {name: home for home, names in _HOMES.items() for name in names.split()}


def __getattr__(name: str) -> Any:
    """Exports load lazily: a worker process imports this package too, and must not pay
    for (or hold) the connectors, Redis or HTTP clients the parent side uses."""
    home = _EXPORTS.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)


__all__ = [
    "CacheBackend",
    "Host",
    "HttpPolicy",
    "Kind",
    "MemoryCache",
    "RedisCache",
    "ScriptCompileError",
    "ScriptConfigError",
    "ScriptCrashed",
    "ScriptError",
    "ScriptLimits",
    "ScriptOutcome",
    "ScriptPool",
    "ScriptRejected",
    "ScriptResourceError",
    "ScriptRuntimeError",
    "ScriptTimeout",
    "compile_script",
    "describe_datasource",
]
