"""The `sluice` command: serve, migrate, create-superuser, rotate-key, demo, test, export,
import, sdk-stubs.

`sluice serve` migrates the store, creates the first superuser on an empty store (and, with
LOAD_DEMO, loads the demo there) and serves. `sluice demo` loads the demo shop and its APIs
into the store; `--source NAME=URL` also fills a PostgreSQL or MySQL/MariaDB database with
the shop and registers it as a data source. `sluice test` runs the APIs' test cases.
`sluice export` writes the definitions as YAML (a file, a folder with a file per module,
or `-` for stdout) and `sluice import` applies such a file to the store, all or nothing.
`sluice sdk-stubs MODULE` writes typed Python wrappers of a module's published APIs.

This module imports next to nothing: each worker of `sluice serve --workers N` is a
spawned process that imports it again as its main module, before it imports the app with
the garbage collector paused (`serving.worker_app`). What `serve` does before it starts
the workers is `sluice.bootstrap`; the other commands are `sluice.commands`; each is
imported when it runs.
"""

import argparse
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import uvicorn

from sluice.config import Settings, get_settings
from sluice.errors import SluiceError
from sluice.observability.logging import configure_logging, log_config
from sluice.serving import APP, PROTOCOL

if TYPE_CHECKING:
    from sluice.demo.sources import DemoSource


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
            from sluice.db import migrate  # see the module's docstring

            migrate(settings.database_url)
            return 0
        return other_command(settings, args)
    except SluiceError as exc:
        sys.stderr.write(f"error: {exc.message}\n")
        return 1


def other_command(settings: Settings, args: argparse.Namespace) -> int:
    """A command other than `serve` and `migrate` (see `sluice.commands`)."""
    from sluice import commands  # not imported by serve's workers

    if args.command == "rotate-key":
        return commands.rotate_key_command(settings, args.generate)
    if args.command == "demo":
        return commands.demo_command(settings, args.source)
    if args.command == "test":
        return commands.run_tests_command(
            settings, args.module, args.api, args.published, args.junit
        )
    if args.command == "export":
        return commands.export_command(settings, args.module, args.file)
    if args.command == "import":
        return commands.import_command(settings, args.file, args.dry_run, args.prune, args.force)
    if args.command == "sdk-stubs":
        return commands.sdk_stubs_command(settings, args.module, args.output)
    return commands.create_superuser_command(settings, args.email, args.password)


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
    from sluice.bootstrap import bootstrap  # not imported by the workers (see the module)

    bootstrap(settings, server_url(host, port))
    if workers > 1:
        share_metrics(settings.DATA_DIR / "metrics")
    uvicorn.run(
        APP,
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


def _demo_source(text: str) -> "DemoSource":
    from sluice.demo.sources import parse_source  # only for `demo --source`

    try:
        return parse_source(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


if __name__ == "__main__":
    raise SystemExit(main())
