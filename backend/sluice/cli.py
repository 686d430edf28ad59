"""The `sluice` command: serve, migrate, create-superuser, rotate-key, demo, test, export,
import, sdk-stubs.

`sluice serve` migrates the store, creates the first superuser on an empty store (and, with
LOAD_DEMO, loads the demo there) and serves. `sluice demo` loads the demo shop and its APIs
into the store; `--source NAME=URL` also fills a PostgreSQL or MySQL/MariaDB database with
the shop and registers it as a data source. `sluice test` runs the APIs' test cases.
`sluice export` writes the definitions as YAML (a file, a folder with a file per module,
or `-` for stdout) and `sluice import` applies such a file to the store, all or nothing.
`sluice sdk-stubs MODULE` writes typed Python wrappers of a module's published APIs.
"""

import argparse
import asyncio
import getpass
import os
import secrets
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn
from sqlmodel import Session

from sluice.config import Settings, get_settings
from sluice.db import hold_store_lock, make_engine, migrate
from sluice.demo.load import load_demo
from sluice.demo.printout import demo_text
from sluice.demo.sources import DemoSource, parse_source
from sluice.errors import SluiceError
from sluice.models.api_test import RunReport
from sluice.models.user import User, UserCreate
from sluice.observability.logging import configure_logging, log_config
from sluice.security import Keyring, SecretUndecryptable, new_encryption_key
from sluice.services import exchange
from sluice.services.api_tests import Compiling, plan, run_standalone, select_apis
from sluice.services.common import count
from sluice.services.junit import junit_xml
from sluice.services.keys import rotate_keys
from sluice.services.publish_gate import Gatekeeper
from sluice.services.scripts import script_modules
from sluice.services.sdk_stubs import module_stubs
from sluice.services.users import create_user, ensure_first_superuser
from sluice.serving import PROTOCOL


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sluice", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="migrate, create the first superuser, serve")
    serve.add_argument("--host", help="default: HOST, else 127.0.0.1")
    serve.add_argument("--port", type=int, help="default: PORT, else 8000")
    serve.add_argument("--workers", type=int, help="default: WEB_CONCURRENCY, else 1")

    commands.add_parser("migrate", help="bring the app store to the newest schema")

    superuser = commands.add_parser("create-superuser", help="create a superuser account")
    superuser.add_argument("--email", required=True)
    superuser.add_argument("--password", help="asked for when omitted")

    rotate = commands.add_parser(
        "rotate-key", help="re-encrypt data-source passwords and webhook secrets"
    )
    rotate.add_argument(
        "--generate", action="store_true", help="only print a new key to add to the keyring"
    )

    demo = commands.add_parser("demo", help="load the demo data source and its APIs")
    demo.add_argument(
        "--source",
        action="append",
        default=[],
        type=_demo_source,
        metavar="NAME=URL",
        help="also fill this PostgreSQL or MySQL/MariaDB database and register it as NAME",
    )
    test = commands.add_parser("test", help="run the APIs' test cases; exits 1 when one fails")
    test.add_argument("--module", help="only this module's APIs (its name)")
    test.add_argument("--api", type=int, help="only this API (its id)")
    test.add_argument(
        "--published", action="store_true", help="run the live versions, not the drafts"
    )
    test.add_argument("--junit", type=Path, metavar="FILE", help="also write a JUnit XML report")

    export = commands.add_parser("export", help="write the definitions as YAML")
    export.add_argument(
        "--module", action="append", default=[], metavar="NAME", help="only this module"
    )
    export.add_argument(
        "file", metavar="FILE", help="a .yaml file, a folder (ending in / or existing), or -"
    )

    load = commands.add_parser("import", help="apply a definitions file to the store")
    load.add_argument("file", metavar="FILE", help="a .yaml file, a folder, or - for stdin")
    load.add_argument("--dry-run", action="store_true", help="report the plan, change nothing")
    load.add_argument(
        "--prune", action="store_true", help="also delete what the file does not hold"
    )
    load.add_argument(
        "--force",
        metavar="REASON",
        help="publish past failing test cases of modules that require them to pass",
    )

    stubs = commands.add_parser(
        "sdk-stubs", help="write typed Python wrappers of a module's published APIs"
    )
    stubs.add_argument("module", help="the module's name")
    stubs.add_argument(
        "-o", "--output", default="-", help="the file to write (default: standard output)"
    )

    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.LOG_LEVEL)
    try:
        if args.command == "serve":
            return serve_command(
                settings,
                args.host or settings.HOST,
                args.port or settings.PORT,
                args.workers or settings.WEB_CONCURRENCY,
            )
        if args.command == "migrate":
            migrate(settings.database_url)
            return 0
        if args.command == "rotate-key":
            return rotate_key_command(settings, args.generate)
        if args.command == "demo":
            return demo_command(settings, args.source)
        if args.command == "test":
            return run_tests_command(settings, args.module, args.api, args.published, args.junit)
        if args.command == "export":
            return export_command(settings, args.module, args.file)
        if args.command == "import":
            return import_command(settings, args.file, args.dry_run, args.prune, args.force)
        if args.command == "sdk-stubs":
            return sdk_stubs_command(settings, args.module, args.output)
        return create_superuser_command(settings, args.email, args.password)
    except SluiceError as exc:
        sys.stderr.write(f"error: {exc.message}\n")
        return 1


