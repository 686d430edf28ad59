"""Docs that cannot rot: every example in the script chapter compiles, and the ones that
need no database run."""

import re
import textwrap

import pytest

import sluice.engines.script as engine
from sluice.engines.script.errors import ScriptRejected
from sluice.engines.script.workers import ScriptPool

pytestmark = pytest.mark.anyio


def examples() -> list[str]:
    doc = engine.__doc__ or ""
    blocks = re.findall(r"(?:^      .*\n(?:\n(?=      ))?)+", doc, re.MULTILINE)
    return [textwrap.dedent(block) for block in blocks]


def test_the_guide_has_examples_and_each_compiles(pool: ScriptPool) -> None:
    found = examples()
    assert len(found) >= 4
    for example in found:
        pool.check(example)


async def test_the_guide_examples_behave_as_documented(pool: ScriptPool) -> None:
    transform, validate = (
        next(e for e in examples() if f"def {n}" in e) for n in ("transform", "validate")
    )
    outcome = await pool.run(transform, kind="transform", result=[{"name": "ada lovelace"}])
    assert outcome.value == [{"name": "Ada Lovelace"}]
    assert (await pool.run(validate, kind="validate", params={"start": 1, "end": 2})).value is None
    with pytest.raises(ScriptRejected, match="end must not be before start"):
        await pool.run(validate, kind="validate", params={"start": 2, "end": 1})
    optional = next(e for e in examples() if "params.get" in e)
    assert (await pool.run(optional, params={})).value == {"limit": 20}
    assert (await pool.run(optional, params={"limit": 5})).value == {"limit": 5}
