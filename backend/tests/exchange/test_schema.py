"""The file's models against the store's: a field added to what a version freezes must be
added to the file too, with the same rules (the other kinds inherit their fields)."""

from typing import Any

from sluice.models.api import ApiSettings
from sluice.models.macro import MacroFields
from sluice.services.exchange.schema import ApiBody, MacroBody, MacroDef
from sluice.services.versions import FROZEN_FIELDS

NAMED = {"datasource_id": "datasource"}
"""Fields the file holds by name instead of by id."""


def rules(model: Any) -> dict[str, Any]:
    """Each field's JSON Schema without what only documents it."""
    properties = model.model_json_schema()["properties"]
    return {
        name: {k: v for k, v in schema.items() if k not in ("title", "description", "default")}
        for name, schema in properties.items()
    }


def test_the_file_holds_everything_a_version_freezes_under_the_same_rules() -> None:
    assert set(ApiBody.model_fields) == {NAMED.get(f, f) for f in FROZEN_FIELDS}
    ours, theirs = rules(ApiBody), rules(ApiSettings)
    for name in set(ours) & set(theirs):
        assert ours[name] == theirs[name], name


def test_a_macro_holds_what_its_versions_freeze_under_the_same_rules() -> None:
    assert set(MacroBody.model_fields) == {"kind", "content"}
    ours, theirs = rules(MacroDef), rules(MacroFields)
    assert set(theirs) - set(ours) == {"module_id"}  # a macro's module is where it is written
    for name in set(ours) & set(theirs):
        assert ours[name] == theirs[name], name
