"""What every step of an import shares: the one transaction, the options, the state the
steps build (ids by name, what is left to publish), the report and the audit entries, and
a service's refusal named by the object it concerns."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from sluice.config import Settings
from sluice.errors import SluiceError
from sluice.models.api import Api
from sluice.models.macro import Macro
from sluice.models.user import User
from sluice.security import Keyring, client_secret_key
from sluice.services import audit
from sluice.services.exchange.checks import Checked, SecretReader
from sluice.services.exchange.export import Current
from sluice.services.exchange.files import Source
from sluice.services.exchange.plan import Wanted
from sluice.services.exchange.problems import DefinitionsRefused, Problem
from sluice.services.exchange.schema import ApiDef, ImportReport, MacroBody, ModuleDef
from sluice.services.publish_gate import Gatekeeper

MESSAGE = "Imported"
"""The message of the versions an import publishes."""
ENV_KEYS = {"password_env", "secret_env"}
"""Where a secret comes from: input only, never compared (export cannot know it)."""


class OneTransaction(Session):
    """A session whose commit() only flushes. The services commit after each change they
    make; an import makes many that must land together or not at all, so it runs them in
    one of these and ends the one transaction itself (`end`)."""

    def commit(self) -> None:
        self.flush()

    def end(self, keep: bool) -> None:
        if keep:
            super().commit()
        else:
            self.rollback()


@dataclass(frozen=True)
class ImportOptions:
    settings: Settings
    keyring: Keyring
    user: User
    """Who imports: the audit log and the versions name them, and a module's test gate
    asks whether they may force it (`sluice import` is the operator: a superuser)."""
    keeper: Gatekeeper
    """Runs a gated module's test cases before an API of it is published."""
    read_secret: SecretReader
    dry_run: bool = False
    prune: bool = False
    force_reason: str | None = None
    """Publish past failing test cases, saying why (kept in the versions and the log)."""

    @property
    def actor(self) -> str:
        return self.user.email


def plain(definition: BaseModel | None, **extra: Any) -> dict[str, Any] | None:
    if definition is None:
        return None
    return definition.model_dump(mode="json", exclude=ENV_KEYS) | extra


def module_settings(module: ModuleDef) -> dict[str, Any]:
    return module.model_dump(mode="json", exclude={"macros", "apis"})


def same(a: BaseModel, b: BaseModel) -> bool:
    return plain(a) == plain(b)


def id_of(row: Any) -> int:
    value: int | None = row.id
    assert value is not None
    return value


class Steps:
    """The state of one import, and what each step records."""

    def __init__(
        self,
        session: OneTransaction,
        current: Current,
        wanted: Wanted,
        checked: Checked,
        options: ImportOptions,
        source: Source,
    ) -> None:
        self.session, self.current, self.wanted = session, current, wanted
        self.checked, self.options, self.source = checked, options, source
        self.report = ImportReport(dry_run=options.dry_run)
        self.ids: dict[str, dict[str, int]] = {
            kind: {key: id_of(entry.row) for key, entry in getattr(current, f"{kind}s").items()}
            for kind in ("datasource", "module", "macro", "api", "group", "client")
        }
        self.to_publish: list[tuple[Macro, MacroBody, str]] = []
        self.changed_apis: dict[str, tuple[Api, ApiDef, ApiDef | None]] = {}
        """APIs whose test cases and live version are set once clients exist."""
        self.client_key = client_secret_key(options.settings.secret_key)

    def _each(self, items: dict[str, Any], kind: str, apply: Callable[[str, Any], None]) -> None:
        for key in sorted(items):
            with self._about(f"{kind} {key}"):
                apply(key, items[key])

    @contextmanager
    def _about(self, label: str) -> Iterator[None]:
        """A service's refusal, named by the object it concerns."""
        try:
            yield
        except DefinitionsRefused:
            raise
        except SluiceError as exc:
            path = self.wanted.paths.get(label)
            place = self.source.place(path) if path is not None else None
            raise DefinitionsRefused([Problem(label, exc.message, place)]) from None

    def _unchanged(self, kind: str, key: str) -> None:
        self.report.unchanged.append(f"{kind} {key}")

    def _done(
        self,
        kind: str,
        key: str,
        row: Any,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        secret: str | None = None,
    ) -> None:
        """Report one change and write its one audit entry (an update lists only the
        fields that changed, as the admin API's entries do; `secret` names a secret that
        was set, shown masked)."""
        label = f"{kind} {key}"
        if before is None:
            action, listed = "create", self.report.created
        elif after is None:
            action, listed = "delete", self.report.deleted
        else:
            action, listed = "update", self.report.changed
            fields = [k for k in before.keys() | after.keys() if before.get(k) != after.get(k)]
            before = {k: before.get(k) for k in sorted(fields)}
            after = {k: after.get(k) for k in sorted(fields)}
        if secret is not None:
            for side in (before, after):
                if side is not None:
                    side[secret] = audit.MASK
        listed.append(label)
        audit.add(self.session, self.options.actor, (action, kind, id_of(row)), before, after)
