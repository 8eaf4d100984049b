"""Pure logic of the shared core: languages, field paths, identity, logging, events, mail."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

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
