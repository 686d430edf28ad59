"""Everything an import checks before it changes anything: names unique, every reference
resolvable once the import is done, secrets at hand, and what it will publish compiled
exactly as a publish compiles it (templates against the macros the import leaves
published, scripts under the sandbox's rules). Drafts get the checks a save gives them:
work in progress may be saved, as in the dashboard."""

from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import ValidationError

from sluice.config import Settings
from sluice.engines.script.sandbox import compile_script, macro_imports
from sluice.engines.sql import compile_template
from sluice.errors import Unprocessable
from sluice.models.datasource import DatasourceCreate
from sluice.services.apis import check_python_syntax, shape, validation_message
from sluice.services.datasources import sqlite_path, target
from sluice.services.exchange.export import Current
from sluice.services.exchange.files import Source
from sluice.services.exchange.plan import (
    Wanted,
    draft_body,
    final_keys,
    live_body,
    macro_live,
    test_label,
)
from sluice.services.exchange.problems import Problem
from sluice.services.exchange.schema import ApiBody, ApiDef, DatasourceDef, MacroBody

SecretReader = Callable[[str], str | None]
"""The value of a named environment variable (None when unset); ValueError when this
import may not read it."""

CLIENT_SECRET_LENGTH = (32, 256)
PASSWORD_MAX = 1024


@dataclass
class Checked:
    """What the checks found, and the secrets they read for the import to set."""

    problems: list[Problem] = field(default_factory=list)
    passwords: dict[str, str] = field(default_factory=dict)
    client_secrets: dict[str, str] = field(default_factory=dict)


