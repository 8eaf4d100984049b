"""Calls a function's handler in-process with the API Gateway v2 event the local HTTP API (and AWS)
would build, with the claims of a real Cognito access token."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt

from infra.local.http_api import build_event, routes_from_template
from infra.local.lambda_runtime import LocalContext
from infra.local.template import Resolver


@dataclass
class ApiResponse:
    status: int
    body: Any
    headers: dict[str, str]
    raw: bytes = field(default=b"", repr=False)

    @property
    def error(self) -> dict[str, Any]:
        return dict(self.body["error"])


def claims_of(access_token: str) -> dict[str, Any]:
    """What the authorizer passes on after verifying (the local HTTP API tests the verifying)."""
    return dict(jwt.decode(access_token, options={"verify_signature": False}))


class InProcessApi:
    def __init__(self, resolver: Resolver, handlers: dict[str, Any], source_ip: str = "192.0.2.10") -> None:
        """handlers: the template's function name -> its handler, e.g. {"AccountsFunction": handler}."""
        self._routes = routes_from_template(resolver, "http://unused")
        self._handlers = handlers
        self.source_ip = source_ip

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json_body: Any = None,
        raw_body: str | None = None,
        query: dict[str, str] | None = None,
        language: str | None = None,
        headers: dict[str, str] | None = None,
        body_bytes: bytes | None = None,
    ) -> ApiResponse:
        route = next((r for r in self._routes if r.method == method and r.pattern.match(path)), None)
        assert route is not None, f"no route {method} {path} in template.yaml"
        match = route.pattern.match(path)
        assert match is not None
        sent = {"content-type": "application/json", "user-agent": "pytest"}
        if language:
            sent["accept-language"] = language
        if token:
            sent["authorization"] = f"Bearer {token}"
        sent.update({k.lower(): v for k, v in (headers or {}).items()})
        claims = claims_of(token) if token and route.authorizer else None
        body = raw_body if raw_body is not None else (json.dumps(json_body) if json_body is not None else "")
        event = build_event(
            route.route_key,
            method,
            path,
            urlencode(query or {}),
            sent,
            body_bytes if body_bytes is not None else body.encode(),
            claims,
            self.source_ip,
            match.groupdict(),
        )
        result = self._handlers[route.function](event, LocalContext(route.function, "test-request"))
        text = result.get("body") or ""
        raw = base64.b64decode(text) if result.get("isBase64Encoded") else text.encode()
        response_headers = {k.lower(): v for k, v in (result.get("headers") or {}).items()}
        is_json = response_headers.get("content-type", "application/json").startswith("application/json")
        return ApiResponse(
            status=int(result["statusCode"]),
            body=json.loads(raw) if raw and is_json else None,
            headers=response_headers,
            raw=raw,
        )

    def fetch(self, url: str) -> ApiResponse:
        """Follows a link this API handed out (e.g. a download link), as a browser would: no token."""
        parts = urlsplit(url)
        return self.call("GET", parts.path, query=dict(parse_qsl(parts.query)))
