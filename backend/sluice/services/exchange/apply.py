"""Import: a definitions file applied to the store, all or nothing.

The file is parsed and checked whole first (`parse`, `checks`); then every object is
created, changed or (with --prune) deleted through the same services the admin API uses,
so each rule of a change made by hand holds. All of it runs in one store transaction,
which a dry run rolls back: the plan it reports is what the import would do, found by
doing it. Each change writes one audit entry, in the file's terms.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Session

from sluice.config import Settings
from sluice.db import IMPORT_LOCK, hold_store_lock
from sluice.errors import SluiceError, Unprocessable
from sluice.models.api import Api, ApiCreate, ApiSettings, ApiUpdate, ModuleCreate, ModuleUpdate
from sluice.models.client import Client, ClientCreate, ClientUpdate, GroupCreate, GroupUpdate
from sluice.models.datasource import Datasource, DatasourceCreate, DatasourceUpdate
from sluice.models.macro import Macro, MacroCreate, MacroUpdate
from sluice.security import Keyring, client_secret_key, client_secret_matches
from sluice.services import apis, audit, clients, datasources, macros, modules, versions
from sluice.services.exchange.checks import Checked, SecretReader, check
from sluice.services.exchange.export import Current, read_current
from sluice.services.exchange.files import Source
from sluice.services.exchange.parse import parse
from sluice.services.exchange.plan import (
    Wanted,
    draft_body,
    live_body,
    macro_live,
    wanted_state,
)
from sluice.services.exchange.problems import DefinitionsRefused, Problem
from sluice.services.exchange.schema import (
    ApiBody,
    ApiDef,
    ClientDef,
    DatasourceDef,
    GroupDef,
    ImportReport,
    MacroBody,
    MacroDef,
    ModuleDef,
    NewClient,
)
from sluice.services.scripts import script_modules

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
    actor: str
    """Who the audit log and the versions name."""
    read_secret: SecretReader
    dry_run: bool = False
    prune: bool = False


def import_definitions(engine: Engine, source: Source, options: ImportOptions) -> ImportReport:
    """Apply the document, or DefinitionsRefused (nothing changed) listing its problems."""
    definitions = parse(source)
    with OneTransaction(engine) as session:
        hold_store_lock(session.connection(), IMPORT_LOCK)
        current = read_current(session)
        wanted = wanted_state(definitions, current, options.prune)
        modules_allowed = script_modules(options.settings)
        checked = check(
            wanted, current, source, options.settings, options.read_secret, modules_allowed
        )
        if checked.problems:
            raise DefinitionsRefused(checked.problems)
        report = Importer(session, current, wanted, checked, options, source).run()
        session.end(keep=not options.dry_run)
    return report


def _plain(definition: BaseModel | None, **extra: Any) -> dict[str, Any] | None:
    if definition is None:
        return None
    return definition.model_dump(mode="json", exclude=ENV_KEYS) | extra


def _settings(module: ModuleDef) -> dict[str, Any]:
    return module.model_dump(mode="json", exclude={"macros", "apis"})


def _same(a: BaseModel, b: BaseModel) -> bool:
    return _plain(a) == _plain(b)


def _id(row: Any) -> int:
    value: int | None = row.id
    assert value is not None
    return value


class Importer:
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
            kind: {key: _id(entry.row) for key, entry in getattr(current, f"{kind}s").items()}
            for kind in ("datasource", "module", "macro", "api", "group", "client")
        }
        self.to_publish: list[tuple[Macro, MacroBody, str]] = []
        self.client_key = client_secret_key(options.settings.secret_key)

    def run(self) -> ImportReport:
        self._delete("api")  # first: a new API may take the route of one the file drops
        self._each(self.wanted.datasources, "datasource", self._datasource)
        self._each(self.wanted.modules, "module", self._module)
        self._each(self.wanted.macros, "macro", self._macro)
        self._publish_macros()
        existing = {k: v for k, v in self.wanted.apis.items() if k in self.current.apis}
        self._each(existing, "api", self._api)  # first: a moved API frees its route
        self._each(
            {k: v for k, v in self.wanted.apis.items() if k not in existing}, "api", self._api
        )
        self._each(self.wanted.groups, "group", self._group)
        self._each(self.wanted.clients, "client", self._client)
        for kind in ("client", "group", "macro", "module", "datasource"):
            self._delete(kind)
        return self.report

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

    # --- the report and the audit log ------------------------------------------------

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
        audit.add(self.session, self.options.actor, (action, kind, _id(row)), before, after)

    # --- data sources and modules ----------------------------------------------------

    def _datasource(self, name: str, wanted: DatasourceDef) -> None:
        entry = self.current.datasources.get(name)
        password = self.checked.passwords.get(name)
        fields = wanted.model_dump(exclude=ENV_KEYS)
        keyring, settings = self.options.keyring, self.options.settings
        if entry is None:
            body = DatasourceCreate(**fields, password=password)
            row = datasources.create_datasource(self.session, body, keyring, settings)
            self.ids["datasource"][name] = _id(row)
            secret = "password" if password is not None else None
            self._done("datasource", name, row, None, _plain(wanted), secret)
            return
        new_password = password is not None and password != self._stored_password(entry.row)
        if _same(entry.definition, wanted) and not new_password:
            self._unchanged("datasource", name)
            return
        update = DatasourceUpdate(**fields, password=password if new_password else None)
        datasources.update_datasource(self.session, entry.row, update, keyring, settings)
        before, after = _plain(entry.definition), _plain(wanted)
        self._done(
            "datasource", name, entry.row, before, after, "password" if new_password else None
        )

    def _stored_password(self, row: Datasource) -> str | None:
        try:
            return datasources.stored_password(row, self.options.keyring)
        except Unprocessable:  # sealed with a key that is gone: set it again
            return None

    def _module(self, name: str, wanted: ModuleDef) -> None:
        entry = self.current.modules.get(name)
        fields = wanted.model_dump(exclude={"macros", "apis"})
        if entry is None:
            row = modules.create_module(self.session, ModuleCreate(**fields))
            self.ids["module"][name] = _id(row)
            self._done("module", name, row, None, _settings(wanted))
        elif _same(entry.definition, wanted):
            self._unchanged("module", name)
        else:
            modules.update_module(self.session, entry.row, ModuleUpdate(**fields))
            self._done("module", name, entry.row, _settings(entry.definition), _settings(wanted))

    # --- macros ----------------------------------------------------------------------

    def _macro(self, name: str, wanted: MacroDef) -> None:
        module = self.wanted.macro_modules[name]
        entry = self.current.macros.get(name)
        draft = {
            "kind": wanted.kind,
            "content": wanted.content,
            "description": wanted.description,
            "module_id": None if module is None else self.ids["module"][module],
        }
        live = macro_live(wanted)
        if entry is None:
            row = macros.create_macro(
                self.session, MacroCreate.model_validate(draft | {"name": name})
            )
            self.ids["macro"][name] = _id(row)
            if live is not None:
                self.to_publish.append((row, live, f"macro {name}"))
            self._done("macro", name, row, None, _plain(wanted, module=module))
            return
        if _same(entry.definition, wanted) and entry.module == module:
            self._unchanged("macro", name)
            return
        macros.update_macro(self.session, entry.row, MacroUpdate.model_validate(draft))
        if live is not None and live != macro_live(entry.definition):
            self.to_publish.append((entry.row, live, f"macro {name}"))
        before = _plain(entry.definition, module=entry.module)
        self._done("macro", name, entry.row, before, _plain(wanted, module=module))

    def _publish_macros(self) -> None:
        """Publish in whatever order lets each compile: a macro importing another waits
        until that one's new version is published."""
        pending = sorted(self.to_publish, key=lambda item: item[2])
        while pending:
            failed: list[tuple[Macro, MacroBody, str, SluiceError]] = []
            for macro, live, label in pending:
                try:
                    frozen = (live.kind, live.content)
                    macros.publish_macro(self.session, macro, MESSAGE, self.options.actor, frozen)
                except Unprocessable as exc:
                    failed.append((macro, live, label, exc))
            if len(failed) == len(pending):
                with self._about(failed[0][2]):
                    raise failed[0][3]
            pending = [(macro, live, label) for macro, live, label, _ in failed]

    # --- APIs ------------------------------------------------------------------------

    def _api_fields(self, body: ApiBody) -> dict[str, Any]:
        source = body.datasource
        source_id = None if source is None else self.ids["datasource"][source]
        return body.model_dump(exclude={"datasource", "published"}) | {"datasource_id": source_id}

    def _frozen(self, body: ApiBody) -> dict[str, Any]:
        """The live body as `versions.snapshot` would freeze it."""
        data = ApiSettings.model_validate(self._api_fields(body)).model_dump(mode="json")
        return {field: data[field] for field in versions.FROZEN_FIELDS}

    def _api(self, key: str, wanted: ApiDef) -> None:
        entry = self.current.apis.get(key)
        draft = self._api_fields(draft_body(wanted))
        if entry is not None and _same(entry.definition, wanted):
            self._unchanged("api", key)
            return
        if entry is None:
            module_id = self.ids["module"][key.split("/", 1)[0]]
            row = apis.create_api(self.session, ApiCreate(**draft, module_id=module_id))
            self.ids["api"][key] = _id(row)
        else:
            row = entry.row
            if draft_body(entry.definition) != draft_body(wanted):
                apis.update_api(self.session, row, ApiUpdate(**draft))
        self._go_live(row, wanted, entry.definition if entry else None)
        before = _plain(entry.definition) if entry else None
        self._done("api", key, row, before, _plain(wanted))

    def _go_live(self, row: Api, wanted: ApiDef, before: ApiDef | None) -> None:
        live = live_body(wanted)
        if live is None:
            if row.is_published:
                versions.unpublish(self.session, row)
        elif before is None or live_body(before) != live:
            allowed = script_modules(self.options.settings)
            actor = self.options.actor
            versions.publish(self.session, row, MESSAGE, actor, allowed, self._frozen(live))

    # --- groups and clients ----------------------------------------------------------

    def _group(self, name: str, wanted: GroupDef) -> None:
        entry = self.current.groups.get(name)
        fields = wanted.model_dump(exclude={"apis"})
        api_ids = [self.ids["api"][key] for key in wanted.apis]
        if entry is None:
            row = clients.create_group(self.session, GroupCreate(**fields, api_ids=api_ids))
            self.ids["group"][name] = _id(row)
            self._done("group", name, row, None, _plain(wanted))
        elif _same(entry.definition, wanted):
            self._unchanged("group", name)
        else:
            clients.update_group(self.session, entry.row, GroupUpdate(**fields, api_ids=api_ids))
            self._done("group", name, entry.row, _plain(entry.definition), _plain(wanted))

    def _client(self, name: str, wanted: ClientDef) -> None:
        entry = self.current.clients.get(name)
        secret = self.checked.client_secrets.get(name)
        fields = wanted.model_dump(exclude={"groups", "apis", *ENV_KEYS})
        fields["group_ids"] = [self.ids["group"][group] for group in wanted.groups]
        fields["api_ids"] = [self.ids["api"][key] for key in wanted.apis]
        if entry is None:
            self._new_client(name, wanted, ClientCreate(**fields), secret)
            return
        row = entry.row
        new_secret = secret is not None and not client_secret_matches(
            secret, row.secret_hash, self.client_key
        )
        if _same(entry.definition, wanted) and not new_secret:
            self._unchanged("client", name)
            return
        clients.update_client(self.session, row, ClientUpdate(**fields))
        if secret is not None and new_secret:
            clients.set_secret(self.session, row, secret, self.client_key)
        secret_set = "client_secret" if new_secret else None
        self._done("client", name, row, _plain(entry.definition), _plain(wanted), secret_set)

    def _new_client(
        self, name: str, wanted: ClientDef, body: ClientCreate, secret: str | None
    ) -> None:
        made = clients.create_client(self.session, body, self.client_key)
        row = self.session.get(Client, made.id)
        assert row is not None
        if secret is not None:
            clients.set_secret(self.session, row, secret, self.client_key)
        self.ids["client"][name] = made.id
        if not self.options.dry_run:
            shown = None if secret is not None else made.client_secret
            self.report.new_clients.append(
                NewClient(name=name, client_id=made.client_id, client_secret=shown)
            )
        self._done("client", name, row, None, _plain(wanted), "client_secret")

    # --- deletions (--prune) ---------------------------------------------------------

    def _delete(self, kind: str) -> None:
        deleters: dict[str, Callable[[Session, Any], None]] = {
            "api": apis.delete_api,
            "client": clients.delete_client,
            "group": clients.delete_group,
            "macro": macros.delete_macro,
            "module": modules.delete_module,
            "datasource": datasources.delete_datasource,
        }
        entries: dict[str, Any] = getattr(self.current, f"{kind}s")
        for key in self.wanted.doomed.get(kind, []):
            entry = entries[key]
            before = _plain(entry.definition)
            with self._about(f"{kind} {key}"):
                deleters[kind](self.session, entry.row)
            self._done(kind, key, entry.row, before, None)
