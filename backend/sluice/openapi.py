"""Writes the admin API's OpenAPI document, from which the dashboard client is generated.

`python -m sluice.openapi frontend/openapi.json`
"""

import sys
from pathlib import Path

import orjson

from sluice.app import create_app
from sluice.config import Settings


def main() -> None:
    app = create_app(Settings(DATABASE_URL="sqlite://", SECRET_KEY="openapi-export"))
    document = orjson.dumps(app.openapi(), option=orjson.OPT_INDENT_2)
    Path(sys.argv[1]).write_bytes(document + b"\n")


if __name__ == "__main__":
    main()
