"""Docs that cannot rot: every setting is documented and in .env.example."""

import re
from pathlib import Path

from sluice.config import Settings
from sluice.engines.script.sandbox import compile_script
from sluice.engines.sql import compile_template

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_in_the_env_reference_and_the_example() -> None:
    reference = ROOT.joinpath("docs", "ENV_REFERENCE.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", reference, re.MULTILINE))
    example = ROOT.joinpath(".env.example").read_text()
    in_example = set(re.findall(r"^#? ?([A-Z_]+)=", example, re.MULTILINE))
    settings = set(Settings.model_fields)
    assert settings - documented == set()
    assert settings - in_example == set()
    assert documented - settings == set()


def test_every_contract_variable_is_a_setting() -> None:
    contract = [
        "DATABASE_URL",
        "POSTGRES_SERVER",
        "POSTGRES_PORT",
        "POSTGRES_USER",
        "POSTGRES_PASSWORD",
        "POSTGRES_DB",
        "REDIS_URL",
        "SECRET_KEY",
        "FIRST_SUPERUSER",
        "FIRST_SUPERUSER_PASSWORD",
        "FLOW_CONTROL_RATE_LIMIT_ENABLED",
        "FLOW_CONTROL_RATE_LIMIT_PER_MINUTE",
        "FLOW_CONTROL_MAX_CONCURRENT_PER_CLIENT",
        "SCRIPT_EXEC_TIMEOUT",
        "SCRIPT_EXTRA_MODULES",
        "GATEWAY_ACCESS_LOG_BODY",
        "EXTERNAL_DB_POOL_SIZE",
        "EXTERNAL_DB_STATEMENT_TIMEOUT",
    ]
    assert set(contract) <= set(Settings.model_fields)


def test_every_sql_example_in_the_user_guide_compiles_and_renders() -> None:
    guide = ROOT.joinpath("docs", "USER_GUIDE.md").read_text()
    examples = re.findall(r"```sql\n(.*?)```", guide, re.DOTALL)
    assert examples
    context = {"name": "ada", "min_age": 30, "age": 31, "id": 7}
    for example in examples:
        rendered = compile_template(example).render(context | {"params": context}, "format")
        assert rendered.statements, example
        assert "ada" not in rendered.statements[0].sql


def test_every_python_example_in_the_user_guide_compiles_in_the_sandbox() -> None:
    guide = ROOT.joinpath("docs", "USER_GUIDE.md").read_text()
    examples = re.findall(r"```python\n(.*?)```", guide, re.DOTALL)
    assert examples
    for example in examples:
        compile_script(example)
