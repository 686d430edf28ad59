"""The import's steps for macros and APIs: drafts, then (once the clients they name exist)
test cases, then the live versions, published through the module's test gate."""

from typing import Any

from sqlmodel import select

from sluice.errors import SluiceError, Unprocessable
from sluice.models.api import Api, ApiCreate, ApiSettings, ApiUpdate, PublishRequest
from sluice.models.api_test import ApiTest, ApiTestCreate, ApiTestUpdate
from sluice.models.macro import Macro, MacroCreate, MacroUpdate
from sluice.services import api_tests, apis, macros, publish_gate, versions
from sluice.services.exchange.plan import draft_body, live_body, macro_live, test_label
from sluice.services.exchange.problems import DefinitionsRefused, Problem
from sluice.services.exchange.schema import ApiBody, ApiDef, MacroBody, MacroDef
from sluice.services.exchange.steps import MESSAGE, Steps, id_of, plain, same


class ApiSteps(Steps):
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
            self.ids["macro"][name] = id_of(row)
            if live is not None:
                self.to_publish.append((row, live, f"macro {name}"))
            self._done("macro", name, row, None, plain(wanted, module=module))
            return
        if same(entry.definition, wanted) and entry.module == module:
            self._unchanged("macro", name)
            return
        macros.update_macro(self.session, entry.row, MacroUpdate.model_validate(draft))
        if live is not None and live != macro_live(entry.definition):
            self.to_publish.append((entry.row, live, f"macro {name}"))
        before = plain(entry.definition, module=entry.module)
        self._done("macro", name, entry.row, before, plain(wanted, module=module))

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

    def _api_fields(self, body: ApiBody) -> dict[str, Any]:
        source = body.datasource
        source_id = None if source is None else self.ids["datasource"][source]
        fields = body.model_dump(exclude={"datasource", "published", "tests"})
        return fields | {"datasource_id": source_id}

    def _frozen(self, body: ApiBody) -> dict[str, Any]:
        """The live body as `versions.snapshot` would freeze it."""
        data = ApiSettings.model_validate(self._api_fields(body)).model_dump(mode="json")
        return {field: data[field] for field in versions.FROZEN_FIELDS}

    def _api(self, key: str, wanted: ApiDef) -> None:
        entry = self.current.apis.get(key)
        draft = self._api_fields(draft_body(wanted))
        if entry is not None and same(entry.definition, wanted):
            self._unchanged("api", key)
            return
        if entry is None:
            module_id = self.ids["module"][key.split("/", 1)[0]]
            row = apis.create_api(self.session, ApiCreate(**draft, module_id=module_id))
            self.ids["api"][key] = id_of(row)
        else:
            row = entry.row
            if draft_body(entry.definition) != draft_body(wanted):
                apis.update_api(self.session, row, ApiUpdate(**draft))
        self.changed_apis[key] = (row, wanted, entry.definition if entry else None)
        before = plain(entry.definition) if entry else None
        self._done("api", key, row, before, plain(wanted))

    def _tests(self, row: Api, wanted: ApiDef, before: ApiDef | None) -> None:
        """The API's test cases as the file has them, matched by name (cases the file does
        not hold are deleted, as a param it does not hold is)."""
        held = {
            t.name: t for t in self.session.exec(select(ApiTest).where(ApiTest.api_id == row.id))
        }
        had = {t.name: t for t in (before.tests if before else [])}
        for name in sorted(held.keys() - {t.name for t in wanted.tests}):
            api_tests.delete_test(self.session, held[name])
        for test in wanted.tests:
            client = None if test.client is None else self.ids["client"][test.client]
            fields = {"name": test.name, "params": test.params, "client_id": client}
            if test.name not in held:
                body = ApiTestCreate.model_validate(fields | {"expect": test.expect})
                api_tests.create_test(self.session, row, body)
            elif had.get(test.name) != test:
                update = ApiTestUpdate.model_validate(fields | {"expect": test.expect})
                api_tests.update_test(self.session, held[test.name], update)

    def _go_live(self, key: str, row: Api, wanted: ApiDef, before: ApiDef | None) -> None:
        """Publish the file's live version when it differs, through the module's test gate
        (the tests just set run against it); unpublish when the file has none."""
        live = live_body(wanted)
        if live is None:
            if row.is_published:
                versions.unpublish(self.session, row)
            return
        if before is not None and live_body(before) == live:
            return
        reason = self.options.force_reason
        body = PublishRequest(message=MESSAGE, force=reason is not None, reason=reason)
        frozen = self._frozen(live)
        try:
            publish_gate.publish(
                self.session, row, body, self.options.user, self.options.keeper, frozen
            )
        except publish_gate.GateRefused as refused:
            raise DefinitionsRefused(self._failed_tests(key, refused)) from None

    def _failed_tests(self, key: str, refused: publish_gate.GateRefused) -> list[Problem]:
        """Each failing test case of a gated module, with what it expected and got."""
        problems = []
        for result in refused.report.results:
            if not result.passed:
                reasons = "; ".join(f"{f.expectation}: {f.message}" for f in result.failures)
                label = test_label(key, result.name)
                path = self.wanted.paths.get(label)
                place = self.source.place(path) if path is not None else None
                message = f"fails, and module {key.split('/')[0]} requires passing tests: {reasons}"
                problems.append(Problem(label, message, place))
        return problems
