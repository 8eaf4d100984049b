"""Class-level tests of the local HTTP API's gateway behaviour, for every operation of openapi.json's route
table: the template's routes, JWT authorizer and CorsConfiguration, served over real HTTP, with each
function replaced by an echo of the event it receives (the functions themselves are tested elsewhere).

1. CORS as API Gateway applies it: preflights answered by the gateway on every route, without the
   authorizer, with CORS headers only for an allowed origin, method and headers; actual answers (also the
   authorizer's 401) carry Access-Control-Allow-Origin and -Expose-Headers for an allowed origin only, and
   never the function's own CORS headers;
2. percent-encoded path segments reach the route decoded, in pathParameters and rawPath;
3. a method a path does not have, whatever the method, is API Gateway's JSON 404.
"""

from __future__ import annotations

import io
import json
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
import requests

from infra.local.activity import Activity
from infra.local.http_api import LocalHttpApi, cors_from_template, routes_from_template
from infra.local.services import free_port
from infra.local.template import ROOT, Resolver
from tests.conftest import LocalAws

DOCUMENT = json.loads((ROOT / "openapi.json").read_text())
OPERATIONS = sorted(
    (method.upper(), path)
    for path, operations in DOCUMENT["paths"].items()
    for method in operations
    if method in ("get", "post", "put", "patch", "delete")
)
PATHS = sorted({path for _, path in OPERATIONS})
SECURED = {
    (m.upper(), p) for p, ops in DOCUMENT["paths"].items() for m, op in ops.items() if "security" in op
}
ALLOWED = "http://localhost:5173"
OTHER_ORIGINS = ("https://evil.example", "http://localhost:5174", "null")
PARAM = re.compile(r"\{([a-z_]+)\}")
# path parameter values with characters a browser's encodeURIComponent escapes
ODD_VALUES = {"email": "anna+cc@praxis.example", "default": "Müller & Söhne@x y"}
NOT_FOUND = {"message": "Not Found"}


@dataclass
class Gateway:
    url: str
    token: str
    activity: io.StringIO

    def call(self, method: str, path: str, origin: str | None = None, **headers: str) -> requests.Response:
        sent = {"Origin": origin} if origin else {}
        sent.update({k.replace("_", "-"): v for k, v in headers.items()})
        return requests.request(method, f"{self.url}{path}", headers=sent, timeout=10)


class EchoFunction:
    """Stands in for a function: answers 200 with the event it got, and CORS and Retry-After headers of
    its own (the gateway must drop the first and pass the second)."""

    def __init__(self, logical_id: str) -> None:
        self.logical_id = logical_id

    def invoke(self, event: dict[str, Any]) -> tuple[bool, Any]:
        if event["headers"].get("x-fail"):
            return False, {"errorType": "KeyError", "errorMessage": "'boom'", "stackTrace": ""}
        echoed = {k: event.get(k) for k in ("routeKey", "rawPath", "pathParameters")}
        echoed["http_path"] = event["requestContext"]["http"]["path"]
        echoed["request_id"] = event["requestContext"]["requestId"]
        echoed["x_twice"] = event["headers"].get("x-twice")
        return True, {
            "statusCode": 200,
            "headers": {
                "Content-Type": "application/json",
                "Access-Control-Allow-Origin": "*",
                "Access-Control-Allow-Credentials": "true",
                "Retry-After": "7",
            },
            "body": json.dumps(echoed),
        }


def _access_token(local_aws: LocalAws) -> str:
    from accounts.identity_provider import CognitoIdentityProvider

    resources = local_aws.resolver.physical_ids
    identity = CognitoIdentityProvider(
        local_aws.client("cognito-idp"), resources["UserPool"], resources["WebClient"]
    )
    email = f"gateway-{uuid.uuid4().hex[:10]}@praxis-muster.example"
    identity.create_user(email, "Gerda Gateway", "Richtig-Sicher-2026")
    return identity.sign_in(email, "Richtig-Sicher-2026").access_token


@pytest.fixture(scope="module")
def gateway(local_aws: LocalAws) -> Iterator[Gateway]:
    routes = routes_from_template(local_aws.resolver, local_aws.moto_endpoint)
    cors = cors_from_template(
        Resolver(
            local_aws.resolver.template, parameters={"CorsAllowOrigins": f"{ALLOWED},https://portal.test"}
        )
    )
    stream = io.StringIO()
    functions: dict[str, Any] = {r.function: EchoFunction(r.function) for r in routes}
    api = LocalHttpApi(routes, functions, free_port(), {}, cors, Activity(stream))
    threading.Thread(target=api.serve_forever, daemon=True).start()
    try:
        yield Gateway(f"http://127.0.0.1:{api.port}", _access_token(local_aws), stream)
    finally:
        api.shutdown()


def _concrete(path: str, values: dict[str, str] | None = None) -> str:
    return PARAM.sub(lambda m: (values or {}).get(m.group(1), f"x-{m.group(1)}"), path)


