"""A test run as JUnit XML, the report CI systems read (Jenkins, GitLab, GitHub actions).

One `<testsuite>` per API (`module/api name`), one `<testcase>` per test case. An unmet
expectation is a `<failure>`; a case that could not run as asked (the API does not
compile, a statement was refused, its client is gone) is an `<error>`. Times are seconds.
"""

from datetime import UTC, datetime
from itertools import groupby
from xml.etree import ElementTree as ET

from sluice.models.api_test import CaseResult, RunReport

NOT_RUN = frozenset({"run", "client"})


def junit_xml(report: RunReport, at: datetime | None = None) -> bytes:
    stamp = (at or datetime.now(UTC)).replace(microsecond=0).isoformat()
    root = ET.Element("testsuites", name="sluice")
    _counts(root, report.results)
    for _, results in groupby(report.results, key=lambda r: r.api_id):
        cases = list(results)
        name = f"{cases[0].module}/{cases[0].api_name}"
        suite = ET.SubElement(root, "testsuite", name=name)
        _counts(suite, cases)
        suite.set("skipped", "0")
        suite.set("timestamp", stamp)
        for result in cases:
            _case(suite, result)
    ET.indent(root)
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text


def _counts(element: ET.Element, results: list[CaseResult]) -> None:
    errors = sum(1 for r in results if _not_run(r))
    failures = sum(1 for r in results if not r.passed and not _not_run(r))
    element.set("tests", str(len(results)))
    element.set("failures", str(failures))
    element.set("errors", str(errors))
    element.set("time", _seconds(sum(r.duration_ms for r in results)))


def _case(suite: ET.Element, result: CaseResult) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        name=result.name,
        classname=f"{result.module}.{result.api_name}",
        time=_seconds(result.duration_ms),
    )
    if result.passed:
        return
    first = result.failures[0]
    tag = "error" if _not_run(result) else "failure"
    outcome = ET.SubElement(case, tag, message=first.message, type=first.expectation)
    outcome.text = "\n".join(f"{f.expectation}: {f.message}" for f in result.failures)


def _not_run(result: CaseResult) -> bool:
    return any(f.expectation in NOT_RUN for f in result.failures)


def _seconds(ms: float) -> str:
    return f"{ms / 1000:.3f}"
