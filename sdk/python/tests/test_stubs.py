"""`sluice sdk-stubs MODULE`: the wrappers it writes type-check under `mypy --strict`,
catch a wrong argument, and call the live APIs."""

import asyncio
import datetime
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from sluice_client import AsyncClient, Client
from tests.conftest import Live

USAGE = """\
import asyncio

from demo_api import AsyncDemo, Demo
from sdk_api import Sdk
from sluice_client import AsyncClient, Client


def books(client: Client) -> list[str]:
    rows = Demo(client).list_products(category="books", in_stock=True, page_size=5)
    return [row["name"] for row in rows]


def odd(client: Client) -> object:
    return Sdk(client).odd_names_keywords_a_header_an_array(7, x_tenant="t1", class_="a")


async def orders(client: AsyncClient) -> int:
    return len(await AsyncDemo(client).list_orders(status="new", page_size=3))


def run(client: Client, other: AsyncClient) -> None:
    books(client)
    odd(client)
    asyncio.run(orders(other))
"""

MISTAKES = """\
from demo_api import Demo
from sdk_api import Sdk
from sluice_client import Client


def wrong(client: Client) -> None:
    Demo(client).list_products(category="toys")
    Demo(client).get_a_product("seven")
    Sdk(client).odd_names_keywords_a_header_an_array(7)
"""


@pytest.fixture(scope="module")
def stubs(live: Live, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stubs")
    for module in ("demo", "sdk"):
        command = [sys.executable, "-m", "sluice.cli", "sdk-stubs", module]
        command += ["--output", str(folder / f"{module}_api.py")]
        done = subprocess.run(
            command, env=live.env, cwd=live.data_dir.parent, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert f"{module}_api.py" in done.stdout
    return folder


def mypy(folder: Path, *files: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mypy", "--strict", "--no-error-summary"]
    command += ["--cache-dir", str(folder / ".mypy_cache"), *files]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True)


def test_the_wrappers_type_check_and_wrong_calls_do_not(stubs: Path) -> None:
    (stubs / "usage.py").write_text(USAGE)
    (stubs / "mistakes.py").write_text(MISTAKES)
    checked = mypy(stubs, "demo_api.py", "sdk_api.py", "usage.py", "mistakes.py")
    errors = [line for line in checked.stdout.splitlines() if ": error:" in line]
    assert [line.split(":")[0:2] for line in errors] == [
        ["mistakes.py", "7"],
        ["mistakes.py", "8"],
        ["mistakes.py", "9"],
    ], checked.stdout
    assert "'toys'" in errors[0] and '"str"' in errors[1] and '"x_tenant"' in errors[2]


def test_the_wrappers_are_formatted_code(stubs: Path) -> None:
    ruff = [sys.executable, "-m", "ruff"]
    for command in (["format", "--check"], ["check", "--select", "E,W,F,I,B,UP"]):
        done = subprocess.run(
            [*ruff, *command, "--line-length", "100", "demo_api.py", "sdk_api.py"],
            cwd=stubs,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def load(folder: Path, name: str) -> ModuleType:
    """Import a written module from its file, as an app would after generating it."""
    spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_wrappers_call_the_live_apis(live: Live, stubs: Path) -> None:
    demo, sdk = load(stubs, "demo_api"), load(stubs, "sdk_api")
    with Client(live.url, *live.credentials("main")) as client:
        books = demo.Demo(client).list_products(category="books", page_size=3)
        product = demo.Demo(client).get_a_product(books[0]["id"])
        created = demo.Demo(client).create_an_order(customer_id=2)
        at = datetime.datetime(2025, 1, 31, 12, 30, tzinfo=datetime.UTC)
        odd = sdk.Sdk(client).odd_names_keywords_a_header_an_array(
            7, x_tenant="t1", class_="b", self_=2, at=at, tags=[1, 2], note=None
        )
    assert [b["category"] for b in books] == ["books"] * 3
    assert product["id"] == books[0]["id"] and "price" in product
    assert created[0]["status"] == "new"  # the API's default, since status was not sent
    assert odd == {
        "from": 7,
        "class": "b",
        "self": 2,
        "at": odd["at"],
        "x_tenant": "t1",
        "tags": [1, 2],
        "note": None,
    }
    assert odd["at"].startswith("2025-01-31")


def test_the_async_wrappers_call_the_live_apis(live: Live, stubs: Path) -> None:
    demo = load(stubs, "demo_api")

    async def main() -> list[dict[str, object]]:
        async with AsyncClient(live.url, *live.credentials("main")) as client:
            rows: list[dict[str, object]] = await demo.AsyncDemo(client).list_orders(
                status="shipped", page_size=4
            )
            return rows

    orders = asyncio.run(main())
    assert len(orders) == 4 and {o["status"] for o in orders} == {"shipped"}


def test_an_unknown_module_is_an_error(live: Live) -> None:
    command = [sys.executable, "-m", "sluice.cli", "sdk-stubs", "no-such-module"]
    done = subprocess.run(
        command, env=live.env, cwd=live.data_dir.parent, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "no-such-module" in done.stderr
