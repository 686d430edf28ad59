"""Runnable docs: the fenced blocks of the Markdown documents that a test executes, so the
examples cannot drift from what is built. The convention (written up in development.md):

- A block whose info string is `sh runnable` is run. The `sh runnable` blocks of one file
  run in file order as one `bash -euo pipefail` script, so a variable set in one block is
  there in the next, in a fresh working directory where the test has started `sluice serve`
  (its `DATA_DIR` is `data/` there). `http://127.0.0.1:8000` in a block is rewritten to that
  server's address, and the venv's `sluice` is first on PATH.
- `<!-- runnable-env: NAME=value ... -->` anywhere in a file (an HTML comment, so invisible
  when rendered) adds environment variables to that file's server and shell.
- A block whose info string is `yaml prometheus-rules` is a Prometheus rule file: it must
  parse and have the shape of one, and every `sluice_*` series its expressions read must be
  exported by the server's `/metrics`; `promtool check rules` then checks the PromQL.

A failing block fails the test with the file and line of the command that failed.
"""

import os
import re
import shlex
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from prometheus_client.parser import text_string_to_metric_families
from pydantic import BaseModel, ConfigDict, Field, ValidationError

ROOT = Path(__file__).resolve().parents[2]
RUNNABLE = "sh runnable"
RULES = "yaml prometheus-rules"
DOCUMENTED_URL = "http://127.0.0.1:8000"

_ENV_COMMENT = re.compile(r"<!--\s*runnable-env:(.*?)-->", re.DOTALL)
_FAILED_AT = "__sluice_docs_failed_at__"
_IN_BLOCK = "__sluice_docs_block__"
_BASH_DIAGNOSTIC = re.compile(r"line (\d+): ")
_METRIC = re.compile(r"\bsluice_[a-z0-9_]*[a-z0-9]\b")


@dataclass(frozen=True)
class Block:
    """One fenced block: where it is (the line of its first line of code) and what it holds."""

    path: Path
    line: int
    kind: str
    text: str

    @property
    def where(self) -> str:
        return f"{shown_path(self.path)}:{self.line}"


def shown_path(path: Path) -> str:
    """The path as a reader finds it: relative to the repository when inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def read_blocks(path: Path) -> list[Block]:
    """Every fenced block of a Markdown file, in file order (markdown-it finds them, so
    indented fences and fences inside other fences are read as a renderer reads them)."""
    tokens = MarkdownIt("commonmark").parse(path.read_text())
    return [
        Block(path, token.map[0] + 2, " ".join(token.info.split()), token.content)
        for token in tokens
        if token.type == "fence" and token.map is not None
    ]


def declared_env(path: Path) -> dict[str, str]:
    """The variables a file declares for its server and shell (`runnable-env` comments)."""
    env: dict[str, str] = {}
    for declaration in _ENV_COMMENT.findall(path.read_text()):
        for item in shlex.split(declaration):
            name, sep, value = item.partition("=")
            if not sep or not name.isidentifier():
                raise ValueError(f"{shown_path(path)}: runnable-env wants NAME=value: {item!r}")
            env[name] = value
    return env


class BlockFailed(AssertionError):
    """A runnable block failed; the message starts with `file:line` of the failing command."""


@dataclass(frozen=True)
class Script:
    """The bash script of a file's runnable blocks, and where each of its lines came from."""

    text: str
    origins: dict[int, tuple[Block, int]]
    """Script line -> (block, line in the document)."""


def shell_script(blocks: list[Block], url: str) -> Script:
    lines = [
        "set -euo pipefail",
        "shopt -s inherit_errexit",
        f"trap 'echo \"{_FAILED_AT} $LINENO\" >&2' ERR",
    ]
    origins: dict[int, tuple[Block, int]] = {}
    for index, block in enumerate(blocks):
        lines.append(f"echo '{_IN_BLOCK} {index}' >&2")
        for offset, line in enumerate(block.text.replace(DOCUMENTED_URL, url).splitlines()):
            lines.append(line)
            origins[len(lines)] = (block, block.line + offset)
    return Script("\n".join(lines) + "\n", origins)


