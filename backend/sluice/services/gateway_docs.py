"""The gateway's own OpenAPI 3.1 document: every live API with its params as schemas, and
the client-credentials token flow as the security scheme of the private ones."""

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from sluice.engines.params import ParamDef, param_schema
from sluice.services.registry import LiveApi, Registry

ERROR = {"$ref": "#/components/schemas/Error"}


def document(registry: Registry, title: str = "Sluice gateway") -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {"/token/generate": {"post": _token_operation()}}
    ids = operation_ids(registry.apis)
    for api in sorted(registry.apis, key=lambda a: (a.module, a.path, a.method)):
        operation = _operation(api, ids[api.api_id])
        paths.setdefault(f"/{api.module}/{api.path}", {})[api.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": str(registry.version)},
        "paths": paths,
        "components": {"securitySchemes": _security(), "schemas": _schemas()},
    }


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
RESERVED_IDS = frozenset({"token_generate"})


def operation_ids(apis: Iterable[LiveApi]) -> dict[int, str]:
    """Each API's operation id, by API id: `module_api_name` in snake_case (the name, else
    the path, else the method). Code generators turn it into a function name, so it must
    read well and not move: the APIs are taken by id, and one whose id another API (with a
    lower id) already took gets `_<its id>` appended, so adding an API never renames one
    already there."""
    ids: dict[int, str] = {}
    taken = set(RESERVED_IDS)
    for api in sorted(apis, key=lambda a: a.api_id):
        stem = f"{_snake(api.module)}_{_snake(api.name) or _snake(api.path) or api.method.lower()}"
        name = stem
        while name in taken:  # `_<id>` once, unless an API is named like the suffixed id
            name = f"{name}_{api.api_id}"
        taken.add(name)
        ids[api.api_id] = name
    return ids


def _snake(text: str) -> str:
    """`List Items`, `listItems`, `list-items` and `Líst items` all read `list_items`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_WORD.sub("_", _CAMEL.sub("_", ascii_text).lower()).strip("_")


def _operation(api: LiveApi, operation_id: str) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "tags": [api.module],
        "parameters": [_parameter(p) for p in api.params if p.location != "body"]
        + _page_parameters(api),
        "responses": _responses(api),
    }
    if api.name:
        operation["summary"] = api.name
    if api.description:
        operation["description"] = api.description
    body = [p for p in api.params if p.location == "body"]
    if body:
        operation["requestBody"] = _body(body)
    if api.access != "public":
        operation["security"] = [{"clientToken": []}]
    return operation


PAGE_PARAMETERS = {
    "page": (("page", 1, "The page, from 1"), ("page_size", 1, "Rows per page")),
    "offset": (("limit", 1, "Rows to return"), ("offset", 0, "Rows to skip first")),
}


def _page_parameters(api: LiveApi) -> list[dict[str, Any]]:
    """The query keys that pick the slice of a paginated API's rows."""
    declared = {p.name for p in api.params}
    return [
        {
            "name": name,
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": minimum},
            "description": description,
        }
        for name, minimum, description in PAGE_PARAMETERS.get(api.pagination, ())
        if name not in declared
    ]


QUERY_ARRAY = (
    "Repeat the key (`{0}=1&{0}=2`) or separate the items with commas (`{0}=1,2`); "
    'an item holding a comma needs the JSON array form (`{0}=["a,b","c"]`).'
)


def _parameter(definition: ParamDef) -> dict[str, Any]:
    parameter: dict[str, Any] = {
        "name": definition.name,
        "in": definition.location,
        "required": definition.required or definition.location == "path",
        "schema": param_schema(definition),
    }
    lines = [definition.description] if definition.description else []
    if definition.type == "array" and definition.location == "query":
        parameter |= {"style": "form", "explode": True}
        lines.append(QUERY_ARRAY.format(definition.name))
    if lines:
        parameter["description"] = "\n\n".join(lines)
    return parameter


def _body(params: list[ParamDef]) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {p.name: param_schema(p) for p in params},
    }
    required = [p.name for p in params if p.required]
    if required:
        schema["required"] = required
    content = {
        "application/json": {"schema": schema},
        "application/x-www-form-urlencoded": {"schema": schema},
    }
    return {"required": bool(required), "content": content}