def bootstrap(settings: Settings, base_url: str) -> None:
    """Migrate the store; on a store with no user yet, create the first superuser, and
    with LOAD_DEMO load the demo there (an empty store only: a store someone uses is
    never given demo objects). It runs once, in the parent process, before any worker;
    replicas started together take turns on the store's lock (db.hold_store_lock).

    Without FIRST_SUPERUSER_PASSWORD (allowed only in local mode) a password is generated
    and printed once: it is not kept anywhere else. The demo client's secret is printed
    beside it, once too.
    """
    settings.secret_key  # noqa: B018  (creates the local key file before workers start)
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        hold_store_lock(session.connection())  # until the superuser is committed, or not
        if count(session, User) == 0:
            password = settings.FIRST_SUPERUSER_PASSWORD or secrets.token_urlsafe(12)
            ensure_first_superuser(session, settings.FIRST_SUPERUSER, password)
            if not settings.FIRST_SUPERUSER_PASSWORD:
                sys.stdout.write(
                    f"\nFirst superuser: {settings.FIRST_SUPERUSER}\n"
                    f"Password (shown once, change it after logging in): {password}\n\n"
                )
            if settings.LOAD_DEMO:
                sys.stdout.write(_load_demo(session, settings, base_url) + "\n")
            sys.stdout.flush()
    engine.dispose()


def _load_demo(session: Session, settings: Settings, base_url: str) -> str:
    """The demo's printout; a failure does not stop the server from starting (the admin
    password was printed already), and `sluice demo` finishes what was left undone."""
    try:
        return demo_text(load_demo(session, settings), base_url)
    except SluiceError as exc:
        session.rollback()
        return f"The demo was not loaded ({exc.message}); run `sluice demo` to load it.\n"


def server_url(host: str, port: int) -> str:
    """The address to print for a server listening on host:port (a wildcard address is
    reached through the loopback one)."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


WORKER_HEALTHCHECK_SECONDS = 30
"""How long uvicorn's supervisor waits for a worker's answer before killing it. A new
worker answers only once it has imported this module again (spawned processes do), which
took over 10 s on a loaded 2-core host: uvicorn's 5 s killed every worker in a loop."""


def serve_command(settings: Settings, host: str, port: int, workers: int) -> int:
    bootstrap(settings, server_url(host, port))
    if workers > 1:
        share_metrics(settings.DATA_DIR / "metrics")
    uvicorn.run(
        "sluice.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=log_config(settings.LOG_LEVEL),
        access_log=False,
        proxy_headers=False,  # the gateway reads X-Forwarded-For itself (TRUSTED_PROXY_COUNT)
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        http=PROTOCOL,  # httptools with a cap on the request head (MAX_REQUEST_HEADER_BYTES)
    )
    return 0


def share_metrics(folder: Path) -> None:
    """Let the workers add up their metrics: prometheus_client's multiprocess mode, which
    each worker enters when it imports prometheus_client with PROMETHEUS_MULTIPROC_DIR
    set. The folder is emptied first, so a previous run's counts do not come back."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder.resolve())


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


def _demo_source(text: str) -> DemoSource:
    try:
        return parse_source(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


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


if __name__ == "__main__":
    raise SystemExit(main())
