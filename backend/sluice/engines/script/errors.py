"""The script engine's errors: what a caller of `ScriptPool.run` may see.

A script that does not compile is a 422 at save time, naming the line. Anything that goes
wrong while it runs names the script's line too (or the macro's), the exception type and
its message; the message is the script's own words and safe to show its author.
"""

from sluice.errors import BadRequest, SluiceError, Unprocessable


class ScriptError(SluiceError):
    """The script failed at run time: an exception it did not catch, a limit, a crash."""

    status = 500
    code = "script_error"

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        where: str | None = None,
        error_type: str | None = None,
        logs: list[str] | None = None,
    ) -> None:
        super().__init__(_located(message, line, where))
        self.reason = message
        self.line = line
        self.where = where
        self.error_type = error_type
        self.logs = logs or []


class ScriptCompileError(Unprocessable):
    """The script (or a macro it imports) does not compile or breaks the sandbox rules."""

    def __init__(self, message: str, *, line: int | None = None, where: str | None = None):
        super().__init__(_located(message, line, where))
        self.reason = message
        self.line = line
        self.where = where


class ScriptRejected(BadRequest):
    """A validation script refused the parameters; the message is the script's."""

    def __init__(self, message: str, *, logs: list[str] | None = None) -> None:
        super().__init__(message)
        self.logs = logs or []


class ScriptRuntimeError(ScriptError):
    """The script raised an exception it did not catch."""


class ScriptTimeout(ScriptError):
    """The script ran past its wall-clock deadline; its worker was killed and replaced."""

    status = 504
    code = "timeout"


class ScriptResourceError(ScriptError):
    """The script used more CPU time, memory or output than its limits allow."""

    code = "script_limit"


class ScriptCrashed(ScriptError):
    """The worker process died during the call (a signal, a fatal error); it is replaced."""


class ScriptConfigError(SluiceError):
    """The engine's settings cannot work (an extra module that may never be exposed)."""

    code = "script_config_error"


def _located(message: str, line: int | None, where: str | None) -> str:
    place = where if where not in (None, "<script>") else ""
    if line is not None:
        place = f"{place} line {line}" if place else f"line {line}"
    return f"{place}: {message}" if place else message
