"""The `sluice` commands other than `serve`: migrate, create-superuser, rotate-key, demo,
test, export, import, sdk-stubs (see `sluice.cli`).

They live apart from `sluice.cli` because every worker of `sluice serve --workers N` is a
spawned process that imports `sluice.cli` again as its main module: what these commands
import (the demo, definitions exchange, test runner, SDK stubs) would be imported by each
worker for nothing.
"""

import asyncio
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlmodel import Session

from sluice.config import Settings
from sluice.db import make_engine, migrate
from sluice.demo.load import load_demo
from sluice.demo.printout import demo_text
from sluice.demo.sources import DemoSource
from sluice.models.api_test import RunReport
from sluice.models.user import User, UserCreate
from sluice.security import Keyring, SecretUndecryptable, new_encryption_key
from sluice.services import exchange
from sluice.services.api_tests import Compiling, plan, run_standalone, select_apis
from sluice.services.junit import junit_xml
from sluice.services.keys import rotate_keys
from sluice.services.publish_gate import Gatekeeper
from sluice.services.scripts import script_modules
from sluice.services.sdk_stubs import module_stubs
from sluice.services.users import create_user


def create_superuser_command(settings: Settings, email: str, password: str | None) -> int:
    migrate(settings.database_url)
    password = password or getpass.getpass("Password: ")
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        data = UserCreate(email=email, password=password, is_superuser=True)
        create_user(session, data)
    engine.dispose()
    sys.stdout.write(f"Superuser {email} created\n")
    return 0


def rotate_key_command(settings: Settings, generate: bool) -> int:
    """Re-encrypt every data-source password with the newest key of the keyring.

    To rotate: `sluice rotate-key --generate`, put the printed entry first in
    DATASOURCE_ENCRYPTION_KEY (keeping the old entries), restart, run `sluice rotate-key`,
    and then the old entries may be removed.
    """
    if generate:
        keyring = Keyring.from_settings(settings.secret_key, settings.DATASOURCE_ENCRYPTION_KEY)
        sys.stdout.write(f"{keyring.current + 1}:{new_encryption_key()}\n")
        return 0
    migrate(settings.database_url)
    keyring = Keyring.from_settings(settings.secret_key, settings.DATASOURCE_ENCRYPTION_KEY)
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            changed = rotate_keys(session, keyring)
    except SecretUndecryptable as exc:
        sys.stderr.write(f"error: {exc}; add the old key to DATASOURCE_ENCRYPTION_KEY\n")
        return 1
    finally:
        engine.dispose()
    sys.stdout.write(
        f"Re-encrypted {changed['datasource']} data-source password(s) and "
        f"{changed['alert_rule']} alert webhook secret(s) with key v{keyring.current}\n"
    )
    return 0


DEMO_URL = "http://127.0.0.1:8000"
"""Where `make run` serves; the printed curl commands start with it."""


def demo_command(settings: Settings, sources: Sequence[DemoSource]) -> int:
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            report = load_demo(session, settings, sources)
    finally:
        engine.dispose()
    sys.stdout.write(demo_text(report, DEMO_URL))
    return 0


def run_tests_command(
    settings: Settings, module: str | None, api_id: int | None, published: bool, junit: Path | None
) -> int:
    """Run the test cases of the drafts (or the live versions) against their data sources,
    every write rolled back; print each result and a summary. 0 when all pass, else 1."""
    migrate(settings.database_url)
    keyring = Keyring.from_settings(settings.secret_key, settings.DATASOURCE_ENCRYPTION_KEY)
    compiling = Compiling(settings, keyring, script_modules(settings))
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            apis = select_apis(session, module, api_id, published)
            cases = plan(session, apis, compiling, published=published)
    finally:
        engine.dispose()
    report = asyncio.run(run_standalone(cases, settings))
    sys.stdout.write(summary_of(report))
    if junit is not None:
        junit.write_bytes(junit_xml(report))
    return 1 if report.failed else 0


def summary_of(report: RunReport) -> str:
    """One line per test case (its failures below it), then the counts."""
    lines = []
    for result in report.results:
        mark = "ok  " if result.passed else "FAIL"
        where = f"{result.module}/{result.api_name}"
        lines.append(f"{mark}  {where}: {result.name} ({result.duration_ms:g} ms)")
        lines += [f"        {f.expectation}: {f.message}" for f in result.failures]
    total = report.passed + report.failed
    if not total:
        return "No test cases to run.\n"
    return "\n".join(
        [*lines, "", f"{report.passed} passed, {report.failed} failed ({total} test cases)", ""]
    )


def export_command(settings: Settings, modules: Sequence[str], file: str) -> int:
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            definitions = exchange.export_definitions(session, modules)
    finally:
        engine.dispose()
    if file == "-":
        sys.stdout.write(exchange.to_yaml(definitions))
        return 0
    path = Path(file)
    if file.endswith("/") or path.is_dir():
        written = exchange.write_folder(definitions, path)
    else:
        path.write_text(exchange.to_yaml(definitions), encoding="utf-8")
        written = [path]
    sys.stdout.write(f"Wrote {', '.join(str(p) for p in written)}\n")
    return 0


IMPORT_ACTOR = "sluice import"
"""Who the audit log and the version history name for what `sluice import` changes."""


def import_command(
    settings: Settings, file: str, dry_run: bool, prune: bool, force_reason: str | None
) -> int:
    """The operator imports: the environment variables the file names for secrets are this
    process's own (any but Sluice's settings), and the operator may force a module's test
    gate (`--force REASON`), as a superuser may."""
    source = (
        exchange.read_bytes(sys.stdin.buffer.read(), "stdin")
        if file == "-"
        else exchange.read_path(Path(file))
    )
    keyring = Keyring.from_settings(settings.secret_key, settings.DATASOURCE_ENCRYPTION_KEY)
    compiling = Compiling(settings, keyring, script_modules(settings))
    options = exchange.ImportOptions(
        settings=settings,
        keyring=keyring,
        user=User(email=IMPORT_ACTOR, hashed_password="", is_superuser=True),
        keeper=Gatekeeper(compiling, lambda cases: asyncio.run(run_standalone(cases, settings))),
        read_secret=lambda name: settings.import_secret(name, any_name=True),
        dry_run=dry_run,
        prune=prune,
        force_reason=force_reason,
    )
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        report = exchange.import_definitions(engine, source, options)
    finally:
        engine.dispose()
    sys.stdout.write(report.text())
    return 0


def sdk_stubs_command(settings: Settings, module: str, output: str) -> int:
    """Typed wrappers of the module's published APIs for the `sluice-client` SDK."""
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            text = module_stubs(session, module)
    finally:
        engine.dispose()
    if output == "-":
        sys.stdout.write(text)
    else:
        Path(output).write_text(text)
        sys.stdout.write(f"Wrote {output}: wrappers of module {module!r}'s published APIs\n")
    return 0