PAGINATION: dict[str, Any] = {
    "type": "object",
    "properties": {
        "limit": {"type": "integer"},
        "offset": {"type": "integer"},
        "total": {"type": "integer"},
        "has_more": {"type": "boolean"},
        "page": {"type": "integer"},
        "page_size": {"type": "integer"},
    },
    "required": ["limit", "offset", "total", "has_more"],
}
WRITE: dict[str, Any] = {
    "type": "object",
    "properties": {"rows_affected": {"type": "integer"}},
    "required": ["rows_affected"],
}


def data_schema(api: LiveApi) -> dict[str, Any]:
    """What `data` holds: the schema its author declared, else the version's described
    result (`services/result_types`): an array of row objects with typed fields, or a
    write's `{rows_affected}`; any JSON while neither is known."""
    if api.output_schema is not None:
        return api.output_schema
    shape = api.result_shape or {}
    if shape.get("kind") == "write":
        return WRITE
    if shape.get("kind") != "rows":
        return {"description": "The rows (an array of objects) or the write's result"}
    columns = shape["columns"]
    row: dict[str, Any] = {
        "type": "object",
        "properties": {c["name"]: c["schema"] for c in columns},
        "required": [c["name"] for c in columns],
    }
    return {"type": "array", "items": row}


def success_schema(api: LiveApi) -> dict[str, Any]:
    """The success envelope of `api`'s answers, `data` typed (see `data_schema`)."""
    properties: dict[str, Any] = {
        "success": {"type": "boolean", "const": True},
        "message": {"type": ["string", "null"]},
        "data": data_schema(api),
        "truncated": {
            "type": "boolean",
            "description": "Present (true) when the rows were cut at the gateway's cap",
        },
    }
    required = ["success", "data"]
    if api.pagination != "none":
        properties["pagination"] = PAGINATION
        required.append("pagination")
    return {"type": "object", "properties": properties, "required": required}


def _responses(api: LiveApi) -> dict[str, Any]:
    success = success_schema(api)
    responses: dict[str, Any] = {
        "200": {"description": "The data", "content": {"application/json": {"schema": success}}},
        "400": {
            "description": "A parameter is missing or wrong",
            "content": {"application/json": {"schema": ERROR}},
        },
        "429": {
            "description": "Rate or concurrency limited",
            "content": {"application/json": {"schema": ERROR}},
        },
    }
    if api.access != "public":
        responses["401"] = {
            "description": "No valid client token",
            "content": {"application/json": {"schema": ERROR}},
        }
        responses["403"] = {
            "description": "Not granted",
            "content": {"application/json": {"schema": ERROR}},
        }
    return responses


def _token_operation() -> dict[str, Any]:
    credentials = {
        "type": "object",
        "properties": {"client_id": {"type": "string"}, "client_secret": {"type": "string"}},
        "required": ["client_id", "client_secret"],
    }
    token = {
        "type": "object",
        "properties": {
            "access_token": {"type": "string"},
            "token_type": {"type": "string"},
            "expires_in": {"type": "integer"},
        },
    }
    return {
        "operationId": "token_generate",
        "tags": ["token"],
        "summary": "Exchange client credentials for a client token",
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": credentials},
                "application/x-www-form-urlencoded": {"schema": credentials},
            },
        },
        "responses": {
            "200": {"description": "A token", "content": {"application/json": {"schema": token}}},
            "401": {
                "description": "Wrong or inactive client",
                "content": {"application/json": {"schema": ERROR}},
            },
        },
    }


def _security() -> dict[str, Any]:
    flow = {"tokenUrl": "/token/generate", "scopes": {}}
    return {
        "clientToken": {
            "type": "oauth2",
            "flows": {"clientCredentials": flow},
            "description": "POST client_id and client_secret to /token/generate; send the token as Authorization: Bearer <token>.",
        }
    }


def _schemas() -> dict[str, Any]:
    return {
        "Error": {
            "type": "object",
            "properties": {
                "success": {"type": "boolean", "const": False},
                "message": {"type": "string"},
                "error": {"type": "string"},
                "request_id": {"type": ["string", "null"]},
                "details": {},
            },
        },
    }