def _cors_headers(response: requests.Response) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.items() if k.lower().startswith("access-control-")}


def test_the_route_table_is_the_template_s() -> None:
    from infra.local.template import load

    resolver = Resolver(load(), physical_ids={"UserPool": "pool", "WebClient": "client"})
    assert sorted(
        (r.method, PARAM.sub("{}", r.path)) for r in routes_from_template(resolver, "http://x")
    ) == sorted((m, PARAM.sub("{}", p)) for m, p in OPERATIONS)


def test_every_route_answers_an_allowed_preflight_itself_without_the_authorizer(gateway: Gateway) -> None:
    wrong = []
    for method, path in OPERATIONS:
        answer = gateway.call(
            "OPTIONS",
            _concrete(path),
            ALLOWED,
            access_control_request_method=method,
            access_control_request_headers="authorization,content-type",
        )
        granted = _cors_headers(answer)
        if not (
            answer.status_code == 204
            and answer.content == b""
            and granted.get("access-control-allow-origin") == ALLOWED
            and method in granted.get("access-control-allow-methods", "").split(",")
            and {"authorization", "content-type"}
            <= {h.lower() for h in granted.get("access-control-allow-headers", "").split(",")}
            and granted.get("access-control-max-age") == "600"
        ):
            wrong.append((method, path, answer.status_code, granted))
    assert wrong == []
    assert "api-gateway" in gateway.activity.getvalue()  # no function saw a preflight


def test_every_route_answers_a_preflight_from_another_origin_without_cors_headers(gateway: Gateway) -> None:
    wrong = []
    for method, path in OPERATIONS:
        for origin in OTHER_ORIGINS:
            answer = gateway.call("OPTIONS", _concrete(path), origin, access_control_request_method=method)
            if answer.status_code != 204 or _cors_headers(answer):
                wrong.append((method, path, origin, answer.status_code, _cors_headers(answer)))
        for asked in (
            {"access_control_request_method": "TRACE"},
            {"access_control_request_headers": "x-secret"},
        ):
            answer = gateway.call(
                "OPTIONS", _concrete(path), ALLOWED, **{"access_control_request_method": method, **asked}
            )
            if answer.status_code != 204 or _cors_headers(answer):
                wrong.append((method, path, asked, answer.status_code, _cors_headers(answer)))
    assert wrong == []


def test_every_route_s_answer_carries_the_gateway_s_cors_headers_for_an_allowed_origin(
    gateway: Gateway,
) -> None:
    wrong = []
    for method, path in OPERATIONS:
        answer = gateway.call(method, _concrete(path), ALLOWED, authorization=f"Bearer {gateway.token}")
        granted = _cors_headers(answer)
        expected = {
            "access-control-allow-origin": ALLOWED,
            "access-control-expose-headers": "Retry-After,Content-Disposition",
        }
        if (
            answer.status_code != 200
            or answer.json()["routeKey"] != f"{method} {path}"
            or granted != expected  # the function's own "*" and credentials are dropped
            or answer.headers.get("retry-after") != "7"
        ):
            wrong.append((method, path, answer.status_code, granted))
    assert wrong == []


def test_every_route_s_answer_to_another_origin_has_no_cors_headers(gateway: Gateway) -> None:
    wrong = []
    for method, path in OPERATIONS:
        for origin in (*OTHER_ORIGINS, None):
            answer = gateway.call(method, _concrete(path), origin, authorization=f"Bearer {gateway.token}")
            if answer.status_code != 200 or _cors_headers(answer):
                wrong.append((method, path, origin, answer.status_code, _cors_headers(answer)))
    assert wrong == []


def test_the_authorizer_s_401_is_readable_by_an_allowed_origin_only(gateway: Gateway) -> None:
    for method, path in sorted(SECURED):
        answer = gateway.call(method, _concrete(path), ALLOWED)
        assert answer.status_code == 401 and answer.json() == {"message": "Unauthorized"}, (method, path)
        assert answer.headers["access-control-allow-origin"] == ALLOWED
        refused = gateway.call(method, _concrete(path), OTHER_ORIGINS[0])
        assert refused.status_code == 401 and not _cors_headers(refused)


def test_percent_encoded_path_segments_reach_every_route_decoded(gateway: Gateway) -> None:
    wrong = []
    for method, path in OPERATIONS:
        names = PARAM.findall(path)
        if not names:
            continue
        values = {n: ODD_VALUES.get(n, ODD_VALUES["default"]) for n in names}
        sent = _concrete(path, {n: quote(v, safe="") for n, v in values.items()})
        answer = gateway.call(method, sent, authorization=f"Bearer {gateway.token}")
        echoed = answer.json() if answer.status_code == 200 else {}
        decoded = _concrete(path, values)
        if (
            echoed.get("routeKey") != f"{method} {path}"
            or echoed.get("pathParameters") != values
            or echoed.get("rawPath") != decoded
            or echoed.get("http_path") != decoded
        ):
            wrong.append((method, sent, answer.status_code, echoed))
    assert wrong == []


