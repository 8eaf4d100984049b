"""Writes the OpenAPI document of every HTTP function, generated from the same pydantic models the
handlers validate with (`make openapi`; a test fails when openapi.json is out of date).

powertools generates each function's part from its routes; this module then makes the responses say
what the API really answers, one rule for every operation (tests/functional/test_contract.py holds the
API to it with schemathesis):
- every operation documents its success status (200 unless the route says otherwise; 204 without a body);
- every error response carries the one envelope `Error` (`{"error": {"code", "message", "fields"?}}`),
  never the success model and never FastAPI's `HTTPValidationError`;
- what every operation can answer is documented on every operation: 422 (the body and parameter gates,
  each wrong field named), 413 and 415 where there is a body, 401 where a token is needed (with the
  shape API Gateway's own authorizer answers), 403 on agent routes, 503 with Retry-After.
"""

from __future__ import annotations

import importlib
import json
import sys
import typing
from typing import Any

from pydantic import BaseModel, Field, TypeAdapter

from infra.local.template import ROOT, Resolver, load

FUNCTIONS_DIR = ROOT / "functions"
ERROR_REF = {"$ref": "#/components/schemas/Error"}
JSON = "application/json"


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, machine-readable: validation_error, not_found, forbidden, …")
    message: str = Field(description="For people, in the language Accept-Language asked for (de, en)")
    fields: dict[str, str] | None = Field(
        default=None,
        description="Each wrong field with its message; nested fields as `consent.version`, items as `cc[0]`",
    )


class Error(BaseModel):
    """Every error the functions answer."""

    error: ErrorDetail


class GatewayMessage(BaseModel):
    """What API Gateway answers itself: its JWT authorizer's 401 (no, malformed or expired token), an
    unknown route's 404, a function that failed to answer (500)."""

    message: str


def _error_content(*alternatives: dict[str, Any]) -> dict[str, Any]:
    schema = alternatives[0] if len(alternatives) == 1 else {"oneOf": list(alternatives)}
    return {JSON: {"schema": schema}}


RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before trying again", "schema": {"type": "integer"}}
}
# Ids, tokens and keys in a path are URL-safe text (ULIDs, user ids, base64url tokens, slugs); an
# address in a path (a CC) is an address.
PATH_ID = {"type": "string", "pattern": "^[A-Za-z0-9._~-]{1,2048}$"}
PATH_EMAIL = {"type": "string", "format": "email", "minLength": 3, "maxLength": 254}
COMMON: dict[str, dict[str, Any]] = {
    "400": {
        "description": "A path the gateway cannot decode (a stray `%`) gets API Gateway's own answer",
        "content": _error_content(ERROR_REF, {"$ref": "#/components/schemas/GatewayMessage"}),
    },
    "401": {
        "description": "No valid access token, or the session was ended (sign-out, password change). "
        'API Gateway\'s authorizer answers `{"message": "Unauthorized"}`; a token API Gateway accepted '
        "but the session check refuses gets the envelope with code `session_ended` or `unauthorized`.",
        "content": _error_content(ERROR_REF, {"$ref": "#/components/schemas/GatewayMessage"}),
    },
    "403": {"description": "Not allowed for this caller", "content": _error_content(ERROR_REF)},
    "404": {
        "description": "No such resource, or not visible to the caller. A path no route has gets API "
        'Gateway\'s own `{"message": "Not Found"}`.',
        "content": _error_content(ERROR_REF, {"$ref": "#/components/schemas/GatewayMessage"}),
    },
    "413": {"description": "Body larger than this route takes", "content": _error_content(ERROR_REF)},
    "414": {
        "description": "Address (path and query) too long: answered by the gateway",
        "content": _error_content(ERROR_REF, {"$ref": "#/components/schemas/GatewayMessage"}),
    },
    "415": {"description": "The body is not `application/json`", "content": _error_content(ERROR_REF)},
    "422": {
        "description": "Invalid input: every wrong field named in `fields`",
        "content": _error_content(ERROR_REF),
    },
    "503": {
        "description": "A service this one depends on is busy or down; try again after Retry-After",
        "headers": RETRY_AFTER,
        "content": _error_content(ERROR_REF),
    },
}


def _success_status(route: Any) -> int:
    returned = typing.get_type_hints(route.func).get("return")
    args = typing.get_args(returned)
    return 204 if args and args[0] is type(None) else 200


def _complete_route_responses(app: Any, names: dict[tuple[str, str], tuple[str, str]]) -> None:
    """A route that lists its error responses but no 2xx would lose its success response in the
    generated document: add it (200 with the returned model, or 204). Also notes each route's
    function, whose name becomes its operationId (what generated clients call it)."""
    for route in [*app._static_routes, *app._dynamic_routes]:
        for method in [route.method] if isinstance(route.method, str) else route.method:
            names[(method.lower(), route.openapi_path)] = (route.func.__name__, route.func.__module__)
        responses = route.responses or {}
        if responses and not any(200 <= int(code) < 300 for code in responses):
            status = _success_status(route)
            description = "Done" if status == 204 else "OK"
            route.responses = {status: {"description": description}, **responses}


