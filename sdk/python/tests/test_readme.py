"""The README's examples (its ```` ```python runnable ```` blocks) run, in order, in one
namespace, against the live server: `http://127.0.0.1:8000` in them is its address, and
the client app's credentials are in the environment, as the examples read them."""

import re
from pathlib import Path

import pytest

from sluice_client import Client
from tests.conftest import Live

README = Path(__file__).parents[1] / "README.md"
BLOCK = re.compile(r"^```python runnable\n(.*?)^```", re.MULTILINE | re.DOTALL)


def test_the_readme_examples_run(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    client_id, client_secret = live.credentials("main")
    monkeypatch.setenv("SLUICE_CLIENT_ID", client_id)
    monkeypatch.setenv("SLUICE_CLIENT_SECRET", client_secret)
    text = README.read_text()
    blocks = BLOCK.findall(text)
    assert len(blocks) >= 8
    namespace: dict[str, object] = {"__name__": "readme"}
    try:
        for number, block in enumerate(blocks, start=1):
            code = compile(
                block.replace("http://127.0.0.1:8000", live.url), f"block {number}", "exec"
            )
            exec(code, namespace)
    finally:
        for value in namespace.values():
            if isinstance(value, Client):
                value.close()
