"""The rules the local HTTP API takes from API Gateway (HTTP API), pure: path decoding and CORS matching.
Their behaviour over HTTP, for every route, is in tests/functional/test_local_http_api.py."""

from __future__ import annotations

import io

import pytest

from infra.local.activity import Activity, correlation_of
from infra.local.http_api import Cors, cors_from_template, decode_path
from infra.local.template import Resolver, load

# Sent path -> what an HTTP API (payload 2.0) put in rawPath, from live captures; None: it answered 400.
LIVE_CAPTURES = {
    "/capture/plain": "/capture/plain",
    "/capture/space%20value": "/capture/space value",
    "/capture/question%3Fvalue": "/capture/question",
    "/capture/percent%25done": None,
    "/capture/hash%23value": "/capture/hash#value",
    "/capture/slash%2Fvalue": "/capture/slash/value",
    "/capture/unicode-%CE%BB-%E4%B8%96%E7%95%8C": "/capture/unicode-λ-世界",
    "/capture/literal%252Fvalue": "/capture/literal/value",
    "/capture/literal%253Fvalue": "/capture/literal?value",
    "/capture/literal%2525value": "/capture/literal%value",
}


@pytest.mark.parametrize(("sent", "delivered"), LIVE_CAPTURES.items(), ids=list(LIVE_CAPTURES))
def test_paths_are_decoded_as_an_http_api_decodes_them(sent: str, delivered: str | None) -> None:
    assert decode_path(sent) == delivered


def test_an_address_in_a_path_arrives_decoded_and_broken_escapes_are_refused() -> None:
    assert decode_path("/tickets/T1/cc/anna%40praxis.example") == "/tickets/T1/cc/anna@praxis.example"
    assert (
        decode_path("/tickets/T1/cc/m%C3%BCller%40praxis.example") == "/tickets/T1/cc/müller@praxis.example"
    )
    assert decode_path("/a/%zz") == "/a/%zz"  # not an escape: kept
    assert decode_path("/a/%a") is None  # half an escape
    assert decode_path("/a/%FF") is None  # not UTF-8


def _template_cors(origins: str) -> Cors:
    cors = cors_from_template(Resolver(load(), parameters={"CorsAllowOrigins": origins}))
    assert cors is not None
    return cors


def test_the_template_cors_configuration_is_read_through_the_resolver() -> None:
    cors = _template_cors("https://portal.example.com, http://localhost:5173")
    assert cors.allow_origins == ("https://portal.example.com", "http://localhost:5173")
    assert {"GET", "POST", "PUT", "PATCH", "DELETE"} <= set(cors.allow_methods)
    assert {h.lower() for h in cors.allow_headers} >= {"authorization", "content-type"}
    assert "Retry-After" in cors.expose_headers
    assert cors.max_age == 600 and cors.allow_credentials is False


def test_origins_match_exactly_or_by_scheme_wildcard() -> None:
    exact = Cors(allow_origins=("https://portal.example.com",))
    assert exact.allowed_origin("https://portal.example.com") == "https://portal.example.com"
    for other in ("https://portal.example.com.evil.example", "http://portal.example.com", "null", "", None):
        assert exact.allowed_origin(other) is None
    assert Cors(allow_origins=("https://*",)).allowed_origin("https://a.example") == "https://a.example"
    assert Cors(allow_origins=("https://*",)).allowed_origin("http://a.example") is None
    assert Cors(allow_origins=("*",)).allowed_origin("http://anything.example") == "*"


def test_a_preflight_needs_origin_method_and_every_requested_header_allowed() -> None:
    cors = _template_cors("http://localhost:5173")
    asked = {
        "origin": "http://localhost:5173",
        "access-control-request-method": "DELETE",
        "access-control-request-headers": "authorization,content-type",
    }
    granted = cors.preflight(asked)
    assert granted["access-control-allow-origin"] == "http://localhost:5173"
    assert "DELETE" in granted["access-control-allow-methods"].split(",")
    assert granted["access-control-max-age"] == "600"
    assert cors.preflight({**asked, "origin": "http://localhost:5174"}) == {}
    assert cors.preflight({**asked, "access-control-request-method": "TRACE"}) == {}
    assert cors.preflight({**asked, "access-control-request-headers": "authorization,x-secret"}) == {}
    assert Cors.is_preflight("OPTIONS", asked)
    assert not Cors.is_preflight("OPTIONS", {"origin": "http://localhost:5173"})
    assert not Cors.is_preflight("GET", asked)


def test_activity_lines_mark_errors_and_colour_only_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    plain, terminal = io.StringIO(), Terminal()
    for stream in (plain, terminal):
        activity = Activity(stream)
        activity.http("GET /accounts/me", "AccountsFunction", 200, 12.3, "req-1")
        activity.http("POST /tickets", "TicketsFunction", 500, 40, "req-2", "KeyError: 'x'")
        activity.event("sqs q (2)", "InboxConsumerFunction", "1/2 failed", 5, "corr-3", True)
    ok, failed, partial = plain.getvalue().splitlines()
    assert ok.startswith("   ") and "GET /accounts/me" in ok and " 200 " in ok and "req-1" in ok
    assert failed.startswith("!!") and "KeyError: 'x'" in failed and "req-2" in failed
    assert partial.startswith("!!") and "1/2 failed" in partial
    assert "\x1b[" not in plain.getvalue() and "\x1b[31;1m!!" in terminal.getvalue()


def test_muted_activity_prints_only_errors_and_silent_activity_nothing() -> None:
    stream = io.StringIO()
    activity = Activity(stream, muted=True)
    activity.http("GET /a", "F", 200, 1, "r1")
    activity.http("GET /b", "F", 502, 1, "r2")
    activity.unmute()
    activity.http("GET /c", "F", 200, 1, "r3")
    assert [line.split()[-1] for line in stream.getvalue().splitlines()] == ["r2", "r3"]
    Activity().http("GET /d", "F", 500, 1, "r4")  # no stream: nothing, no error


def test_the_correlation_id_of_a_domain_event_is_found_in_its_metadata() -> None:
    event = {"detail": {"metadata": {"correlation_id": "c-1", "event_id": "e-1"}, "data": {}}}
    assert correlation_of(event) == "c-1"
    assert correlation_of('{"detail": {"metadata": {"event_id": "e-2"}}}') == "e-2"
    assert correlation_of("not json") == ""
