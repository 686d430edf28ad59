"""Alembic environment: runs the packaged migrations against the URL in the config.

`sluice migrate` and `sluice serve` pass the URL from Settings; plain `alembic` run from
backend/ gets it the same way through alembic.ini's default of Settings().
"""

from alembic import context
from sqlalchemy import engine_from_config, pool
from sqlmodel import SQLModel

from sluice.config import get_settings
from sluice.db import UPGRADE_ONLY, hold_store_lock

config = context.config
url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
if config.attributes.get(UPGRADE_ONLY):
    target_metadata = None  # an upgrade compares nothing with the models: not imported
else:
    import sluice.models  # noqa: F401  (registers every table on the metadata)

    target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(url=url, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        {"sqlalchemy.url": url}, prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            hold_store_lock(connection)  # a second instance waits, then finds nothing to do
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
