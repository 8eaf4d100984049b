"""The local HTTP API: turns each request into the API Gateway (HTTP API, payload 2.0) event that AWS
would send, after verifying the JWT exactly where the template puts the authorizer, and calls the
function the template names. Also serves the OpenAPI document, Swagger UI and the outbox."""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt

from infra.local.lambda_runtime import FunctionProcess
from infra.local.template import Resolver


@dataclass(frozen=True)
class JwtAuthorizer:
    issuer: str
    audience: tuple[str, ...]
    jwks_url: str


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    pattern: re.Pattern[str]
    function: str
    authorizer: JwtAuthorizer | None

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"


def _pattern(path: str) -> re.Pattern[str]:
    regex = ""
    for part in re.split(r"(\{[^}]+\})", path):
        if part.startswith("{") and part.endswith("+}"):
            regex += f"(?P<{part[1:-2]}>.+)"
        elif part.startswith("{"):
            regex += f"(?P<{part[1:-1]}>[^/]+)"
        else:
            regex += re.escape(part)
    return re.compile(f"^{regex}$")


def routes_from_template(resolver: Resolver, moto_endpoint: str) -> list[Route]:
    authorizers: dict[str, dict[str, JwtAuthorizer]] = {}
    defaults: dict[str, str | None] = {}
    for api_id, api in resolver.resources("AWS::Serverless::HttpApi").items():
        auth = resolver.resolve(api.get("Properties", {}).get("Auth", {}))
        defaults[api_id] = auth.get("DefaultAuthorizer")
        authorizers[api_id] = {}
        for name, config in auth.get("Authorizers", {}).items():
            jwt_config = config["JwtConfiguration"]
            pool_id = jwt_config["issuer"].rstrip("/").rsplit("/", 1)[1]
            authorizers[api_id][name] = JwtAuthorizer(
                issuer=jwt_config["issuer"],
                audience=tuple(jwt_config.get("audience", [])),
                jwks_url=f"{moto_endpoint}/{pool_id}/.well-known/jwks.json",
            )
    routes = []
    for logical, function in resolver.resources("AWS::Serverless::Function").items():
        for event in function.get("Properties", {}).get("Events", {}).values():
            if event.get("Type") != "HttpApi":
                continue
            props = event["Properties"]
            api_ref = props.get("ApiId", {}).get("Ref") if isinstance(props.get("ApiId"), dict) else None
            api_id = api_ref or next(iter(authorizers), "")
            name = props.get("Auth", {}).get("Authorizer", defaults.get(api_id))
            authorizer = None if name in (None, "NONE") else authorizers[api_id][name]
            routes.append(
                Route(props["Method"].upper(), props["Path"], _pattern(props["Path"]), logical, authorizer)
            )
    return routes


def _claim_value(value: Any) -> str:
    """API Gateway hands claims to the function as strings, arrays as "[a b]"."""
    if isinstance(value, list):
        return "[" + " ".join(str(v) for v in value) + "]"
    return str(value)


def build_event(
    route_key: str,
    method: str,
    raw_path: str,
    query: str,
    headers: dict[str, str],
    body: bytes,
    claims: dict[str, Any] | None,
    source_ip: str,
    path_parameters: dict[str, str],
    port: int = 3000,
) -> dict[str, Any]:
    """The API Gateway HTTP API (payload 2.0) event for one request."""
    now = time.time()
    headers = {
        **headers,
        "host": headers.get("host", f"127.0.0.1:{port}"),
        "x-forwarded-for": source_ip,
        "x-forwarded-port": str(port),
        "x-forwarded-proto": "http",  # API Gateway: https; the local API serves plain HTTP
    }
    text_types = ("json", "text", "xml", "x-www-form-urlencoded")
    is_text = not body or any(t in headers.get("content-type", "") for t in text_types)
    if is_text:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            is_text = False  # API Gateway hands bytes it cannot pass as text base64-encoded
    params: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        params[name] = f"{params[name]},{value}" if name in params else value
    request_context: dict[str, Any] = {
        "accountId": "123456789012",
        "apiId": "local",
        "domainName": f"127.0.0.1:{port}",
        "domainPrefix": "127",
        "http": {
            "method": method,
            "path": raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": str(uuid.uuid4()),
        "routeKey": route_key,
        "stage": "$default",
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "timeEpoch": int(now * 1000),
    }
    if claims is not None:
        request_context["authorizer"] = {
            "jwt": {"claims": {k: _claim_value(v) for k, v in claims.items()}, "scopes": None}
        }
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": request_context,
        "isBase64Encoded": not is_text,
    }
    if "cookie" in headers:
        event["cookies"] = [c.strip() for c in headers["cookie"].split(";")]
    if params:
        event["queryStringParameters"] = params
    if path_parameters:
        event["pathParameters"] = path_parameters
    if body:
        event["body"] = body.decode() if is_text else base64.b64encode(body).decode()
    return event


# API Gateway HTTP API: "total combined size of request line and header values: 10240 bytes".
MAX_REQUEST_LINE_AND_HEADERS = 10240
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # HTTP API's payload limit


