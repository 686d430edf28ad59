"""The sandbox policy, in one place. Every escape we know of has a test in
`tests/engines/script/test_attacks.py`.

A script is compiled by RestrictedPython with `ScriptPolicy`, which refuses at compile
time: names and attributes starting with `_`, the frame/code/generator internals
(`gi_frame`, `f_globals`, `tb_frame`, ...), `mro`, `format` and `format_map` (the
`'{0.__class__}'.format(x)` walk), `exec`/`eval`, `async`, `nonlocal`, `try/except*`,
`match`, and imports of anything but the allowed modules and `macros`. A bare `except:`
is compiled as `except Exception:`, so the limits' BaseException cannot be swallowed.

At run time the hooks RestrictedPython inserts are ours:
- `_getattr_` (and the `getattr`/`hasattr` builtins): the same name rules, and never a
  module object, frame, code object or traceback as the answer;
- `_getitem_`: never a module object, frame, code object or traceback either;
- `_write_`: a script may change dicts, lists, bytearrays and its own class instances,
  nothing else (not a facade, a builtin type, a function);
- `_getiter_`, `_unpack_sequence_`, `_iter_unpack_sequence_`, `_inplacevar_`, `_apply_`:
  plain Python semantics (there is nothing to hide behind iteration);
- `_print_`: print() lines are captured as log lines; `print(file=...)` is refused;
- `__import__`: an allowed module answers its curated facade (`Facade`), never a module;
  `macros` answers the caller's macros, compiled with this same policy.

Builtins are SAFE_BUILTINS: no `open`, `type`, `object`, `vars`, `dir`, `globals`,
`locals`, `compile`, `exec`, `eval`, `__import__` (but through `import`), `super`,
`memoryview`, `breakpoint`, `input`, `help`, `exit`.

Resource limits are the second layer (`limits.py`, `workers.py`).
"""

import ast
import base64
import builtins
import datetime
import decimal
import hashlib
import importlib
import json
import math
import operator
import random
import re
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import CodeType, FrameType, ModuleType, TracebackType
from typing import Any

from RestrictedPython.compile import compile_restricted_exec
from RestrictedPython.transformer import RestrictingNodeTransformer

from sluice.engines.script.errors import ScriptCompileError, ScriptConfigError

SCRIPT_FILENAME = "<script>"
MACRO_PACKAGE = "macros"

DENIED_ATTRIBUTES = frozenset(
    {
        "format",
        "format_map",
        "mro",
        "gi_frame",
        "gi_code",
        "gi_yieldfrom",
        "cr_frame",
        "cr_code",
        "cr_await",
        "cr_origin",
        "ag_frame",
        "ag_code",
        "ag_await",
        "f_back",
        "f_builtins",
        "f_code",
        "f_globals",
        "f_locals",
        "f_trace",
        "f_generator",
        "tb_frame",
        "tb_next",
        "co_code",
        "func_globals",
        "func_code",
    }
)
"""Attribute names a script may never read, besides every name starting with `_`."""

HIDDEN_TYPES = (ModuleType, FrameType, CodeType, TracebackType)
"""What no attribute or item read may ever hand a script."""

DEFAULT_MODULES = tuple("math json datetime decimal re random uuid hashlib base64".split())

REFUSED_MODULES = frozenset(
    """os posix nt sys builtins importlib imp subprocess ctypes cffi pickle marshal shelve
    dbm copyreg io pathlib shutil tempfile glob fnmatch fileinput socket ssl select selectors
    asyncio threading _thread multiprocessing concurrent signal resource gc inspect dis
    code codeop types operator functools string weakref traceback linecache tracemalloc
    faulthandler atexit runpy pkgutil zipimport site sysconfig logging codecs mmap pty tty
    termios fcntl pwd grp platform webbrowser http urllib ftplib smtplib sqlite3 zipfile
    tarfile gzip bz2 lzma ast symtable tokenize pdb bdb trace timeit cProfile profile
    RestrictedPython sluice""".split()
)
"""Modules that can never be allow-listed: each reaches files, processes, the network,
the interpreter, or attributes by a computed name (operator.attrgetter, string.Formatter)."""

