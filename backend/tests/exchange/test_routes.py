"""The admin routes: the schema (public, and it validates exports), who may export and
import, and bodies refused before anything reads them."""

import jsonschema
from sqlmodel import Session

from sluice.services.exchange.yaml_text import load_yaml
from tests.conftest import AppFactory
from tests.exchange.conftest import YAML, Side, side_of
from tests.exchange.world import build
from tests.factories import make_api, make_module, user_with_role


def test_the_schema_is_public_and_validates_an_export(source: Side) -> None:
    build(source)
    schema = source.client.get("/api/v1/export/schema")
    assert schema.status_code == 200
    document = load_yaml(source.export()).data

    jsonschema.validate(document, schema.json())

    document["modules"][0]["apis"][0]["method"] = "FETCH"
    errors = list(jsonschema.Draft202012Validator(schema.json()).iter_errors(document))
    assert [list(e.absolute_path)[-1] for e in errors] == ["method"]


def test_a_viewer_exports_a_developer_imports_neither_more(source: Side) -> None:
    build(source)
    with Session(source.app.state.engine) as session:
        viewer = user_with_role(source.client, session, "viewer")
        developer = user_with_role(source.client, session, "developer")
    exported = source.client.get("/api/v1/export", headers=viewer)
    assert exported.status_code == 200

    refused = source.client.post("/api/v1/import", content=exported.content, headers=viewer | YAML)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Missing permission datasource:write"
    done = source.client.post("/api/v1/import", content=exported.content, headers=developer | YAML)
    assert done.status_code == 200 and not done.json()["changed"]


def test_an_export_of_names_that_are_not_unique_or_an_unknown_module_is_refused(
    source: Side,
) -> None:
    module = make_module(source.client, source.admin)["id"]
    for path in ("a", "b"):
        make_api(source.client, source.admin, module_id=module, name="Same", path=path)

    unknown = source.client.get("/api/v1/export?module=nope", headers=source.admin)
    assert (unknown.status_code, unknown.json()["detail"]) == (404, "Module 'nope' not found")
    twice = source.client.get("/api/v1/export", headers=source.admin)
    assert twice.status_code == 409
    assert twice.json()["detail"] == (
        "api shop/Same: two APIs of module shop have this name (GET a and GET b); rename one first"
    )
    other = make_module(source.client, source.admin, "other")["id"]
    make_api(source.client, source.admin, module_id=other, name="Fine", path="fine")
    assert source.client.get("/api/v1/export?module=other", headers=source.admin).status_code == 200
    text = "format_version: 1\nmodules:\n- name: shop\n  apis:\n  - {name: Same, path: c, method: GET, access: public}\n"
    refused = source.send(text)
    assert refused.status_code == 422
    assert "in the target, two APIs of module shop have this name" in refused.text


def test_a_body_that_is_not_yaml_or_too_large_is_refused_before_it_is_read(
    app_factory: AppFactory,
) -> None:
    for side in side_of(app_factory(MAX_REQUEST_BODY_BYTES=1000)):
        text = "format_version: 1\n"
        plain = side.client.post(
            "/api/v1/import",
            content=text,
            headers=side.admin | {"Content-Type": "text/plain"},
        )
        assert plain.status_code == 415
        assert (
            plain.json()["detail"]
            == "Send the definitions file with Content-Type: application/yaml"
        )
        large = side.send(text + "#" * 1000 + "\n")
        assert large.status_code == 413
        assert side.send("format_version: 1\n").json()["created"] == []
        assert side.send('{"format_version": 1}').status_code == 200  # JSON is YAML
