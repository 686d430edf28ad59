import re
from pathlib import Path

from sluice.gateway.errors import GATEWAY_CODES

ROOT = Path(__file__).resolve().parents[3]


def test_every_gateway_code_is_documented_with_its_status() -> None:
    text = ROOT.joinpath("docs", "TECHNICAL.md").read_text()
    documented = dict(re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \|", text, re.MULTILINE))
    assert {code: int(status) for code, status in documented.items()} == GATEWAY_CODES
