"""Pure logic of the shared core: languages, field paths, identity, logging, events, mail."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated, Any

import pytest
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Query
from pydantic import BaseModel

from shared import i18n
from shared.errors import Unauthorized
from shared.events import DomainEvent, EventPublisher, EventPublishError
from shared.identity import caller_from_event
from shared.log import get_logger, redact
from shared.mail import MailRenderer
from shared.resolver import field_path
from tests.support.clock import FrozenClock


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "de"),
        ("", "de"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR,fr;q=0.9,en;q=0.8", "en"),
        ("fr-FR", "de"),
        ("de-AT,en;q=0.5", "de"),
        ("en;q=0.2,de;q=0.9", "de"),
        ("en;q=0", "de"),
    ],
)
def test_language_negotiation(header: str | None, expected: str) -> None:
    assert i18n.negotiate(header) == expected


@pytest.mark.parametrize(
    ("loc", "expected"),
    [
        (("body", "email"), "email"),
        (("body", "privacy_consent", "version"), "privacy_consent.version"),
        (("body", "cc", 0), "cc[0]"),
        (("query", "cursor"), "cursor"),
        (("body",), "body"),
        (("body", 12), "body"),
    ],
)
def test_field_paths_name_what_the_user_sent(loc: tuple[Any, ...], expected: str) -> None:
    assert field_path(loc) == expected


def _event(claims: dict[str, Any] | None) -> dict[str, Any]:
    context: dict[str, Any] = {}
    if claims is not None:
        context["authorizer"] = {"jwt": {"claims": claims}}
    return {"requestContext": context}


def test_caller_comes_from_claims_with_groups_as_api_gateway_sends_them() -> None:
    caller = caller_from_event(
        _event({"sub": "u1", "token_use": "access", "cognito:groups": "[agents admins]"})
    )
    assert caller.user_id == "u1"
    assert caller.is_agent
    assert not caller_from_event(_event({"sub": "u2", "token_use": "access"})).is_agent


@pytest.mark.parametrize("claims", [None, {}, {"sub": "u1", "token_use": "id"}])
def test_no_caller_without_an_access_token(claims: dict[str, Any] | None) -> None:
    with pytest.raises(Unauthorized):
        caller_from_event(_event(claims))


def test_logs_never_carry_addresses_phone_numbers_names_or_bodies(capsys: pytest.CaptureFixture[str]) -> None:
    logger = get_logger("unit")
    logger.info(
        "mail to anna.schmidt@praxis.de failed, call +49 171 2345678 or 030/1234567",
        extra={
            "full_name": "Anna Schmidt",
            "body": "Mein Termin",
            "ticket": "SR-10427",
            "at": "2026-11-23 16:25:09",
        },
    )
    line = capsys.readouterr().out
    for secret in ("anna.schmidt@praxis.de", "2345678", "1234567", "Anna Schmidt", "Mein Termin"):
        assert secret not in line
    record = json.loads(line)
    assert record["ticket"] == "SR-10427"
    assert record["at"] == "2026-11-23 16:25:09"
    logging.getLogger("unit").handlers.clear()


def test_redact_keeps_non_json_lines_safe() -> None:
    assert redact("plain text to a@b.example") == "plain text to [redacted]"


class RecordingEvents:
    def __init__(self, fail_codes: list[str | None] | None = None) -> None:
        self.calls: list[list[dict[str, Any]]] = []
        self.fail_codes = fail_codes or []

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803 - boto3's name
        self.calls.append(Entries)
        results = []
        for i, _ in enumerate(Entries):
            code = self.fail_codes[i] if i < len(self.fail_codes) else None
            results.append({"ErrorCode": code, "ErrorMessage": "x"} if code else {"EventId": str(i)})
        return {"FailedEntryCount": sum(1 for r in results if "ErrorCode" in r), "Entries": results}


def test_publisher_sends_chunks_of_ten_with_the_envelope() -> None:
    client = RecordingEvents()
    publisher = EventPublisher(client, "bus", "portal.test", FrozenClock())  # type: ignore[arg-type]
    publisher.publish([DomainEvent("Thing", {"n": n}) for n in range(23)], correlation_id="c-1")
    assert [len(c) for c in client.calls] == [10, 10, 3]
    detail = json.loads(client.calls[0][0]["Detail"])
    assert detail["data"] == {"n": 0}
    assert detail["metadata"]["correlation_id"] == "c-1"
    assert detail["metadata"]["occurred_at"] == "2026-09-08T13:00:00Z"
    assert client.calls[0][0]["EventBusName"] == "bus"


def test_publisher_raises_when_entries_fail() -> None:
    client = RecordingEvents(fail_codes=[None, "ThrottlingException"])
    publisher = EventPublisher(client, "bus", "portal.test", FrozenClock())  # type: ignore[arg-type]
    with pytest.raises(EventPublishError, match="ThrottlingException"):
        publisher.publish([DomainEvent("A", {}), DomainEvent("B", {})])


def test_mail_escapes_html_and_keeps_subjects_on_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "hello"
    folder.mkdir()
    (folder / "de.subject.txt").write_text("Hallo {{ name }}")
    (folder / "de.body.txt").write_text(
        '{% extends "layout.txt" %}{% block content %}Hallo {{ name }}{% endblock %}'
    )
    (folder / "de.body.html").write_text(
        '{% extends "layout.html" %}{% block content %}<p>{{ name }}</p>{% endblock %}'
    )
    mail = MailRenderer(tmp_path).render(
        "hello", "de", {"name": "<script>x</script>\r\nBcc: a@b.example"}, "REF-1"
    )
    assert "\n" not in mail.subject
    assert "\r" not in mail.subject
    assert "<script>" not in mail.html
    assert "&lt;script&gt;" in mail.html
    assert "Referenz: REF-1" in mail.text
    assert "Referenz: REF-1" in mail.html


def test_mail_refuses_missing_variables(tmp_path: Path) -> None:
    from jinja2 import UndefinedError

    folder = tmp_path / "t"
    folder.mkdir()
    for part in ("subject.txt", "body.txt", "body.html"):
        (folder / f"de.{part}").write_text("{{ missing }}")
    with pytest.raises(UndefinedError):
        MailRenderer(tmp_path).render("t", "de", {}, "REF")


def _whole(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, dict):
        return {k: _whole(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole(v) for v in value]
    if isinstance(value, set):
        return {_whole(v) for v in value}
    return value


def test_an_item_reads_as_boto3_reads_it_with_whole_numbers() -> None:
    """shared.dynamo's own decoder (faster) against boto3's TypeDeserializer, for every type DynamoDB
    has, nested; numbers as int, since every number this project stores is whole."""
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from shared.dynamo import from_item

    scalar = st.one_of(
        st.text(min_size=1, max_size=8),
        st.integers(-(10**12), 10**12),
        st.booleans(),
        st.none(),
        st.binary(min_size=1, max_size=4),
    )
    sets = st.one_of(
        st.sets(st.text(min_size=1, max_size=4), min_size=1, max_size=3),
        st.sets(st.integers(-99, 99), min_size=1, max_size=3),
    )
    value = st.recursive(
        st.one_of(scalar, sets),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
        max_leaves=10,
    )
    serializer, deserializer = TypeSerializer(), TypeDeserializer()

    @settings(max_examples=200, deadline=None, database=None)
    @given(st.dictionaries(st.text(min_size=1, max_size=6), value, max_size=6))
    def same(values: dict[str, Any]) -> None:
        item = {k: serializer.serialize(v) for k, v in values.items()}
        assert from_item(item) == {k: _whole(deserializer.deserialize(v)) for k, v in item.items()}

    same()


def test_a_parameters_kind_is_remembered_with_the_answer_powertools_gives() -> None:
    from typing import Literal

    from aws_lambda_powertools.event_handler.middlewares import openapi_validation
    from aws_lambda_powertools.event_handler.openapi.compat import ModelField
    from aws_lambda_powertools.event_handler.openapi.params import Body, Query
    from pydantic import BaseModel

    from shared import lean_requests

    class Filter(BaseModel):
        status: str

    declarations = [
        (str, Query()),
        (int | None, Query()),
        (Literal["open", "closed"], Query()),
        (list[str], Query()),
        (Filter, Query()),
        (dict[str, str], Body()),
        (str, Body()),
    ]
    fields = []
    for annotation, info in declarations:
        info.annotation = annotation
        fields.append(ModelField(field_info=info, name="p"))
    lean_requests.install()
    assert openapi_validation.is_scalar_field is lean_requests.is_scalar_field
    expected = [lean_requests._powertools_is_scalar_field(f) for f in fields]
    assert [lean_requests.is_scalar_field(f) for f in fields] * 2 == expected * 2
    assert expected == [True, True, True, False, False, False, False]


class _Thing(BaseModel):
    name: str
    size: int = 1


def _validating_app(lean: bool) -> Any:
    """Routes with every kind of parameter our functions declare, validated by powertools' request
    middleware or by ours."""
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
    from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

    from shared import lean_requests

    app = lean_requests.HttpResolver() if lean else APIGatewayHttpResolver(enable_validation=True)

    @app.exception_handler(RequestValidationError)
    def refused(error: RequestValidationError) -> Any:
        from aws_lambda_powertools.event_handler import Response

        return Response(422, "application/json", json.dumps(error.errors(), default=str))

    @app.get("/things/<thing_id>", compress=True)
    def read(
        thing_id: str,
        limit: Annotated[int, Query(le=50)] = 10,
        tag: Annotated[list[str] | None, Query()] = None,
    ) -> dict[str, Any]:
        return {"id": thing_id, "limit": limit, "tag": tag}

    @app.post("/things")
    def create(thing: Annotated[_Thing, Body()]) -> dict[str, Any]:
        return thing.model_dump()

    @app.get("/headed")
    def headed(x_token: Annotated[str, Header()]) -> dict[str, Any]:
        return {"token": x_token}

    return app


@pytest.mark.parametrize(
    ("method", "path", "query", "headers", "body"),
    [
        ("GET", "/things/a1", "", {}, None),
        ("GET", "/things/a1", "limit=7&tag=x&tag=y", {"X-Other": "a,b", "Accept-Encoding": "br, gzip"}, None),
        ("GET", "/things/a1", "limit=99", {}, None),
        ("GET", "/things/a1", "limit=many", {"Cookie": "a=b"}, None),
        ("POST", "/things", "", {"content-type": "application/json"}, '{"name": "n", "size": 2}'),
        ("POST", "/things", "", {"content-type": "application/json"}, '{"size": "big"}'),
        ("GET", "/headed", "", {"X-Token": "t1"}, None),
        ("GET", "/headed", "", {}, None),
    ],
)
def test_request_validation_decides_as_powertools_does(
    method: str, path: str, query: str, headers: dict[str, str], body: str | None
) -> None:
    """Ours reads headers and cookies only where a route declares them; the answers stay powertools'."""
    from urllib.parse import parse_qs

    params = {k: ",".join(v) for k, v in parse_qs(query).items()}
    event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": headers,
        "queryStringParameters": params or None,
        "requestContext": {"http": {"method": method, "path": path}, "stage": "$default"},
        "body": body,
        "isBase64Encoded": False,
    }
    answers = [_validating_app(lean).resolve(json.loads(json.dumps(event)), {}) for lean in (False, True)]
    assert answers[0] == answers[1]
    assert answers[0]["statusCode"] in (200, 422)


