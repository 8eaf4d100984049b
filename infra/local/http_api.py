"""The local HTTP API: turns each request into the API Gateway (HTTP API, payload 2.0) event that AWS
would send, after verifying the JWT exactly where the template puts the authorizer, and calls the
function the template names. Also serves the OpenAPI document, Swagger UI and the outbox.

What API Gateway itself does, it does here too:
- CORS by the HttpApi's `CorsConfiguration` (see `Cors`): preflights answered by the gateway on any path,
  without the authorizer; CORS headers added to every answer of a CORS request, the function's own
  CORS headers dropped;
- the path percent-decoded before routing, and decoded in rawPath, requestContext.http.path and
  pathParameters (see `decode_path`);
- `{"message":"Not Found"}` (JSON) for a path or a method without a route, whatever the method.
"""

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

from infra.local.activity import GATEWAY, LOCAL, Activity, error_text
from infra.local.lambda_runtime import FunctionProcess
from infra.local.template import Resolver

NOT_FOUND = b'{"message":"Not Found"}'
BAD_REQUEST = b'{"message":"Bad Request"}'


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


@dataclass(frozen=True)
class Cors:
    """An HTTP API's `CorsConfiguration`, applied as API Gateway applies it.

    AWS: "If you configure CORS for an API, API Gateway automatically sends a response to preflight
    OPTIONS requests, even if there isn't an OPTIONS route configured for your API. For a CORS request,
    API Gateway adds the configured CORS headers to the response from an integration." It "ignores CORS
    headers returned from your backend integration", and returns CORS headers only to a request with an
    `Origin` header (a preflight: `Origin` and `Access-Control-Request-Method`). Allowed origins are
    exact, `*`, or a scheme wildcard (`https://*`, `http://*`). A preflight the configuration does not
    allow (origin, method or a requested header) is still answered 204, without CORS headers, so the
    browser refuses the call.
    """

    allow_origins: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None
    allow_credentials: bool = False

    @classmethod
    def from_configuration(cls, config: Any) -> Cors | None:
        if config is True:  # SAM: `CorsConfiguration: true` allows every origin
            return cls(("*",), ("*",), ("*",))
        if not isinstance(config, dict):
            return None

        def names(key: str) -> tuple[str, ...]:
            value = config.get(key) or []
            return tuple(
                str(v).strip() for v in ([value] if isinstance(value, str) else value) if str(v).strip()
            )

        max_age = config.get("MaxAge")
        return cls(
            allow_origins=names("AllowOrigins"),
            allow_methods=tuple(m.upper() for m in names("AllowMethods")),
            allow_headers=names("AllowHeaders"),
            expose_headers=names("ExposeHeaders"),
            max_age=None if max_age is None else int(max_age),
            allow_credentials=str(config.get("AllowCredentials", False)).lower() == "true",
        )

    def allowed_origin(self, origin: str | None) -> str | None:
        """The Access-Control-Allow-Origin value for this request's origin, or None if not allowed."""
        if not origin:
            return None
        for allowed in self.allow_origins:
            if allowed == "*":
                return "*"
            if allowed.endswith("://*") and origin.lower().startswith(allowed[:-1].lower()):
                return origin
            if origin.lower() == allowed.lower().rstrip("/"):
                return origin
        return None

    @staticmethod
    def is_preflight(method: str, headers: dict[str, str]) -> bool:
        return method == "OPTIONS" and "origin" in headers and "access-control-request-method" in headers

    def preflight(self, headers: dict[str, str]) -> dict[str, str]:
        """The CORS headers of the gateway's 204 answer to a preflight (none when not allowed)."""
        origin = self.allowed_origin(headers.get("origin"))
        method = headers.get("access-control-request-method", "").strip().upper()
        requested = [h.strip().lower() for h in headers.get("access-control-request-headers", "").split(",")]
        allowed_headers = {h.lower() for h in self.allow_headers}
        if origin is None or ("*" not in self.allow_methods and method not in self.allow_methods):
            return {}
        if "*" not in allowed_headers and any(h and h not in allowed_headers for h in requested):
            return {}
        answer = {
            "access-control-allow-origin": origin,
            "access-control-allow-methods": ",".join(self.allow_methods),
        }
        if self.allow_headers:
            answer["access-control-allow-headers"] = ",".join(self.allow_headers)
        if self.max_age is not None:
            answer["access-control-max-age"] = str(self.max_age)
        if self.allow_credentials:
            answer["access-control-allow-credentials"] = "true"
        return answer

    def actual(self, origin: str | None) -> dict[str, str]:
        """The CORS headers added to the answer of a (non-preflight) request from `origin`."""
        allowed = self.allowed_origin(origin)
        if allowed is None:
            return {}
        answer = {"access-control-allow-origin": allowed}
        if self.expose_headers:
            answer["access-control-expose-headers"] = ",".join(self.expose_headers)
        if self.allow_credentials:
            answer["access-control-allow-credentials"] = "true"
        return answer