def run_shell(
    blocks: list[Block], *, url: str, cwd: Path, env: dict[str, str], timeout: float = 180
) -> str:
    """Run the blocks as one script; their standard output, or BlockFailed."""
    script = shell_script(blocks, url)
    path = cwd / "runnable-docs.sh"
    path.write_text(script.text)
    process = subprocess.Popen(
        ["bash", str(path)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        outcome = f"still running after {timeout} s"
        raise BlockFailed(_report(blocks, script, outcome, out, err)) from None
    if process.returncode != 0:
        raise BlockFailed(_report(blocks, script, f"exit status {process.returncode}", out, err))
    return out


def _report(blocks: list[Block], script: Script, outcome: str, out: str, err: str) -> str:
    where = _failed_line(blocks, script, err)
    shown_err = "\n".join(
        line for line in err.splitlines() if not line.startswith((_FAILED_AT, _IN_BLOCK))
    )
    return f"{where}: {outcome}\n--- stdout ---\n{_tail(out)}\n--- stderr ---\n{_tail(shown_err)}"


def _failed_line(blocks: list[Block], script: Script, err: str) -> str:
    """`file:line` of the failing command: the ERR trap's line, else the line bash names in
    its own diagnostic (an unset variable), else the first line of the block that ran last."""
    candidates = [
        int(line.split()[1]) for line in err.splitlines() if line.startswith(_FAILED_AT)
    ] or [int(m) for m in _BASH_DIAGNOSTIC.findall(err)]
    for script_line in reversed(candidates):
        if script_line in script.origins:
            block, doc_line = script.origins[script_line]
            return f"{shown_path(block.path)}:{doc_line}"
    started = [int(line.split()[1]) for line in err.splitlines() if line.startswith(_IN_BLOCK)]
    return blocks[started[-1]].where if started else blocks[0].where


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


def metric_names(exposition: str) -> set[str]:
    """Every series name a Prometheus text exposition offers, samples or not: a labelled
    metric that has not been observed yet still declares its family."""
    suffixes = {
        "counter": ("_total", "_created"),
        "histogram": ("_bucket", "_count", "_sum", "_created"),
        "summary": ("_count", "_sum", "_created"),
    }
    names: set[str] = set()
    for family in text_string_to_metric_families(exposition):
        names.add(family.name)
        names.update(family.name + suffix for suffix in suffixes.get(family.type, ()))
        names.update(sample.name for sample in family.samples)
    return names


DURATION = r"^([0-9]+(ms|s|m|h|d|w|y))+$"


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    alert: str = Field(min_length=1)
    expr: str = Field(min_length=1)
    for_: str | None = Field(default=None, alias="for", pattern=DURATION)
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}


class RuleGroup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    interval: str | None = Field(default=None, pattern=DURATION)
    rules: list[Rule] = Field(min_length=1)


class RuleFile(BaseModel):
    """The shape of a Prometheus alerting-rule file (recording rules are not used here)."""

    model_config = ConfigDict(extra="forbid")

    groups: list[RuleGroup] = Field(min_length=1)


def rule_problems(block: Block, exported: set[str]) -> list[str]:
    """What is wrong with a `yaml prometheus-rules` block: not YAML, not the shape of a rule
    file, or an expression reading a `sluice_*` series the app does not export."""
    try:
        rules = RuleFile.model_validate(yaml.safe_load(block.text))
    except (yaml.YAMLError, ValidationError) as exc:
        return [f"{block.where}: not a Prometheus rule file: {exc}"]
    return [
        f"{block.where}: alert {rule.alert!r} reads {name}, which /metrics does not export"
        for group in rules.groups
        for rule in group.rules
        for name in sorted(set(_METRIC.findall(rule.expr)) - exported)
    ]