@pytest.mark.parametrize("content_type", ["Application/JSON; Charset=UTF-8", "application/vnd.api+json", ""])
def test_a_json_body_is_read_whatever_its_media_types_spelling(content_type: str) -> None:
    event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/things",
        "rawQueryString": "",
        "headers": {"Content-Type": content_type} if content_type else {},
        "requestContext": {"http": {"method": "POST", "path": "/things"}, "stage": "$default"},
        "body": '{"name": "n"}',
        "isBase64Encoded": False,
    }
    answer = _validating_app(lean=True).resolve(event, {})
    assert (answer["statusCode"], json.loads(answer["body"])) == (200, {"name": "n", "size": 1})


def test_the_headers_are_read_as_powertools_reads_them() -> None:
    from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

    from shared.lean_requests import HttpEvent

    headers = {"Accept-Encoding": "gzip, br", "x-one": "1", "X-ONE": "2", "Cookie": "a=b; c=d", "x-e": ""}
    for event in ({"headers": headers}, {"headers": None}, {}):
        ours, theirs = (
            HttpEvent(event).resolved_headers_field,
            APIGatewayProxyEventV2(event).resolved_headers_field,
        )
        assert ours == theirs
        assert type(ours) is type(theirs)
        assert ours.get("ACCEPT-ENCODING") == theirs.get("ACCEPT-ENCODING")