def test_a_repeated_header_arrives_once_with_its_values_joined_as_aws_does(gateway: Gateway) -> None:
    """HTTP API (payload 2.0): "Duplicate headers are combined with commas" (outside probe: the local
    gateway kept the last one, so a second Authorization or upload token decided the answer)."""
    import http.client

    host, port = gateway.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.putrequest("GET", "/request-types")
    for name, value in (
        ("X-Twice", "first"),
        ("x-twice", "second"),
        ("Authorization", "Bearer " + gateway.token),
    ):
        connection.putheader(name, value)
    connection.endheaders()
    answer = connection.getresponse()
    assert (answer.status, json.loads(answer.read())["x_twice"]) == (200, "first,second")
    connection.close()


def test_the_cc_address_of_the_issue_reaches_its_route(gateway: Gateway) -> None:
    answer = gateway.call(
        "DELETE", "/tickets/01TICKET/cc/anna%40praxis.example", authorization=f"Bearer {gateway.token}"
    )
    assert answer.json()["pathParameters"] == {"ticket_id": "01TICKET", "email": "anna@praxis.example"}
    assert answer.json()["rawPath"] == "/tickets/01TICKET/cc/anna@praxis.example"
    # an encoded "/" is a separator for API Gateway: no route has that many segments
    assert gateway.call("DELETE", "/tickets/01TICKET/cc/a%2Fb", authorization="x").json() == NOT_FOUND


def _routed(method: str, concrete: str) -> bool:
    """Whether some operation takes this method and path (`/tickets/anonymous` is also a ticket id)."""
    # the table's paths hold letters, "/", "-" and parameters only
    return any(m == method and re.fullmatch(PARAM.sub("[^/]+", p), concrete) for m, p in OPERATIONS)


def test_a_method_a_path_does_not_have_is_a_json_404_on_every_path(gateway: Gateway) -> None:
    wrong = []
    for path in PATHS:
        others = [m for m in ("GET", "POST", "PUT", "PATCH", "DELETE") if not _routed(m, _concrete(path))]
        for method in (*others, "HEAD", "OPTIONS", "PROPFIND", "FOO", "TRACE"):
            for origin in (None, ALLOWED):
                answer = gateway.call(
                    method, _concrete(path), origin, authorization=f"Bearer {gateway.token}"
                )
                body_ok = answer.content == b"" if method == "HEAD" else answer.json() == NOT_FOUND
                cors_ok = _cors_headers(answer).get("access-control-allow-origin") == origin
                if not (
                    answer.status_code == 404
                    and answer.headers.get("content-type") == "application/json"
                    and body_ok
                    and (cors_ok if origin else not _cors_headers(answer))
                ):
                    wrong.append((method, path, origin, answer.status_code, answer.text[:80]))
    for unknown in ("/", "/nothing", "/tickets/", "/accounts/me/extra", "/%C3%BC"):
        answer = gateway.call("GET", unknown)
        if answer.status_code != 404 or answer.json() != NOT_FOUND:
            wrong.append(("GET", unknown, None, answer.status_code, answer.text[:80]))
    assert wrong == []


def test_what_the_gateway_refuses_itself_is_json(gateway: Gateway) -> None:
    host, port = gateway.url.removeprefix("http://").split(":")
    for request_line in (b"GARBAGE\r\n\r\n", b"GET /accounts/health HTTP/7.1\r\n\r\n", b"GET\r\n\r\n"):
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            connection.sendall(request_line)
            answer = connection.makefile("rb").read()
        head, _, body = answer.partition(b"\r\n\r\n")
        assert b"content-type: application/json" in head.lower(), answer
        assert json.loads(body), answer
    assert gateway.call("GET", "/x/%25done").json() == {"message": "Bad Request"}


def _activity_line(gateway: Gateway, request_id: str) -> str:
    """The request's line, printed just after its answer went out."""
    deadline = time.monotonic() + 5
    while True:
        lines = [line for line in gateway.activity.getvalue().splitlines() if request_id in line]
        if lines or time.monotonic() > deadline:
            assert len(lines) == 1, lines
            return lines[0]
        time.sleep(0.01)


def test_each_request_is_one_activity_line_and_a_failed_function_stands_out(gateway: Gateway) -> None:
    answer = gateway.call("GET", "/accounts/me", authorization=f"Bearer {gateway.token}", x_fail="1")
    assert answer.status_code == 500 and answer.json() == {"message": "Internal Server Error"}
    request_id = answer.headers["apigw-requestid"]
    ok = gateway.call("GET", "/accounts/me", authorization=f"Bearer {gateway.token}")
    assert ok.json()["request_id"] == ok.headers["apigw-requestid"]
    failed, fine = _activity_line(gateway, request_id), _activity_line(gateway, ok.headers["apigw-requestid"])
    assert failed.startswith("!!") and "GET /accounts/me" in failed and "AccountsFunction" in failed
    assert " 500 " in failed and "KeyError: 'boom'" in failed
    assert fine.startswith("  ") and " 200 " in fine
