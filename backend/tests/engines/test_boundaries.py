"""The engines know nothing of HTTP, the app store or a database driver."""

import subprocess
import sys

FORBIDDEN = (
    "fastapi",
    "starlette",
    "sqlmodel",
    "sqlalchemy",
    "psycopg",
    "pymysql",
    "asyncmy",
    "trino",
    "sqlite3",
)


def test_the_engines_import_no_web_framework_store_or_driver() -> None:
    code = (
        "import sys, sluice.engines.sql, sluice.engines.params\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({FORBIDDEN!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
