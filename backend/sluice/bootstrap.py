"""What `sluice serve` does before its workers start: migrate the store and, on a new
one, create the first superuser (and with LOAD_DEMO, load the demo).

Apart from `sluice.cli` because each spawned worker imports `sluice.cli` again as its main
module: this, with the store's models, is imported only by the serve process itself (a
worker imports the models with the app, with the garbage collector paused; see
`serving.worker_app`).
"""

import secrets
import sys

from sqlmodel import Session

from sluice.config import Settings
from sluice.db import hold_store_lock, make_engine, migrate
from sluice.errors import SluiceError
from sluice.models.user import User
from sluice.services.common import count
from sluice.services.users import ensure_first_superuser


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
    from sluice.demo.load import load_demo  # only on a new store with LOAD_DEMO
    from sluice.demo.printout import demo_text

    try:
        return demo_text(load_demo(session, settings), base_url)
    except SluiceError as exc:
        session.rollback()
        return f"The demo was not loaded ({exc.message}); run `sluice demo` to load it.\n"
