"""`sluice test` as CI runs it: a real process on the app's store, its summary, its exit
code and its JUnit report (read back by junitparser, as CI tools read it)."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from fastapi.testclient import TestClient
from junitparser import Error, Failure, JUnitXml

from sluice.config import Settings
from tests.factories import make_api, make_module, make_source

Headers = dict[str, str]


def sluice_test(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "SECRET_KEY", "POSTGRES_", "REDIS_URL"))
    }
    env |= {
        "DATABASE_URL": settings.database_url,
        "SECRET_KEY": settings.secret_key,
        "DATA_DIR": str(settings.DATA_DIR),
    }
    return subprocess.run(
        [sys.executable, "-m", "sluice.cli", "test", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def add_test(client: TestClient, headers: Headers, api_id: int, **body: Any) -> None:
    response = client.post(f"/api/v1/apis/{api_id}/tests", json=body, headers=headers)
    assert response.status_code == 201, response.text


def test_sluice_test_reports_and_exits_non_zero_on_a_failure(
    client: TestClient, admin_headers: Headers, settings: Settings, tmp_path: Path
) -> None:
    folder = settings.sqlite_datasource_dir
    folder.mkdir(parents=True)
    with sqlite3.connect(folder / "cli.db") as db:
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        db.executemany("INSERT INTO t VALUES (?)", [(1,), (2,), (3,)])
    db.close()
    source = make_source(
        client, admin_headers, {"name": "lite", "type": "sqlite", "options": {"path": "cli.db"}}
    )
    module = make_module(client, admin_headers)
    ids = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="ids",
        content="SELECT id FROM t",
    )
    add_test(client, admin_headers, ids["id"], name="three", expect={"rows": 3})
    report = tmp_path / "junit.xml"

    passing = sluice_test(settings, "--junit", str(report))
    assert passing.returncode == 0, passing.stderr
    lines = passing.stdout.splitlines()
    assert lines[0].startswith("ok    shop/ids: three (") and lines[0].endswith(" ms)")
    assert lines[-1] == "1 passed, 0 failed (1 test cases)"
    suites = list(JUnitXml.fromfile(str(report)))
    assert [(s.name, s.tests, s.failures, s.errors) for s in suites] == [("shop/ids", 1, 0, 0)]

    add_test(client, admin_headers, ids["id"], name="four", expect={"rows": 4})
    broken = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        datasource_id=source["id"],
        path="broken",
        content="SELECT id FROM t {% if %}",
    )
    add_test(client, admin_headers, broken["id"], name="compiles")
    failing = sluice_test(settings, "--junit", str(report))
    assert failing.returncode == 1, failing.stderr
    assert "FAIL  shop/ids: four (" in failing.stdout
    assert "        rows: Expected 4 rows, got 3." in failing.stdout.splitlines()
    assert "FAIL  shop/broken: compiles (0 ms)" in failing.stdout
    assert failing.stdout.splitlines()[-1] == "1 passed, 2 failed (3 test cases)"

    root = ET.parse(report).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "1")
    assert [s.get("name") for s in root.iter("testsuite")] == ["shop/broken", "shop/ids"]
    for suite in root.iter("testsuite"):
        assert {"name", "tests", "failures", "errors", "skipped", "time", "timestamp"} <= set(
            suite.keys()
        )
        for case in suite.iter("testcase"):
            assert float(case.get("time", "x")) >= 0 and case.get("classname", "").startswith(
                "shop."
            )
    parsed = {case.name: case for suite in JUnitXml.fromfile(str(report)) for case in suite}
    assert parsed["three"].is_passed
    (failure,) = parsed["four"].result
    assert isinstance(failure, Failure)
    assert (failure.type, failure.message) == ("rows", "Expected 4 rows, got 3.")
    (error,) = parsed["compiles"].result
    assert isinstance(error, Error) and error.type == "run"
    assert error.message is not None and error.message.startswith("The draft cannot run: line 1")

    only_ids = sluice_test(settings, "--api", str(ids["id"]))
    assert only_ids.returncode == 1 and "shop/broken" not in only_ids.stdout
    unknown = sluice_test(settings, "--module", "nope")
    assert unknown.returncode == 1 and unknown.stderr == "error: Module 'nope' not found\n"
    nothing_live = sluice_test(settings, "--published")
    assert (nothing_live.returncode, nothing_live.stdout) == (0, "No test cases to run.\n")