def _text_rule(schema: dict[str, Any]) -> None:
    """Query and path parameters: the body's rule for text (shared.resolver checks every parameter)."""
    from shared.validation import text_pattern

    if schema.get("type") == "string" and not {"format", "enum", "const", "pattern"} & set(schema):
        schema["pattern"] = text_pattern(multiline=False, nonblank=int(schema.get("minLength", 0)) >= 1)
    for option in schema.get("anyOf", []):
        _text_rule(option)


def _operation(path: str, method: str, operation: dict[str, Any], secured: bool) -> None:
    responses: dict[str, Any] = {}
    for status, response in operation.get("responses", {}).items():
        code = int(status)
        if code == 204:
            response.pop("content", None)
        elif code >= 400:
            response = {**response, "content": _error_content(ERROR_REF)}
            if code in (429, 503):
                response["headers"] = RETRY_AFTER
        responses[str(status)] = response
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "path":
            parameter["schema"] = {**(PATH_EMAIL if parameter["name"] == "email" else PATH_ID)}
        _text_rule(parameter.get("schema", {}))
    needed = ["414", "422", "503"]
    if "requestBody" in operation:
        needed += ["413", "415"]
    if secured:
        needed.append("401")
    if path.startswith("/agent/"):
        needed.append("403")
    if "{" in path:
        needed += ["400", "404"]
    for status in needed:
        described = responses.get(status, {}).get("description")
        if described == "Validation Error":  # powertools' default words
            described = None
        responses[status] = {**COMMON[status], **({"description": described} if described else {})}
        if status in ("400", "401", "404", "414"):
            responses[status]["content"] = COMMON[status]["content"]
    operation["responses"] = dict(sorted(responses.items()))


def _operation_ids(paths: dict[str, Any], names: dict[tuple[str, str], tuple[str, str]]) -> None:
    """operationId = the handler's name ("submit", "list_tickets"); a name two routes share gets its
    module's name in front ("calendars_get", "organisations_get")."""
    counts: dict[str, int] = {}
    for name, _ in names.values():
        counts[name] = counts.get(name, 0) + 1
    for path, operations in paths.items():
        for method, operation in operations.items():
            name, module = names[(method, path)]
            operation["operationId"] = name if counts[name] == 1 else f"{module.rsplit('.', 1)[-1]}_{name}"
    ids = [o["operationId"] for ops in paths.values() for o in ops.values()]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def document() -> dict[str, Any]:
    if str(FUNCTIONS_DIR) not in sys.path:
        sys.path.insert(0, str(FUNCTIONS_DIR))
    resolver = Resolver(load())
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "Support portal API",
            "version": "1.0.0",
            "description": 'Errors: {"error": {"code", "message", "fields"?}} (schema `Error`), German unless '
            "Accept-Language asks for English. Routes not marked public need a Cognito access token. "
            "Lists are `{items, next_cursor}`: pass `next_cursor` back as `cursor` for the next page. "
            "PATCH changes only the fields sent; `null` removes an optional value.",
        },
        "servers": [
            {"url": "http://localhost:3000", "description": "`make run` (the local stack)"},
            {
                "url": "https://{api}.execute-api.{region}.amazonaws.com",
                "description": "A deployed stack (its `ApiUrl` output)",
                "variables": {"api": {"default": "api-id"}, "region": {"default": "eu-central-1"}},
            },
        ],
        "paths": {},
        "components": {
            "schemas": {},
            "securitySchemes": {"cognito": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }
    names: dict[tuple[str, str], tuple[str, str]] = {}
    for logical, function in sorted(resolver.resources("AWS::Serverless::Function").items()):
        events = function["Properties"].get("Events", {}).values()
        http = [e["Properties"] for e in events if e.get("Type") == "HttpApi"]
        if not http:
            continue
        module_name = function["Properties"]["Handler"].rpartition(".")[0]
        app = importlib.import_module(module_name).app
        _complete_route_responses(app, names)
        schema = app.get_openapi_schema(title=logical).model_dump(
            mode="json", by_alias=True, exclude_none=True
        )
        public = {
            (p["Method"].lower(), p["Path"]) for p in http if p.get("Auth", {}).get("Authorizer") == "NONE"
        }
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                secured = (method, path) not in public
                if secured:
                    operation["security"] = [{"cognito": []}]
                _operation(path, method, operation, secured)
            merged["paths"][path] = operations
        merged["components"]["schemas"].update(schema.get("components", {}).get("schemas", {}))
    _operation_ids(merged["paths"], names)
    found = merged["components"]["schemas"]
    for unused in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        found.pop(unused, None)
    error_schema = TypeAdapter(Error).json_schema(ref_template="#/components/schemas/{model}")
    found.update(error_schema.pop("$defs", {}))
    found["Error"] = error_schema
    found["GatewayMessage"] = TypeAdapter(GatewayMessage).json_schema()
    return merged


if __name__ == "__main__":
    json.dump(document(), sys.stdout, indent=2, ensure_ascii=False, sort_keys=True)
    sys.stdout.write("\n")
