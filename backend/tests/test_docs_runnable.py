"""Docs that cannot rot: the runnable blocks of README.md, deployment.md and docs/*.md run
against a real `sluice serve`, and the example alert rules are checked against its
/metrics and by promtool. The convention is in tests/docs_runner.py and development.md."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx2 as httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from sluice.config import Settings
from sluice.errors import ADMIN_ERRORS
from sluice.gateway.errors import GATEWAY_CODES
from sluice.models.user import RESOURCE_ACTIONS
from sluice.observability.metrics import Metrics
from tests.docs_runner import (
    ROOT,
    RULES,
    RUNNABLE,
    Block,
    BlockFailed,
    declared_env,
    metric_names,
    read_blocks,
    rule_problems,
    run_shell,
    shown_path,
)
from tests.servers import IN_CI
from tests.test_cli import Server, clean_env

DOCUMENTS = [
    path
    for path in [ROOT / "README.md", ROOT / "deployment.md", *sorted(ROOT.glob("docs/*.md"))]
    if path.exists()
]
WITH_BLOCKS = [p for p in DOCUMENTS if any(b.kind in (RUNNABLE, RULES) for b in read_blocks(p))]
OPERATOR_DOCS = [ROOT / "docs" / n for n in ("TROUBLESHOOTING.md", "OPERATIONS.md", "SECURITY.md")]


def shell_env(tmp_path: Path, declared: dict[str, str]) -> dict[str, str]:
    """The server's environment, with the venv's `sluice` first on PATH."""
    env = clean_env(tmp_path, **declared)
    return env | {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"}


@pytest.mark.parametrize("document", WITH_BLOCKS, ids=shown_path)
def test_the_runnable_blocks_run(document: Path, tmp_path: Path) -> None:
    blocks = read_blocks(document)
    declared = declared_env(document)
    server = Server(tmp_path, workers=1, start_seconds=90, **declared)
    try:
        shell = [b for b in blocks if b.kind == RUNNABLE]
        if shell:
            run_shell(shell, url=server.url, cwd=tmp_path, env=shell_env(tmp_path, declared))
        exported = metric_names(httpx.get(f"{server.url}/metrics").text)
    finally:
        server.stop()
    assert [p for b in blocks if b.kind == RULES for p in rule_problems(b, exported)] == []


def test_the_operator_documents_have_runnable_blocks() -> None:
    for document in OPERATOR_DOCS:
        assert any(b.kind == RUNNABLE for b in read_blocks(document)), document
    assert any(b.kind == RULES for b in read_blocks(ROOT / "docs" / "OPERATIONS.md"))


def promtool_check(text: str, path: Path) -> "subprocess.CompletedProcess[str]":
    """`promtool check rules` on a rule file; skipped locally (failed in CI) without it."""
    venv_bin = str(Path(sys.executable).parent)
    promtool = shutil.which("promtool") or shutil.which("promtool", path=venv_bin)
    if promtool is None:
        message = "promtool is missing: `make backend/.venv/bin/promtool` fetches it"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    path.write_text(text)
    return subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, text=True)


def test_the_alert_rules_pass_promtool(tmp_path: Path) -> None:
    rules = [b for d in DOCUMENTS for b in read_blocks(d) if b.kind == RULES]
    assert rules
    for index, block in enumerate(rules):
        checked = promtool_check(block.text, tmp_path / f"rules-{index}.yml")
        assert checked.returncode == 0, f"{block.where}:\n{checked.stdout}{checked.stderr}"
    broken = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: rate(x[5m] > 1\n"
    checked = promtool_check(broken, tmp_path / "broken.yml")
    assert checked.returncode == 1 and "unclosed left parenthesis" in checked.stderr


def test_every_exported_metric_is_in_operations() -> None:
    text = (ROOT / "docs" / "OPERATIONS.md").read_text()
    families = text_string_to_metric_families(Metrics().render().decode())
    series = {
        f.name + ("_total" if f.type == "counter" else "")
        for f in families
        if not f.name.endswith("_created")
    }
    assert {name for name in series if f"`{name}`" not in text} == set()


def test_every_metric_the_operator_documents_name_exists() -> None:
    exported = metric_names(Metrics().render().decode())
    for document in OPERATOR_DOCS:
        named = set(re.findall(r"\bsluice_[a-z0-9_]*[a-z0-9]\b", document.read_text()))
        assert named - exported == set(), document


def test_every_error_code_has_its_troubleshooting_entry() -> None:
    text = (ROOT / "docs" / "TROUBLESHOOTING.md").read_text()
    headings = set(re.findall(r"^#+ .*?`([a-z_]+)`", text, re.MULTILINE))
    codes = (
        set(GATEWAY_CODES) | {e.code for e in ADMIN_ERRORS} | {"header_too_large", "internal_error"}
    )
    assert codes - headings == set()


def test_the_permissions_table_is_the_catalogue() -> None:
    text = (ROOT / "docs" / "SECURITY.md").read_text()
    rows = re.findall(r"^\| `([a-z_]+)` \| ((?:`[a-z]+`(?:, )?)+) \|", text, re.MULTILINE)
    documented = {resource: tuple(re.findall(r"`([a-z]+)`", actions)) for resource, actions in rows}
    assert documented == RESOURCE_ACTIONS


def test_every_setting_the_operator_documents_name_exists() -> None:
    """Every backquoted NAME_LIKE_THIS in them is a setting."""
    for document in OPERATOR_DOCS:
        named = set(re.findall(r"`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`", document.read_text()))
        assert named - set(Settings.model_fields) == set(), document


def test_the_documented_log_fields_are_those_logged(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "OPERATIONS.md").read_text()
    section = text[text.index("## Logs") : text.index("## Runbooks")]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", section, re.MULTILINE))
    server = Server(tmp_path)
    try:
        httpx.get(f"{server.url}/health/live", headers={"X-Request-ID": "docs-fields"})
    finally:
        output = server.stop()
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    request = next(line for line in lines if line.get("request_id") == "docs-fields")
    assert set(request) == documented - {"exc_info"}
    assert "exc_info" in section


def test_blocks_of_one_file_share_the_shell_and_a_failure_names_its_line(tmp_path: Path) -> None:
    document = tmp_path / "GUIDE.md"
    document.write_text(
        "# Guide\n\n"
        '```sh runnable\nGREETING=hello\necho "$GREETING" > greeting.txt\n```\n\n'
        "Then:\n\n"
        '```sh runnable\ngrep -q hello greeting.txt\necho "$GREETING world"\n'
        "echo http://127.0.0.1:8000/health/live\nfalse\necho never\n```\n"
    )
    blocks = read_blocks(document)
    assert [(b.line, b.kind) for b in blocks] == [(4, RUNNABLE), (11, RUNNABLE)]
    with pytest.raises(BlockFailed) as failed:
        run_shell(blocks, url="http://127.0.0.1:9", cwd=tmp_path, env=shell_env(tmp_path, {}))
    message = str(failed.value)
    assert message.startswith(f"{document}:14: exit status 1"), message
    assert "hello world" in message
    assert "http://127.0.0.1:9/health/live" in message
    assert "never" not in message


def test_an_unset_variable_and_a_failing_pipe_name_their_line(tmp_path: Path) -> None:
    document = tmp_path / "GUIDE.md"
    document.write_text('```sh runnable\ntrue\necho "$NOT_SET"\n```\n')
    with pytest.raises(BlockFailed, match=rf"^{re.escape(str(document))}:3: "):
        run_shell(read_blocks(document), url="", cwd=tmp_path, env=shell_env(tmp_path, {}))
    document.write_text("Text\n\n```sh runnable\nfalse | cat\n```\n")
    with pytest.raises(BlockFailed, match=rf"^{re.escape(str(document))}:4: "):
        run_shell(read_blocks(document), url="", cwd=tmp_path, env=shell_env(tmp_path, {}))


def test_only_marked_blocks_run_and_the_file_declares_the_environment(tmp_path: Path) -> None:
    document = tmp_path / "GUIDE.md"
    document.write_text(
        "<!-- runnable-env: SLUICE_DOC_GREETING='hi there' -->\n"
        "```sh\nexit 1\n```\n\n"
        '~~~sh runnable\necho "$SLUICE_DOC_GREETING from $(command -v sluice)"\n~~~\n'
    )
    declared = declared_env(document)
    assert declared == {"SLUICE_DOC_GREETING": "hi there"}
    shell = [b for b in read_blocks(document) if b.kind == RUNNABLE]
    out = run_shell(shell, url="", cwd=tmp_path, env=shell_env(tmp_path, declared))
    assert out == f"hi there from {Path(sys.executable).parent / 'sluice'}\n"


def test_rules_reading_an_unknown_series_or_misshapen_are_refused(tmp_path: Path) -> None:
    exported = metric_names(Metrics().render().decode())
    assert {"sluice_gateway_calls_total", "sluice_gateway_call_duration_seconds_bucket"} <= exported

    def rules(text: str) -> Block:
        return Block(tmp_path / "OPS.md", 7, RULES, text)

    good = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: rate(sluice_gateway_calls_total[5m]) > 1\n    for: 5m\n"
    assert rule_problems(rules(good), exported) == []
    unknown = good.replace("sluice_gateway_calls_total", "sluice_gateway_callz_total")
    assert rule_problems(rules(unknown), exported) == [
        f"{tmp_path / 'OPS.md'}:7: alert 'A' reads sluice_gateway_callz_total, which /metrics does not export"
    ]
    for broken in (
        good.replace("expr", "exp"),
        good.replace("5m", "five minutes"),
        "groups: [",
        "[]",
    ):
        [problem] = rule_problems(rules(broken), exported)
        assert problem.startswith(f"{tmp_path / 'OPS.md'}:7: not a Prometheus rule file")
