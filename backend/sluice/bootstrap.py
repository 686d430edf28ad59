"""What `sluice serve` does before its workers start: migrate the store and, on a new
one, create the first superuser (and with LOAD_DEMO, load the demo).

Apart from `sluice.cli` because each spawned worker imports `sluice.cli` again as its main
module: this is imported only by the serve process itself. It imports the store's models
only on a new store (a worker imports them with the app, with the garbage collector
paused; see `serving.worker_app`).
"""

import secrets
import sys

from sqlalchemy import literal, select, table
from sqlmodel import Session

from sluice.config import Settings
from sluice.db import hold_store_lock, make_engine, migrate
from sluice.errors import SluiceError


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
        if not _has_users(session):
            _first_start(session, settings, base_url)
    engine.dispose()


def _has_users(session: Session) -> bool:
    """Whether the store has a user, read without the models (the `user` table by name):
    on every start but the first, the serve process then imports no model, 0.3 s before
    its workers can start (they import the models with the app)."""
    found = session.connection().execute(select(literal(1)).select_from(table("user")).limit(1))
    return found.first() is not None


def _first_start(session: Session, settings: Settings, base_url: str) -> None:
    """The first superuser, printed with its password when it was generated, and with
    LOAD_DEMO the demo."""
    from sluice.services.users import ensure_first_superuser  # the models: a new store only

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


def _load_demo(session: Session, settings: Settings, base_url: str) -> str:
    """The demo's printout; a failure does not stop the server from starting (the admin
    password was printed already), and `sluice demo` finishes what was left undone."""
    from sluice.demo.load import load_demo  # only on a new store with LOAD_DEMO
    from sluice.demo.printout import demo_text

    try:
        return demo_text(load_demo(session, settings), base_url)
    except SluiceError as exc:
        session.rollback()
        return f"The demo was not loaded ({exc.message}); run `sluice demo` to load it.\n"
