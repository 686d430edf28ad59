"""Every secret the store keeps sealed with the keyring, and their re-encryption.

`sluice rotate-key` calls `rotate_keys`, so a secret added to the store is rotated with
the others only once it is named there: a data source's password and an alert rule's
webhook secret, each bound to its row."""

from collections.abc import Callable
from typing import TypeVar

from sqlmodel import Session, select

from sluice.models.alert import AlertRule
from sluice.models.datasource import Datasource
from sluice.security import Keyring
from sluice.services import alerts, datasources

Sealing = TypeVar("Sealing", Datasource, AlertRule)


def rotate_keys(session: Session, keyring: Keyring) -> dict[str, int]:
    """Re-encrypt every sealed value with the newest key, in one transaction; how many
    changed per table. A value no key of the keyring opens raises `SecretUndecryptable`
    and nothing is written."""
    changed = {
        "datasource": _reseal(
            session, keyring, Datasource, "password_encrypted", datasources.bound_to
        ),
        "alert_rule": _reseal(session, keyring, AlertRule, "secret_encrypted", alerts.bound_to),
    }
    session.commit()
    return changed


def _reseal(
    session: Session,
    keyring: Keyring,
    model: type[Sealing],
    column: str,
    bound_to: Callable[[int], str],
) -> int:
    count = 0
    for row in session.exec(select(model)).all():
        sealed = getattr(row, column)
        if sealed is None or keyring.is_current(sealed):
            continue
        assert row.id is not None
        bound = bound_to(row.id)
        setattr(row, column, keyring.encrypt(keyring.decrypt(sealed, bound), bound))
        session.add(row)
        count += 1
    return count
