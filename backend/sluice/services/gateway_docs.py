"""The gateway's own OpenAPI 3.1 document: every live API with its params as schemas, and
the client-credentials token flow as the security scheme of the private ones."""

from typing import Any

from sluice.engines.params import ParamDef, param_schema
from sluice.services.registry import LiveApi, Registry

ERROR = {"$ref": "#/components/schemas/Error"}


def document(registry: Registry, title: str = "Sluice gateway") -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {"/token/generate": {"post": _token_operation()}}
    for api in sorted(registry.apis, key=lambda a: (a.module, a.path, a.method)):
        paths.setdefault(f"/{api.module}/{api.path}", {})[api.method.lower()] = _operation(api)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": str(registry.version)},
        "paths": paths,
        "components": {"securitySchemes": _security(), "schemas": _schemas()},
    }


def _operation(api: LiveApi) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": f"{api.module}_{api.method.lower()}_{api.api_id}",
        "tags": [api.module],
        "parameters": [_parameter(p) for p in api.params if p.location != "body"],
        "responses": _responses(api),
    }
    body = [p for p in api.params if p.location == "body"]
    if body:
        operation["requestBody"] = _body(body)
    if api.access != "public":
        operation["security"] = [{"clientToken": []}]
    return operation


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


def _responses(api: LiveApi) -> dict[str, Any]:
    success = {"$ref": "#/components/schemas/Success"}
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
        "Success": {
            "type": "object",
            "properties": {
                "success": {"const": True},
                "message": {"type": ["string", "null"]},
                "data": {},
                "pagination": {"type": "object"},
            },
        },
        "Error": {
            "type": "object",
            "properties": {
                "success": {"const": False},
                "message": {"type": "string"},
                "error": {"type": "string"},
                "request_id": {"type": ["string", "null"]},
                "details": {},
            },
        },
    }