def test_values_are_written_as_boto3_writes_them() -> None:
    from decimal import Decimal

    from boto3.dynamodb.types import Binary, TypeSerializer
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from shared.dynamo import to_item

    scalar = st.one_of(
        st.text(max_size=8),
        st.integers(-(10**20), 10**20),
        st.booleans(),
        st.none(),
        st.binary(min_size=1, max_size=4),
        st.builds(Binary, st.binary(min_size=1, max_size=4)),
        st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-999, max_value=999),
        st.sets(st.text(min_size=1, max_size=4), min_size=1, max_size=3),
        st.sets(st.integers(-99, 99), min_size=1, max_size=3),
    )
    value = st.recursive(
        scalar,
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.tuples(inner, inner)
            | st.dictionaries(st.text(max_size=4), inner, max_size=3)
        ),
        max_leaves=10,
    )
    serializer = TypeSerializer()

    @settings(max_examples=200, deadline=None, database=None)
    @given(st.dictionaries(st.text(min_size=1, max_size=6), value, max_size=6))
    def same(values: dict[str, Any]) -> None:
        expected = {k: serializer.serialize(v) for k, v in values.items() if v is not None}
        assert to_item(values) == expected

    same()
    with pytest.raises(TypeError):
        to_item({"price": 1.5})  # DynamoDB numbers are exact: a float is refused, as boto3 does
    assert to_item({"n": Decimal("2.50")}) == {"n": {"N": "2.50"}}


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>a &lt;b&gt; &amp; c</p>", "a <b> & c\n"),  # an escaped value reads as typed
        ("<p>x < y and z > w</p>", "x < y and z > w\n"),  # a bare < is text
        (
            "<p>Siehe <a href='https://x.example/?a=1&amp;b=2'>Hilfe</a>.</p>",
            "Siehe Hilfe <https://x.example/?a=1&b=2>.\n",
        ),  # a link keeps its label and gets its URL in angle brackets
        (
            '<a href="mailto:x@y.example">x@y.example</a>',
            "x@y.example\n",
        ),  # an address that is its own label stands once
        (
            '<div style="display: none">hid<p>den</p></div><p>shown</p>',
            "shown\n",
        ),  # what is hidden is left out
        ("<span class=preheader>pre</span><p>body</p>", "body\n"),  # the preheader is left out
        (
            "<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style></head><body><!-- c --><p>t</p></body></html>",
            "t\n",
        ),  # head, styles, comments and declarations are left out
        ("a<br/>b<br>c", "a\nb\nc\n"),  # line breaks
        ("<pre>  keep\n    this </pre>", "  keep\n    this\n"),  # preformatted text keeps its lines
        (  # and its indentation, also after other text and with markup inside (outside probe: lost)
            "<p>Code:</p><pre>def f():\n    return <b>1</b>\n\n    # end</pre><p>Ende</p>",
            "Code:\n\ndef f():\n    return 1\n\n    # end\n\nEnde\n",
        ),
        (
            "<ul><li>a</li><li>b</li></ul><dl><dt>Fall</dt><dd>SR-10000</dd></dl>",
            "- a\n- b\n\nFall: SR-10000\n",
        ),  # lists and definitions
        ("<table><tr><td>a</td><td>b</td></tr></table>", "a  b\n"),  # a table row's cells
        (  # a numbered list keeps its numbers (outside probe: they became "- ")
            '<ol><li>Öffnen</li><li>Tippen<ul><li>x</li></ul></li></ol><ol start="3"><li>c</li></ol>',
            "1. Öffnen\n2. Tippen\n\n- x\n\n3. c\n",
        ),
        ("<p title='a>b'>q</p>", "q\n"),  # a > inside a quoted attribute
        ("<P>Gro&szlig;</P>&nbsp;&#8364;", "Groß\n\n€\n"),  # upper-case tags, named and numeric entities
        ("<p>unclosed", "unclosed\n"),  # an element left open
    ],
)
def test_a_mails_plain_text_twin_reads_as_the_html_shows(html: str, text: str) -> None:
    from shared.html_text import html_to_text

    assert html_to_text(html) == text


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["a"] * 3, {"de": "Höchstens 2 erlaubt.", "en": "At most 2 allowed."}),
        ([], {"de": "Mindestens 1 erforderlich.", "en": "At least 1 required."}),
    ],
)
def test_a_list_of_the_wrong_length_says_how_many_it_takes(
    values: list[str], expected: dict[str, str]
) -> None:
    """Outside probe: eleven CC addresses were answered "Ungültiger Wert." without the limit."""
    from pydantic import Field, ValidationError

    from shared.resolver import validation_fields

    class Form(BaseModel):
        cc: list[str] = Field(min_length=1, max_length=2)

    with pytest.raises(ValidationError) as refused:
        Form(cc=values)
    for lang in ("de", "en"):
        assert validation_fields(refused.value.errors(), lang) == {"cc": expected[lang]}


