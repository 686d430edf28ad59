"""Publishing and restoring through a module's test gate.

When the API's module has `require_passing_tests`, a publish first runs the API's test
cases against the draft (a restore, against the version it brings back: its content and
its pinned macros) and refuses with 409 `tests_failed`, listing every result, when one
fails. An API without test cases publishes, and the answer's note says that nothing held
it. `force` with a `reason` publishes past failing tests; only a user who also holds
`module:write` (or a superuser) may force, since the gate is the module owner's rule and
`api:publish` alone must not be enough to step over it. A forced publish keeps the reason
in the version's message and in its one audit entry, named `force_publish` /
`force_restore` instead of `publish` / `restore`, that names the failed tests.

The gate holds against mistakes, not against someone who may edit the tests
(`api:write`): changing or deleting a test case is audited like any change.
"""

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from sluice.errors import Conflict, Forbidden
from sluice.models.api import Api, ApiVersion, ForceRequest, Module, PublishRequest, RestoreRequest
from sluice.models.api_test import GateReport, RunReport
from sluice.models.user import User
from sluice.services import api_tests, audit, versions
from sluice.services.roles import permissions_of

FORCER = ("module", "write")
NO_TESTS = "No test cases: nothing held this publish"
MESSAGE_MAX = 1000


class GateRefused(Conflict):
    """A test case failed: the publish (or restore) did not happen."""

    code = "tests_failed"

    def __init__(self, report: RunReport) -> None:
        names = ", ".join(repr(r.name) for r in report.results if not r.passed)
        total = report.passed + report.failed
        super().__init__(
            f"{report.failed} of {total} test case(s) failed ({names}); fix them, or force"
            " the publish with a reason"
        )
        self.report = report

    def body(self) -> dict[str, object]:
        return super().body() | {"tests": self.report.model_dump(mode="json")}


@dataclass(frozen=True)
class Gatekeeper:
    compiling: api_tests.Compiling
    run: api_tests.RunCases


def publish(
    session: Session,
    api: Api,
    body: PublishRequest,
    user: User,
    keeper: Gatekeeper,
    frozen: dict[str, Any] | None = None,
) -> tuple[ApiVersion, GateReport | None]:
    """Publish the draft, or `frozen` (other content, as `versions.snapshot` freezes it:
    an import publishes the live version its file holds), through the gate."""
    content = None if frozen is None else _content(session, api, frozen, keeper)
    now = versions.snapshot(api) if frozen is None else frozen
    versions.refuse_unchanged(session, api, now, keeper.compiling.modules)  # before the tests
    report = check(session, api, content, body, user, keeper)
    message = _message(body.message, report, body)
    modules = keeper.compiling.modules
    _audit_force(session, "force_publish", api, report, body, user.email)
    version = versions.publish(session, api, message, user.email, modules, frozen)
    return version, report


def _content(session: Session, api: Api, frozen: dict[str, Any], keeper: Gatekeeper) -> ApiVersion:
    """`frozen` as the version it would become, its macros pinned as publishing would."""
    pins = versions.pin_macros(session, frozen, keeper.compiling.modules)
    return ApiVersion(id=0, api_id=api.id or 0, version=0, snapshot=frozen, macro_versions=pins)


def restore(
    session: Session,
    api: Api,
    version_id: int,
    body: RestoreRequest,
    user: User,
    keeper: Gatekeeper,
) -> tuple[ApiVersion, GateReport | None]:
    old = versions.get_version(session, api, version_id)
    content = ApiVersion(
        id=0,
        api_id=old.api_id,
        version=old.version,
        snapshot=dict(old.snapshot),
        macro_versions=dict(old.macro_versions),
    )
    frozen = versions.SNAPSHOT_DEFAULTS | old.snapshot
    versions.refuse_unchanged(session, api, frozen, pins=old.macro_versions)  # before the tests
    report = check(session, api, content, body, user, keeper)
    message = _message(f"Restored version {old.version}", report, body)
    _audit_force(session, "force_restore", api, report, body, user.email)
    version = versions.restore(session, api, version_id, user.email, message)
    return version, report


def check(
    session: Session,
    api: Api,
    content: ApiVersion | None,
    body: ForceRequest,
    user: User,
    keeper: Gatekeeper,
) -> GateReport | None:
    """Run the API's tests against `content` (the draft when None) if its module holds
    publishes to passing tests; raise GateRefused when one fails and it is not forced.
    None when the module has no gate."""
    module = session.get(Module, api.module_id)
    if module is None or not module.require_passing_tests:
        return None
    if body.force and FORCER not in permissions_of(user):
        raise Forbidden(
            f"Module {module.name!r} holds publishes to passing tests; forcing past them"
            " needs the module:write permission"
        )
    cases = api_tests.plan_api(session, api, keeper.compiling, content)
    if not cases:
        return GateReport(passed=0, failed=0, results=[], note=NO_TESTS)
    report = keeper.run(cases)
    if report.failed and not body.force:
        raise GateRefused(report)
    forced = bool(report.failed)
    note = f"Forced past {report.failed} failing test case(s): {body.reason}" if forced else None
    return GateReport(**report.model_dump(), forced=forced, note=note)


def _message(message: str | None, report: GateReport | None, body: ForceRequest) -> str | None:
    if report is None or not report.forced:
        return message
    forced = f"forced past failing tests: {body.reason}"
    text = f"{message} ({forced})" if message else forced[0].upper() + forced[1:]
    return text if len(text) <= MESSAGE_MAX else text[: MESSAGE_MAX - 1] + "…"


def _audit_force(
    session: Session,
    action: str,
    api: Api,
    report: GateReport | None,
    body: ForceRequest,
    who: str,
) -> None:
    """A forced publish (or restore) is one entry, named for the force and naming the
    tests it stepped over; the publish adds its version to it."""
    if report is None or not report.forced:
        return
    failed = [r.name for r in report.results if not r.passed]
    details = {"reason": body.reason, "failed_tests": failed}
    audit.name_change(session, action, api, details, who)