def local_error(status: int, code: str, message: str) -> bytes:
    """The API's error envelope, for what the local stack itself answers."""
    return json.dumps({"error": {"code": code, "message": message}}).encode()


class LocalHttpApi:
    def __init__(
        self,
        routes: list[Route],
        functions: dict[str, FunctionProcess],
        port: int,
        extras: dict[str, Any],
    ) -> None:
        self.routes = routes
        self.functions = functions
        self.port = port
        self.extras = extras  # path -> callable(method, body) -> (status, content_type, bytes)
        self._jwks: dict[str, jwt.PyJWKClient] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.2)

    def shutdown(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def verify(self, authorizer: JwtAuthorizer, header: str | None) -> dict[str, Any] | None:
        """What API Gateway's JWT authorizer checks: signature, expiry, issuer, audience/client_id."""
        if not header:
            return None
        token = header[7:] if header.lower().startswith("bearer ") else header
        client = self._jwks.setdefault(authorizer.jwks_url, jwt.PyJWKClient(authorizer.jwks_url))
        try:
            key = client.get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                issuer=authorizer.issuer,
                options={"verify_aud": False, "require": ["exp", "iat", "iss", "sub"]},
            )
        except jwt.PyJWTError:
            return None
        audience = claims.get("client_id") if claims.get("token_use") == "access" else claims.get("aud")
        if authorizer.audience and audience not in authorizer.audience:
            return None
        return claims

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
                """http.server's own refusals (a request line over 64 KB, a broken request) as JSON."""
                self.close_connection = True
                kinds = {
                    413: "payload_too_large",
                    414: "uri_too_long",
                    431: "headers_too_large",
                    400: "bad_request",
                    501: "not_found",
                }
                status = 404 if code == 501 else code
                body = local_error(status, kinds.get(code, "bad_request"), message or "Bad request")
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.send_header("connection", "close")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _send(
                self,
                status: int,
                body: bytes,
                headers: dict[str, str] | None = None,
                content_type: str = "application/json",
            ) -> None:
                self.send_response(status)
                sent = {k.lower(): v for k, v in (headers or {}).items()}
                sent.setdefault("content-type", content_type)
                for name, value in sent.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _dispatch(self) -> None:
                parts = urlsplit(self.path)
                size = len(self.requestline) + sum(len(v) for v in self.headers.values())
                if size > MAX_REQUEST_LINE_AND_HEADERS:
                    self.send_error(414 if len(self.requestline) > MAX_REQUEST_LINE_AND_HEADERS // 2 else 431)
                    return
                length = int(self.headers.get("content-length") or 0)
                if length > MAX_PAYLOAD_BYTES:
                    self.send_error(413, "Request entity too large")
                    return
                body = self.rfile.read(length) if length else b""
                for prefix, extra in api.extras.items():
                    if parts.path == prefix or (prefix.endswith("/") and parts.path.startswith(prefix)):
                        # local endpoints get the path with its query string
                        status, content_type, payload = extra(self.command, self.path, body)
                        self._send(status, payload, content_type=content_type)
                        return
                matches = [(r, r.pattern.match(parts.path)) for r in api.routes]
                candidates = [(r, m) for r, m in matches if m]
                if not candidates:
                    self._send(404, b'{"message":"Not Found"}')
                    return
                allowed = [(r, m) for r, m in candidates if r.method == self.command]
                if not allowed:
                    self._send(404, b'{"message":"Not Found"}')
                    return
                route, match = allowed[0]
                assert match is not None
                headers = {k.lower(): v for k, v in self.headers.items()}
                claims = None
                if route.authorizer is not None:
                    claims = api.verify(route.authorizer, headers.get("authorization"))
                    if claims is None:
                        self._send(401, b'{"message":"Unauthorized"}', {"www-authenticate": "Bearer"})
                        return
                event = build_event(
                    route.route_key,
                    self.command,
                    parts.path,
                    parts.query,
                    headers,
                    body,
                    claims,
                    self.client_address[0],
                    match.groupdict(),
                    api.port,
                )
                ok, result = api.functions[route.function].invoke(event)
                if not ok:
                    self._send(500, b'{"message":"Internal Server Error"}')
                    return
                payload = result.get("body") or ""
                data = base64.b64decode(payload) if result.get("isBase64Encoded") else payload.encode()
                response_headers = dict(result.get("headers") or {})
                self._send(int(result.get("statusCode", 200)), data, response_headers)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _dispatch  # noqa: N815

        return Handler


def static_files(directory: Path, prefix: str) -> Any:
    types = {".js": "text/javascript", ".css": "text/css", ".html": "text/html", ".png": "image/png"}

    def serve(method: str, path: str, body: bytes) -> tuple[int, str, bytes]:
        name = urlsplit(path).path[len(prefix) :] or "index.html"
        target = (directory / name).resolve()
        if directory.resolve() not in target.parents or not target.is_file():
            return 404, "application/json", b'{"message":"Not Found"}'
        return 200, types.get(target.suffix, "application/octet-stream"), target.read_bytes()

    return serve


def json_response(value: Any, status: int = 200) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps(value, ensure_ascii=False, indent=2).encode()