def test_a_query_parameter_given_twice_is_told_so() -> None:
    """Outside probe: ?limit=1&limit=2 was answered "Bitte eine ganze Zahl angeben."."""
    from shared.resolver import validation_fields

    twice = {"type": "int_type", "loc": ("query", "limit"), "input": ["1", "2"], "msg": "x"}
    once = {"type": "int_parsing", "loc": ("query", "limit"), "input": "x", "msg": "x"}
    assert validation_fields([twice, once | {"loc": ("query", "page")}], "de") == {
        "limit": "Bitte nur einmal angeben.",
        "page": "Bitte eine ganze Zahl angeben.",
    }
    assert validation_fields([twice], "en") == {"limit": "Please give this only once."}
    too_many = {"type": "too_long", "loc": ("query", "tag"), "input": ["a"] * 3, "ctx": {"max_length": 2}}
    assert validation_fields([too_many], "en") == {"tag": "At most 2 allowed."}


def test_the_lambda_context_in_the_logs_is_powertools_own(capsys: pytest.CaptureFixture[str]) -> None:
    """`shared.log.with_lambda_context` writes the keys powertools' `inject_lambda_context(clear_state=
    True)` writes, and like it forgets what an invocation appended."""
    from types import SimpleNamespace

    from aws_lambda_powertools.logging import logger as powertools_logger

    from shared.log import with_lambda_context

    def lines(decorate: Any, service: str) -> list[dict[str, Any]]:
        logger = get_logger(service)

        def handler(event: dict[str, Any], context: Any) -> None:
            logger.info("seen", extra={"n": event["n"]})
            if event["n"] == 1:
                logger.append_keys(connection_id="c1")  # must not reach the next invocation

        wrapped = decorate(logger)(handler)
        powertools_logger.is_cold_start = True
        capsys.readouterr()
        for n, request_id in ((1, "r1"), (2, "r2")):
            context = SimpleNamespace(
                function_name="f",
                memory_limit_in_mb=256,
                invoked_function_arn="arn:f",
                aws_request_id=request_id,
            )
            wrapped({"n": n}, context)
        found = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        return [
            {k: v for k, v in line.items() if k not in ("timestamp", "service", "location")} for line in found
        ]

    theirs = lines(lambda logger: logger.inject_lambda_context(clear_state=True), "ctx-powertools")
    ours = lines(with_lambda_context, "ctx-ours")
    assert ours == theirs
    assert [line["cold_start"] for line in ours] == [True, False]
    assert [line["function_request_id"] for line in ours] == ["r1", "r2"]