def cors_from_template(resolver: Resolver) -> Cors | None:
    """The `CorsConfiguration` of the template's HTTP API (resolved: `!Ref CorsAllowOrigins` included)."""
    for api in resolver.resources("AWS::Serverless::HttpApi").values():
        config = api.get("Properties", {}).get("CorsConfiguration")
        if config is not None:
            return Cors.from_configuration(resolver.resolve(config))
    return None


_HEX = "0123456789abcdefABCDEF"


def _percent_decode(text: str) -> str | None:
    """One decoding pass: `%XX` becomes its byte, a `%` before a non-hex character stays, a `%` with
    one hex digit is refused."""
    decoded, i = bytearray(), 0
    while i < len(text):
        pair = text[i + 1 : i + 3] if text[i] == "%" else ""
        if len(pair) == 2 and pair[0] in _HEX and pair[1] in _HEX:
            decoded.append(int(pair, 16))
            i += 3
            continue
        if pair and pair[0] in _HEX:
            return None
        decoded += text[i].encode()
        i += 1
    try:
        return decoded.decode("utf-8")
    except UnicodeDecodeError:
        return None


def decode_path(raw_path: str) -> str | None:
    """The path as an HTTP API routes it and hands it to the function, or None (400) if it cannot.

    An HTTP API percent-decodes the path before routing: rawPath, requestContext.http.path and the
    pathParameters are all decoded (`/cc/anna%40praxis.example` arrives as `/cc/anna@praxis.example`).
    Live captures of an HTTP API (payload 2.0) show the details matched here: an encoded `/` becomes a
    separator; a decoded `?` ends the path; the rest is decoded once more (`%252F` arrives as `/`,
    `%2525value` as `%value`), and a `%` followed by one hex digit then is refused with 400 (`%25done`).
    """
    once = _percent_decode(raw_path)
    return None if once is None else _percent_decode(once.split("?", 1)[0])


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
    request_id: str | None = None,
) -> dict[str, Any]:
    """The API Gateway HTTP API (payload 2.0) event for one request; `raw_path` is the decoded path."""
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
        "requestId": request_id or str(uuid.uuid4()),
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
        cors: Cors | None = None,
        activity: Activity | None = None,
    ) -> None:
        self.routes = routes
        self.functions = functions
        self.port = port
        self.extras = extras  # path -> callable(method, body) -> (status, content_type, bytes)
        self.cors = cors
        self.activity = activity or Activity()
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
            # Headers and body go out in separate writes: with Nagle's algorithm on, a keep-alive
            # client's delayed ACK held every answer's body back 40 ms.
            disable_nagle_algorithm = True
            # what this request's activity line says
            _started = 0.0
            _what = ""
            _function = GATEWAY
            _request_id = ""
            _status = 0
            _error = ""

            def log_message(self, format: str, *args: Any) -> None:
                return

            def __getattr__(self, name: str) -> Any:
                """Every method reaches the gateway (PATCH, HEAD, OPTIONS, PROPFIND, ...): one without a
                route is API Gateway's JSON 404, never http.server's HTML 501."""
                if name.startswith("do_"):
                    return self._dispatch
                raise AttributeError(name)

            def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
                """http.server's own refusals (a request line over 64 KB, a broken request) as JSON."""
                self.close_connection = True
                kinds = {
                    413: "payload_too_large",
                    414: "uri_too_long",
                    431: "headers_too_large",
                    400: "bad_request",
                }
                if code == 501:  # a method http.server does not know: as a method without a route
                    status, body = 404, NOT_FOUND
                else:
                    status = code
                    body = local_error(status, kinds.get(code, "bad_request"), message or "Bad request")
                self._respond(status, body, {"connection": "close"})
                if not self._started:  # refused before dispatch: the request line could not be read
                    self._what = _fit_request_line(self.requestline)
                    self._log()

            def _respond(
                self,
                status: int,
                body: bytes,
                headers: dict[str, str] | None = None,
                content_type: str | None = "application/json",
            ) -> None:
                self._status = status
                if self.request_version == "HTTP/0.9":  # an unreadable request line: answer with headers
                    self.request_version = "HTTP/1.0"
                self.send_response(status)
                sent = {k.lower(): v for k, v in (headers or {}).items()}
                if content_type is not None:
                    sent.setdefault("content-type", content_type)
                for name, value in sent.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _log(self) -> None:
                elapsed = (time.monotonic() - self._started) * 1000 if self._started else 0.0
                api.activity.http(
                    self._what, self._function, self._status, elapsed, self._request_id, self._error
                )

            def _dispatch(self) -> None:
                self._started = time.monotonic()
                self._what = f"{self.command} {urlsplit(self.path).path}"
                try:
                    self._handle()
                finally:
                    self._log()

            def _handle(self) -> None:
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
                        self._function = LOCAL
                        status, content_type, payload = extra(self.command, self.path, body)
                        self._respond(status, payload, content_type=content_type)
                        return
                headers: dict[str, str] = {}
                for name, value in self.headers.items():  # a repeated header: its values joined, as AWS does
                    name = name.lower()
                    headers[name] = f"{headers[name]},{value}" if name in headers else value
                self._request_id = new_request_id()
                gateway = {"apigw-requestid": self._request_id}
                if api.cors is not None and Cors.is_preflight(self.command, headers):
                    # answered by the gateway itself, on any path, before routing and the authorizer
                    self._what = f"OPTIONS {parts.path} (preflight)"
                    self._respond(204, b"", {**api.cors.preflight(headers), **gateway}, content_type=None)
                    return
                if api.cors is not None:
                    gateway.update(api.cors.actual(headers.get("origin")))
                path = decode_path(parts.path)
                if path is None:
                    self._respond(400, BAD_REQUEST, gateway)
                    return
                candidates = [(r, r.pattern.match(path)) for r in api.routes if r.method == self.command]
                route, match = next(((r, m) for r, m in candidates if m), (None, None))
                if route is None or match is None:
                    self._respond(404, NOT_FOUND, gateway)
                    return
                self._what = route.route_key
                claims = None
                if route.authorizer is not None:
                    claims = api.verify(route.authorizer, headers.get("authorization"))
                    if claims is None:
                        self._respond(
                            401, b'{"message":"Unauthorized"}', {"www-authenticate": "Bearer", **gateway}
                        )
                        return
                event = build_event(
                    route.route_key,
                    self.command,
                    path,
                    parts.query,
                    headers,
                    body,
                    claims,
                    self.client_address[0],
                    match.groupdict(),
                    api.port,
                    self._request_id,
                )
                self._function = route.function
                ok, result = api.functions[route.function].invoke(event)
                if not ok:
                    self._error = error_text(result)
                    self._respond(500, b'{"message":"Internal Server Error"}', gateway)
                    return
                payload = result.get("body") or ""
                data = base64.b64decode(payload) if result.get("isBase64Encoded") else payload.encode()
                response_headers = {str(k).lower(): str(v) for k, v in (result.get("headers") or {}).items()}
                if api.cors is not None:  # the gateway ignores the integration's CORS headers
                    response_headers = {
                        k: v for k, v in response_headers.items() if not k.startswith("access-control-")
                    }
                self._respond(int(result.get("statusCode", 200)), data, {**response_headers, **gateway})

        return Handler


def new_request_id() -> str:
    """An id like API Gateway's requestId (also its `apigw-requestid` response header)."""
    return base64.b64encode(uuid.uuid4().bytes[:10]).decode()


def _fit_request_line(line: str) -> str:
    return line if len(line) <= 60 else line[:59] + "…"


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