DENIED_MEMBERS = frozenset(
    {"Formatter", "attrgetter", "methodcaller", "open", "system", "getnode", "uuid1"}
)
"""Members left out of any module facade, whatever the module (`uuid.getnode` may run a
program to find the MAC address)."""

_CONSTANT_TYPES = (int, float, complex, str, bytes, bool, type(None))


class SandboxError(Exception):
    """A script reached for something the sandbox does not allow."""


class Facade:
    """A read-only namespace standing in for a module: only the names it was given."""

    __slots__ = ("_facade_name", "_facade_items")

    def __init__(self, name: str, items: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_facade_name", name)
        object.__setattr__(self, "_facade_items", dict(items))

    def __getattr__(self, name: str) -> Any:
        try:
            return self._facade_items[name]
        except KeyError:
            raise AttributeError(f"{self._facade_name} has no {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise SandboxError(f"{self._facade_name} is read-only")

    def __delattr__(self, name: str) -> None:
        raise SandboxError(f"{self._facade_name} is read-only")

    def __repr__(self) -> str:
        return f"<{self._facade_name}>"


# -- compile time ------------------------------------------------------------------------


class ScriptPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus our denied attributes and an uncatchable limit."""

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        if node.attr in DENIED_ATTRIBUTES:
            self.error(node, f'"{node.attr}" is not available to scripts.')
        return super().visit_Attribute(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> Any:
        if node.type is None:
            node.type = ast.copy_location(ast.Name("Exception", ast.Load()), node)
        return super().visit_ExceptHandler(node)


def compile_script(
    source: str, *, filename: str = SCRIPT_FILENAME, modules: Iterable[str] = DEFAULT_MODULES
) -> CodeType:
    """The script's code object, or ScriptCompileError naming the first problem's line."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = _parse(source, filename)
        _check_imports(tree, frozenset(modules), filename)
        result = compile_restricted_exec(tree, filename=filename, policy=ScriptPolicy)
    if result.errors or result.code is None:
        raise _compile_error(result.errors[0] if result.errors else "cannot compile", filename)
    return result.code


def _parse(source: str, filename: str) -> ast.Module:
    try:
        return ast.parse(source, filename, "exec")
    except SyntaxError as error:
        raise ScriptCompileError(
            f"SyntaxError: {error.msg}", line=error.lineno, where=filename
        ) from None


def _check_imports(tree: ast.Module, modules: frozenset[str], filename: str) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for name in _imported(node):
                if not _importable(name, modules):
                    raise ScriptCompileError(
                        f"module {name!r} is not available to scripts",
                        line=node.lineno,
                        where=filename,
                    )


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return [("." * node.level) + (node.module or "")]


def _importable(name: str, modules: frozenset[str]) -> bool:
    return name in modules or name == MACRO_PACKAGE or name.startswith(MACRO_PACKAGE + ".")


_LINE = re.compile(r"^Line (\d+): (.*)$", re.DOTALL)


def _compile_error(message: str, filename: str) -> ScriptCompileError:
    match = _LINE.match(message)
    if match is None:
        return ScriptCompileError(message, where=filename)
    return ScriptCompileError(match.group(2), line=int(match.group(1)), where=filename)


# -- run time: the hooks -----------------------------------------------------------------

_MISSING = object()


def check_name(name: object) -> str:
    if not isinstance(name, str):
        raise TypeError("attribute name must be a string")
    if name.startswith("_") or name in DENIED_ATTRIBUTES:
        raise SandboxError(f"access to {name!r} is not allowed")
    return name


def check_value(value: Any) -> Any:
    if isinstance(value, HIDDEN_TYPES):
        raise SandboxError(f"a {type(value).__name__} object is not available to scripts")
    return value


def guarded_getattr(obj: Any, name: str, default: Any = _MISSING) -> Any:
    """`obj.name` for a script: `_getattr_` and the `getattr` builtin."""
    check_name(name)
    check_value(obj)
    if default is _MISSING:
        return check_value(getattr(obj, name))
    return check_value(getattr(obj, name, default))


def guarded_hasattr(obj: Any, name: str) -> bool:
    try:
        guarded_getattr(obj, name)
    except (AttributeError, SandboxError):
        return False
    return True


def guarded_getitem(obj: Any, key: Any) -> Any:
    return check_value(obj[key])


def guarded_write(obj: Any) -> Any:
    """What `obj.x = ...`, `obj[k] = ...` and `del` may change."""
    if isinstance(obj, dict | list | bytearray) or is_script_object(obj):
        return obj
    raise SandboxError(f"a {type(obj).__name__} cannot be changed by a script")


def is_script_object(obj: Any) -> bool:
    return getattr(type(obj), "_sluice_script_class", False) is True


def script_class(name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> type:
    """Every `class` statement of a script goes through here (`__metaclass__`)."""
    namespace["_sluice_script_class"] = True
    return type(name, bases, namespace)


_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
    "**=": operator.ipow,
    "<<=": operator.ilshift,
    ">>=": operator.irshift,
    "|=": operator.ior,
    "^=": operator.ixor,
    "&=": operator.iand,
    "@=": operator.imatmul,
}


def inplace(op: str, target: Any, value: Any) -> Any:
    return _INPLACE[op](target, value)


def unpack_sequence(value: Any, spec: Mapping[str, Any], getiter: Callable[[Any], Any]) -> Any:
    """`a, (b, c) = value` with every nested sequence read through `getiter`."""
    items = list(getiter(value))
    if len(items) < spec["min_len"]:
        return items  # Python's own unpacking raises the usual ValueError
    for index, child in spec["childs"]:
        items[index] = unpack_sequence(items[index], child, getiter)
    return items


def iter_unpack_sequence(
    value: Any, spec: Mapping[str, Any], getiter: Callable[[Any], Any]
) -> Iterator[Any]:
    for item in getiter(value):
        yield unpack_sequence(item, spec, getiter)


def apply(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


class Printer:
    """What `print` compiles to: each call appends text to the call's log."""

    def __init__(self, emit: Callable[[str], None]) -> None:
        self._emit = emit
        self._parts: list[str] = []

    def _call_print(self, *objects: Any, sep: str = " ", end: str = "\n", **kwargs: Any) -> None:
        if kwargs.get("file") is not None:
            raise SandboxError("print(file=...) is not available to scripts")
        text = str(sep).join(str(item) for item in objects) + str(end)
        self._parts.append(text)
        self._emit(text)

    def __call__(self) -> str:
        return "".join(self._parts)


def printer_factory(emit: Callable[[str], None]) -> Callable[[Any], Printer]:
    def make(_getattr_hook: Any = None) -> Printer:
        return Printer(emit)

    return make


# -- facades -----------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} has no JSON form")


def json_loads(text: str | bytes) -> Any:
    return json.loads(text)


def json_dumps(value: Any, *, indent: int | None = None, sort_keys: bool = False) -> str:
    return json.dumps(
        value, indent=indent, sort_keys=sort_keys, ensure_ascii=False, default=_json_default
    )


_CURATED: dict[str, dict[str, Any]] = {
    "json": {"loads": json_loads, "dumps": json_dumps},
    "datetime": {
        name: getattr(datetime, name)
        for name in ("date", "datetime", "time", "timedelta", "timezone", "MINYEAR", "MAXYEAR")
    },
    "decimal": {
        name: getattr(decimal, name)
        for name in dir(decimal)
        if name.startswith("ROUND_")
        or name in ("Decimal", "InvalidOperation", "DivisionByZero", "DecimalException")
    },
    "re": {
        name: getattr(re, name)
        for name in "compile search match fullmatch findall finditer sub subn split escape error"
        " IGNORECASE I MULTILINE M DOTALL S VERBOSE X ASCII A".split()
    },
    "math": {},
    "random": {},
    "uuid": {},
    "hashlib": {},
    "base64": {},
}
_LIBRARY: dict[str, ModuleType] = {
    "math": math,
    "random": random,
    "uuid": uuid,
    "hashlib": hashlib,
    "base64": base64,
}


def module_facade(name: str) -> Facade:
    """The facade a script gets for `import name`; ScriptConfigError when it may not."""
    if name in REFUSED_MODULES or name.split(".")[0] in REFUSED_MODULES:
        raise ScriptConfigError(f"module {name!r} can never be exposed to scripts")
    if _CURATED.get(name):
        return Facade(name, _CURATED[name])
    module = _LIBRARY.get(name) or _import(name)
    return Facade(name, public_members(module))


def _import(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise ScriptConfigError(f"module {name!r} cannot be imported: {error}") from None


def public_members(module: ModuleType) -> dict[str, Any]:
    """A module's public callables and plain constants; never a module, never a mutable
    object (a list, a dict, a file) that calls could share or leak through."""
    members: dict[str, Any] = {}
    for name in dir(module):
        if name.startswith("_") or name in DENIED_MEMBERS:
            continue
        value = getattr(module, name)
        if isinstance(value, ModuleType):
            continue
        if callable(value) or isinstance(value, _CONSTANT_TYPES):
            members[name] = value
    return members


def module_facades(modules: Iterable[str]) -> dict[str, Facade]:
    return {name: module_facade(name) for name in modules}


# -- the globals of one run --------------------------------------------------------------

SAFE_BUILTIN_NAMES = """abs all any ascii bin bool bytearray bytes callable chr complex dict
divmod enumerate filter float frozenset hash hex id int isinstance issubclass iter len list
map max min next oct ord pow range repr reversed round set slice sorted str sum tuple zip
None True False ArithmeticError AssertionError AttributeError Exception IndexError KeyError
LookupError NameError NotImplementedError OverflowError RecursionError RuntimeError
StopIteration TypeError UnicodeError ValueError ZeroDivisionError""".split()

SAFE_BUILTINS: dict[str, Any] = {name: getattr(builtins, name) for name in SAFE_BUILTIN_NAMES}
SAFE_BUILTINS |= {
    "__build_class__": builtins.__build_class__,  # what a `class` statement calls
    "getattr": guarded_getattr,
    "hasattr": guarded_hasattr,
    "SandboxError": SandboxError,
}

_HOOKS: dict[str, Any] = {
    "__metaclass__": script_class,
    "__name__": "script",
    "_getattr_": guarded_getattr,
    "_getitem_": guarded_getitem,
    "_getiter_": iter,
    "_write_": guarded_write,
    "_inplacevar_": inplace,
    "_unpack_sequence_": unpack_sequence,
    "_iter_unpack_sequence_": iter_unpack_sequence,
    "_apply_": apply,
}

Importer = Callable[..., Any]


def script_globals(
    *, names: Mapping[str, Any], importer: Importer, emit: Callable[[str], None]
) -> dict[str, Any]:
    """Fresh globals for one run of one script (or macro): nothing is shared between calls
    but immutable builtins and facades."""
    scope: dict[str, Any] = dict(_HOOKS)
    scope["__builtins__"] = SAFE_BUILTINS | {"__import__": importer}
    scope["_print_"] = printer_factory(emit)
    scope.update(names)
    return scope


def make_importer(
    facades: Mapping[str, Facade], load_macros: Callable[[str, tuple[str, ...]], Any]
) -> Importer:
    """The `__import__` of one run: facades by name, `macros` through `load_macros`."""

    def guarded_import(
        name: str,
        _globals: Any = None,
        _locals: Any = None,
        fromlist: tuple[str, ...] | None = (),
        level: int = 0,
    ) -> Any:
        if level != 0:
            raise ImportError("relative imports are not available to scripts")
        if name == MACRO_PACKAGE or name.startswith(MACRO_PACKAGE + "."):
            return load_macros(name, tuple(fromlist or ()))
        facade = facades.get(name)
        if facade is None:
            raise ImportError(f"module {name!r} is not available to scripts")
        return facade

    return guarded_import


def macro_imports(source: str) -> list[str]:
    """The Python macros a script imports (`from macros import m`, `from macros.m import f`,
    `import macros.m`), so publishing can pin their versions."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == MACRO_PACKAGE:
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            MACRO_PACKAGE + "."
        ):
            names.add((node.module or "").split(".")[1])
        elif isinstance(node, ast.Import):
            names.update(
                a.name.split(".")[1] for a in node.names if a.name.startswith(MACRO_PACKAGE + ".")
            )
    return sorted(names)
