"""Writes the OpenAPI document of every HTTP function, generated from the same pydantic models the
handlers validate with (`make openapi`; a test fails when openapi.json is out of date)."""

from __future__ import annotations

import importlib
import json
import sys
from typing import Any

from infra.local.template import ROOT, Resolver, load

FUNCTIONS_DIR = ROOT / "functions"


def document() -> dict[str, Any]:
    if str(FUNCTIONS_DIR) not in sys.path:
        sys.path.insert(0, str(FUNCTIONS_DIR))
    resolver = Resolver(load())
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "Support portal API",
            "version": "1.0.0",
            "description": 'Errors: {"error": {"code", "message", "fields"?}}; German unless '
            "Accept-Language asks for English. Routes not marked public need a Cognito access token.",
        },
        "paths": {},
        "components": {
            "schemas": {},
            "securitySchemes": {"cognito": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }
    for logical, function in sorted(resolver.resources("AWS::Serverless::Function").items()):
        events = function["Properties"].get("Events", {}).values()
        http = [e["Properties"] for e in events if e.get("Type") == "HttpApi"]
        if not http:
            continue
        module_name = function["Properties"]["Handler"].rpartition(".")[0]
        app = importlib.import_module(module_name).app
        schema = app.get_openapi_schema(title=logical).model_dump(
            mode="json", by_alias=True, exclude_none=True
        )
        public = {
            (p["Method"].lower(), p["Path"]) for p in http if p.get("Auth", {}).get("Authorizer") == "NONE"
        }
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                if (method, path) not in public:
                    operation["security"] = [{"cognito": []}]
            merged["paths"][path] = operations
        merged["components"]["schemas"].update(schema.get("components", {}).get("schemas", {}))
    return merged


if __name__ == "__main__":
    json.dump(document(), sys.stdout, indent=2, ensure_ascii=False, sort_keys=True)
    sys.stdout.write("\n")