@dataclass
class Checker:
    wanted: Wanted
    current: Current
    source: Source
    settings: Settings
    read_secret: SecretReader
    script_modules: tuple[str, ...]
    found: Checked = field(default_factory=Checked)

    def problem(self, label: str, message: str, *inner: str | int) -> None:
        path = self.wanted.paths.get(label)
        place = self.source.place((*path, *inner)) if path is not None else None
        self.found.problems.append(Problem(label, message, place))

    def run(self) -> Checked:
        for label, path in self.wanted.duplicates:
            self.found.problems.append(
                Problem(label, "appears twice in the file", self.source.place(path))
            )
        for label, reason in sorted(self.current.ambiguous.items()):
            kind, key = label.split(" ", 1)
            if key in self.wanted.keys(kind) or key in self.wanted.doomed.get(kind, ()):
                self.problem(label, f"in the target, {reason}")
        self._datasources()
        self._references()
        self._routes()
        self._macros()
        self._apis()
        self._client_secrets()
        return self.found

    # --- data sources ---------------------------------------------------------------

    def _datasources(self) -> None:
        for name, definition in self.wanted.datasources.items():
            label = f"datasource {name}"
            self._datasource_shape(label, definition)
            if definition.password_env:
                password = self._secret(label, definition.password_env, "password_env")
                if password is not None and len(password) > PASSWORD_MAX:
                    message = f"password_env: the password is over {PASSWORD_MAX} characters"
                    self.problem(label, message, "password_env")
                elif password is not None:
                    self.found.passwords[name] = password
            else:
                self._password_kept(label, name, definition)

    def _datasource_shape(self, label: str, definition: DatasourceDef) -> None:
        try:
            checked = DatasourceCreate.model_validate(
                definition.model_dump(exclude={"password_env"})
            )
            if checked.type == "sqlite":
                sqlite_path(str(checked.options["path"]), self.settings)
        except ValidationError as exc:
            self.problem(label, validation_message(exc).removeprefix("Value error, "))
        except Unprocessable as exc:
            self.problem(label, exc.message, "options")

    def _password_kept(self, label: str, name: str, definition: DatasourceDef) -> None:
        """A stored password goes only to the target it was saved for (as in the admin
        API): a file that moves a source must name its password."""
        existing = self.current.datasources.get(name)
        if existing is None or existing.row.password_encrypted is None:
            return
        if target(definition) != target(existing.row):
            self.problem(
                label,
                "moves the source to another target, and its stored password is not sent to "
                "a new target: name the password with password_env",
            )

    def _secret(self, label: str, variable: str, key: str) -> str | None:
        try:
            value = self.read_secret(variable)
        except ValueError as exc:
            self.problem(label, f"{key}: {exc}", key)
            return None
        if not value:
            self.problem(label, f"{key}: the environment variable {variable} is not set", key)
            return None
        return value

    def _client_secrets(self) -> None:
        low, high = CLIENT_SECRET_LENGTH
        for name, definition in self.wanted.clients.items():
            if definition.secret_env is None:
                continue
            label = f"client {name}"
            secret = self._secret(label, definition.secret_env, "secret_env")
            if secret is not None and not low <= len(secret) <= high:
                message = f"secret_env: the secret must be {low} to {high} characters"
                self.problem(label, message, "secret_env")
            elif secret is not None:
                self.found.client_secrets[name] = secret

    # --- references -----------------------------------------------------------------

    def _references(self) -> None:
        sources = final_keys(self.wanted, self.current, "datasource")
        for key, api in self.wanted.apis.items():
            for body, where in _bodies(api):
                if body.datasource is not None and body.datasource not in sources:
                    field = f"{where}datasource"
                    message = f"{field}: no data source {body.datasource!r}"
                    self.problem(f"api {key}", message, *field.split("."))
        apis = final_keys(self.wanted, self.current, "api")
        groups = final_keys(self.wanted, self.current, "group")
        for name, group in self.wanted.groups.items():
            self._refs(f"group {name}", "apis", group.apis, apis, "API")
        for name, client in self.wanted.clients.items():
            self._refs(f"client {name}", "groups", client.groups, groups, "group")
            self._refs(f"client {name}", "apis", client.apis, apis, "API")
        clients = final_keys(self.wanted, self.current, "client")
        for key, api in self.wanted.apis.items():
            for test in api.tests:
                if test.client is not None and test.client not in clients:
                    message = f"client: no client {test.client!r}"
                    self.problem(test_label(key, test.name), message, "client")

    def _refs(self, label: str, key: str, names: list[str], known: set[str], kind: str) -> None:
        for name in names:
            if name not in known:
                self.problem(label, f"{key}: no {kind} {name!r}", key)

    def _routes(self) -> None:
        """Two APIs of the file that would answer the same calls."""
        seen: dict[tuple[str, str, tuple[str, ...]], str] = {}
        for key, api in self.wanted.apis.items():
            route = (key.split("/", 1)[0], api.method, shape(api.path))
            if route in seen:
                self.problem(
                    f"api {key}", f"{api.method} {api.path} answers the same calls as {seen[route]}"
                )
            seen[route] = f"api {key}"

    # --- compiling ------------------------------------------------------------------

    def _published_macros(self, kind: str) -> dict[str, str]:
        """Each macro the import leaves published, with its published content."""
        found = {}
        for name in final_keys(self.wanted, self.current, "macro"):
            definition = self.wanted.macros.get(name) or self.current.macros[name].definition
            live = macro_live(definition)
            if live is not None and live.kind == kind:
                found[name] = live.content
        return found

    def _macros(self) -> None:
        sql = self._published_macros("sql")
        for name, definition in self.wanted.macros.items():
            live = macro_live(definition)
            existing = self.current.macros.get(name)
            before = macro_live(existing.definition) if existing else None
            if live is None or live == before or live.kind != "sql":
                continue
            label, inner = f"macro {name}", self._macro_field(definition.published)
            try:
                compile_template(f"{{% import {name!r} as m %}}", sql)
            except Unprocessable as exc:
                self.problem(label, f"{inner}: {exc.message}", *inner.split("."))

    def _macro_field(self, published: object) -> str:
        return "published.content" if isinstance(published, MacroBody) else "content"

    def _apis(self) -> None:
        sql, python = self._published_macros("sql"), set(self._published_macros("python"))
        for key, api in self.wanted.apis.items():
            label = f"api {key}"
            draft = draft_body(api)
            existing = self.current.apis.get(key)
            if existing is None or draft_body(existing.definition) != draft:
                self._saved(label, draft)
            live = live_body(api)
            if live is not None and (existing is None or live_body(existing.definition) != live):
                prefix = "published." if isinstance(api.published, ApiBody) else ""
                self._publishable(label, prefix, live, sql, python)

    def _saved(self, label: str, draft: ApiBody) -> None:
        for name in ("result_transform", "param_validation"):
            try:
                check_python_syntax(getattr(draft, name), name)
            except Unprocessable as exc:
                self.problem(label, exc.message, name)

    def _publishable(
        self, label: str, prefix: str, body: ApiBody, sql: dict[str, str], python: set[str]
    ) -> None:
        """What `versions.publish` checks, against the macros the import leaves published."""
        if body.engine == "sql" and body.datasource is None:
            self.problem(label, f"{prefix}datasource: an SQL API needs one to be published")
        if body.engine == "sql":
            self._compiled(label, f"{prefix}content", lambda: compile_template(body.content, sql))
        scripts = [("content", body.content)] if body.engine == "script" else []
        scripts += [(n, getattr(body, n)) for n in ("result_transform", "param_validation")]
        for name, source in scripts:
            if source:
                self._script(label, f"{prefix}{name}", source, python)

    def _script(self, label: str, where: str, source: str, python: set[str]) -> None:
        self._compiled(label, where, lambda: compile_script(source, modules=self.script_modules))
        try:
            missing = sorted(set(macro_imports(source)) - python)
        except SyntaxError:
            return  # reported by the compile above
        for name in missing:
            self.problem(
                label, f"{where}: Python macro {name!r} is not published", *where.split(".")
            )

    def _compiled(self, label: str, where: str, build: Callable[[], object]) -> None:
        try:
            build()
        except Unprocessable as exc:
            self.problem(label, f"{where}: {exc.message}", *where.split("."))


def _bodies(api: ApiDef) -> list[tuple[ApiBody, str]]:
    """The draft, and the live version when the file gives it apart, with its field path."""
    found: list[tuple[ApiBody, str]] = [(api, "")]
    if isinstance(api.published, ApiBody):
        found.append((api.published, "published."))
    return found


def check(
    wanted: Wanted,
    current: Current,
    source: Source,
    settings: Settings,
    read_secret: SecretReader,
    script_modules: tuple[str, ...],
) -> Checked:
    return Checker(wanted, current, source, settings, read_secret, script_modules).run()
