"""Import: a definitions file applied to the store, all or nothing.

The file is parsed and checked whole first (`parse`, `checks`); then every object is
created, changed or (with --prune) deleted through the same services the admin API uses,
so each rule of a change made by hand holds. All of it runs in one store transaction,
which a dry run rolls back: the plan it reports is what the import would do, found by
doing it. Each change writes one audit entry, in the file's terms.
"""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from sluice.db import IMPORT_LOCK, hold_store_lock
from sluice.errors import Unprocessable
from sluice.models.api import (
    ModuleCreate,
    ModuleUpdate,
)
from sluice.models.client import Client, ClientCreate, ClientUpdate, GroupCreate, GroupUpdate
from sluice.models.datasource import Datasource, DatasourceCreate, DatasourceUpdate
from sluice.security import client_secret_matches
from sluice.services import (
    apis,
    clients,
    datasources,
    macros,
    modules,
)
from sluice.services.exchange.checks import check
from sluice.services.exchange.export import read_current
from sluice.services.exchange.files import Source
from sluice.services.exchange.parse import parse
from sluice.services.exchange.plan import (
    wanted_state,
)
from sluice.services.exchange.problems import DefinitionsRefused
from sluice.services.exchange.schema import (
    ClientDef,
    DatasourceDef,
    GroupDef,
    ImportReport,
    ModuleDef,
    NewClient,
)
from sluice.services.exchange.steps import (
    ENV_KEYS,
    ImportOptions,
    OneTransaction,
    id_of,
    module_settings,
    plain,
    same,
)
from sluice.services.exchange.steps_apis import ApiSteps
from sluice.services.scripts import script_modules


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


class Importer(ApiSteps):
    """The import: each kind of object in the order references allow."""

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
        for key, (row, wanted, before) in sorted(self.changed_apis.items()):
            with self._about(f"api {key}"):  # now that the clients the tests name exist
                self._tests(row, wanted, before)
                self._go_live(key, row, wanted, before)
        for kind in ("client", "group", "macro", "module", "datasource"):
            self._delete(kind)
        return self.report

    def _datasource(self, name: str, wanted: DatasourceDef) -> None:
        entry = self.current.datasources.get(name)
        password = self.checked.passwords.get(name)
        fields = wanted.model_dump(exclude=ENV_KEYS)
        keyring, settings = self.options.keyring, self.options.settings
        if entry is None:
            body = DatasourceCreate(**fields, password=password)
            row = datasources.create_datasource(self.session, body, keyring, settings)
            self.ids["datasource"][name] = id_of(row)
            secret = "password" if password is not None else None
            self._done("datasource", name, row, None, plain(wanted), secret)
            return
        new_password = password is not None and password != self._stored_password(entry.row)
        if same(entry.definition, wanted) and not new_password:
            self._unchanged("datasource", name)
            return
        update = DatasourceUpdate(**fields, password=password if new_password else None)
        datasources.update_datasource(self.session, entry.row, update, keyring, settings)
        before, after = plain(entry.definition), plain(wanted)
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
            self.ids["module"][name] = id_of(row)
            self._done("module", name, row, None, module_settings(wanted))
        elif same(entry.definition, wanted):
            self._unchanged("module", name)
        else:
            modules.update_module(self.session, entry.row, ModuleUpdate(**fields))
            self._done(
                "module",
                name,
                entry.row,
                module_settings(entry.definition),
                module_settings(wanted),
            )

    def _group(self, name: str, wanted: GroupDef) -> None:
        entry = self.current.groups.get(name)
        fields = wanted.model_dump(exclude={"apis"})
        api_ids = [self.ids["api"][key] for key in wanted.apis]
        if entry is None:
            row = clients.create_group(self.session, GroupCreate(**fields, api_ids=api_ids))
            self.ids["group"][name] = id_of(row)
            self._done("group", name, row, None, plain(wanted))
        elif same(entry.definition, wanted):
            self._unchanged("group", name)
        else:
            clients.update_group(self.session, entry.row, GroupUpdate(**fields, api_ids=api_ids))
            self._done("group", name, entry.row, plain(entry.definition), plain(wanted))

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
        if same(entry.definition, wanted) and not new_secret:
            self._unchanged("client", name)
            return
        clients.update_client(self.session, row, ClientUpdate(**fields))
        if secret is not None and new_secret:
            clients.set_secret(self.session, row, secret, self.client_key)
        secret_set = "client_secret" if new_secret else None
        self._done("client", name, row, plain(entry.definition), plain(wanted), secret_set)

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
        self._done("client", name, row, None, plain(wanted), "client_secret")

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
            before = plain(entry.definition)
            with self._about(f"{kind} {key}"):
                deleters[kind](self.session, entry.row)
            self._done(kind, key, entry.row, before, None)
