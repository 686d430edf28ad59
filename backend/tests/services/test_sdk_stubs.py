"""`sluice sdk-stubs`: the text of the wrappers, from the published versions only.

That the wrappers type-check under `mypy --strict` and call a live gateway is tested with
the SDK (sdk/python/tests/test_stubs.py), which the backend does not import."""

import ast
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from sluice.engines.params import ParamDef
from sluice.errors import NotFound
from sluice.services.sdk_stubs import StubApi, class_name, module_stubs, render
from tests.factories import make_api, make_module, publish

SCRIPT = "def execute(params):\n    return 1\n"


def methods(text: str, cls: str) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    tree = ast.parse(text)
    found = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls)
    return {n.name: n for n in found.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def signature(function: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[list[str], list[str]]:
    """(positional names, keyword-only names as `name: annotation [= default]`)."""
    arguments = function.args
    keywords = [
        f"{a.arg}: {ast.unparse(a.annotation or ast.Constant(None))}"
        + ("" if d is None else f" = {ast.unparse(d)}")
        for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
    ]
    return [a.arg for a in arguments.args], keywords


def test_only_the_published_versions_of_the_module(
    client: TestClient, admin_headers: dict[str, str], session: Session
) -> None:
    module = make_module(client, admin_headers, name="shop-2")
    other = make_module(client, admin_headers, name="other")
    published = make_api(
        client,
        admin_headers,
        module_id=module["id"],
        name="Find items",
        path="items",
        engine="script",
        content=SCRIPT,
        params=[{"name": "q", "location": "query", "type": "string"}],
    )
    publish(client, admin_headers, published["id"])
    client.patch(  # a draft change after the publish: not what the gateway serves
        f"/api/v1/apis/{published['id']}",
        json={"params": [{"name": "changed", "location": "query", "type": "string"}]},
        headers=admin_headers,
    ).raise_for_status()
    make_api(client, admin_headers, module_id=module["id"], path="draft", engine="script")
    elsewhere = make_api(
        client, admin_headers, module_id=other["id"], path="items", engine="script", content=SCRIPT
    )
    publish(client, admin_headers, elsewhere["id"])

    text = module_stubs(session, "shop-2")
    assert set(methods(text, "Shop2")) == {"__init__", "find_items"}
    assert signature(methods(text, "Shop2")["find_items"]) == (["self"], ["q: str | None = None"])
    assert isinstance(methods(text, "AsyncShop2")["find_items"], ast.AsyncFunctionDef)
    assert '"shop-2/items"' in text


def test_an_unknown_module(session: Session) -> None:
    with pytest.raises(NotFound):
        module_stubs(session, "nothing")


def stub(name: str, path: str, *params: dict[str, Any], **fields: Any) -> StubApi:
    return StubApi(
        module=fields.get("module", "m"),
        name=name,
        method=fields.get("method", "GET"),
        path=path,
        access="private",
        pagination=fields.get("pagination", "none"),
        description=fields.get("description"),
        params=tuple(ParamDef.model_validate(p) for p in params),
    )


def test_names_and_types() -> None:
    apis = [
        stub(
            "Odd",
            "odd/{from}/{raw}",
            {"name": "from", "location": "path", "type": "integer", "required": True},
            {"name": "class", "location": "query", "type": "string", "enum": ["a", 'b"c']},
            {"name": "self", "location": "query", "type": "integer", "enum": [1, 2]},
            {"name": "x_key", "location": "header", "type": "string", "required": True},
            {"name": "ids", "location": "body", "type": "array", "items": "integer"},
            {"name": "any", "location": "body", "type": "array"},
            {"name": "day", "location": "query", "type": "date"},
            {"name": "meta", "location": "body", "type": "object"},
            {"name": "ratio", "location": "query", "type": "number", "enum": [0.5]},
            method="POST",
        ),
        stub("Odd", "odd", pagination="page"),  # the same name: the route names it
        stub("!!!", "rows", pagination="offset"),  # no usable name: the route names it
    ]
    text = render("2nd-module", None, apis)
    found = methods(text, "Module2ndModule")
    assert set(found) == {"__init__", "odd", "get_odd", "get_rows"}
    assert signature(found["odd"]) == (
        ["self", "from_", "raw"],
        [
            "x_key: str",
            "class_: Literal['a', 'b\"c'] | None = None",
            "self_: Literal[1, 2] | None = None",
            "ids: list[int] | None = None",
            "any: list[Any] | None = None",
            "day: datetime.date | str | None = None",
            "meta: dict[str, Any] | None = None",
            "ratio: float | None = None",
        ],
    )
    call = ast.unparse(found["odd"].body[-1])
    assert "quote(str(from_), safe='')" in call and "quote(str(raw), safe='')" in call
    assert "'x-key': _text(x_key)" in call and "'class': class_" in call
    assert "_present({'ids': ids, 'any': any, 'meta': meta})" in call
    assert signature(found["get_odd"])[1] == [
        "page: int | None = None",
        "page_size: int | None = None",
    ]
    assert signature(found["get_rows"])[1] == [
        "limit: int | None = None",
        "offset: int | None = None",
    ]


@pytest.mark.parametrize(
    "description",
    ['Quotes """ inside', 'Ends with a quote"', "A backslash \\n stays", "Two\n\nlines"],
)
def test_descriptions_become_docstrings_as_written(description: str) -> None:
    text = render("m", description, [stub("Get", "x", description=description)])
    tree = ast.parse(text)
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef))
    assert ast.get_docstring(cls, clean=True) == description
    assert description.splitlines()[0] in (ast.get_docstring(cls.body[2]) or "")  # type: ignore[arg-type]


def test_class_names() -> None:
    assert [class_name(m) for m in ("demo", "my-shop_v2", "2fa")] == [
        "Demo",
        "MyShopV2",
        "Module2fa",
    ]
