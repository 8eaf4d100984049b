"""Pure ticket logic: type fields, status rules, what a file is, safe file names."""

from __future__ import annotations

import pytest

from tickets import rules
from tickets.attachments import detect, judge, safe_filename
from tickets.request_types import SEED, FieldDefinition, LocalText, RequestType, validate_fields

MB4 = 4 * 1024 * 1024


def _type(*fields: FieldDefinition) -> RequestType:
    text = LocalText(de="x", en="x")
    return RequestType(key="test_type", name=text, help_text=text, fields=list(fields))


def _field(key: str, kind: str, **extra: object) -> FieldDefinition:
    return FieldDefinition(key=key, label=LocalText(de=key, en=key), kind=kind, **extra)  # type: ignore[arg-type]


def test_the_six_help_centre_types_are_seeded() -> None:
    assert [t.key for t in SEED] == [
        "bug_report",
        "application_help",
        "licensing_invoices",
        "business_data",
        "new_partner",
        "orders_applications",
    ]


def test_fields_are_checked_by_kind_and_named() -> None:
    request_type = _type(
        _field("n", "number", min_value=1, max_value=10),
        _field("s", "select", options=["a", "b"], required=True),
        _field("d", "date"),
        _field("u", "url"),
        _field("t", "text", max_length=3),
    )
    cleaned, errors = validate_fields(
        request_type, {"n": "11", "s": "c", "d": "31.12.2026", "u": "ftp:x", "t": "abcd", "z": 1}
    )
    assert cleaned == {}
    assert {e.field: e.message_key for e in errors} == {
        "fields.z": "field.extra_forbidden",
        "fields.n": "field.less_than_equal",
        "fields.s": "field.literal_error",
        "fields.d": "field.date",
        "fields.u": "field.url",
        "fields.t": "field.string_too_long",
    }
    cleaned, errors = validate_fields(
        request_type, {"n": "3", "s": "a", "d": "2026-09-09", "u": "https://praxis.de"}
    )
    assert errors == [] and cleaned == {"n": 3, "s": "a", "d": "2026-09-09", "u": "https://praxis.de"}
    _, missing = validate_fields(request_type, {"s": "  "})
    assert [(e.field, e.message_key) for e in missing] == [("fields.s", "field.missing")]


def test_a_select_without_options_and_duplicate_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="options"):
        _field("s", "select")
    with pytest.raises(ValueError, match="unique"):
        _type(_field("a", "text"), _field("a", "text"))


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        ("open", "in_progress", True),
        ("in_progress", "waiting", True),
        ("waiting", "closed", True),
        ("open", "open", False),
        ("closed", "open", False),
    ],
)
def test_agents_status_changes(current: str, new: str, allowed: bool) -> None:
    assert rules.agent_may_set(current, new) is allowed


def test_a_customer_reply_ends_waiting_only() -> None:
    assert rules.after_customer_reply("waiting") == "in_progress"
    assert rules.after_customer_reply("open") == "open"
    assert rules.group("waiting") == "OPEN" and rules.group("closed") == "CLOSED"


@pytest.mark.parametrize(
    ("head", "size", "declared", "verdict"),
    [
        (b"%PDF-1.7\n", 100, "application/pdf", (True, None)),
        (b"\xff\xd8\xff\xe0", 100, "image/jpeg", (True, None)),
        (b"\x89PNG\r\n\x1a\n", 100, "image/png", (True, None)),
        (b"<!DOCTYPE html>", 100, "image/png", (False, "type_not_allowed")),
        (b"<svg xmlns=", 100, "image/png", (False, "type_not_allowed")),
        (b"\x89PNG\r\n\x1a\n", 100, "application/pdf", (False, "type_mismatch")),
        (b"%PDF-1.7\n", MB4 + 1, "application/pdf", (False, "too_large")),
        (b"%PDF-1.7\n", MB4, "application/pdf", (True, None)),
        (b"", 0, "application/pdf", (False, "empty")),
    ],
)
def test_files_are_judged_by_their_bytes(
    head: bytes, size: int, declared: str, verdict: tuple[bool, str | None]
) -> None:
    result = judge(head, size, declared, MB4)
    assert (result.clean, result.reason) == verdict


def test_detect_knows_only_the_three_kinds() -> None:
    assert detect(b"GIF89a") is None


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("befund.pdf", "befund.pdf"),
        ('a"; x=1.pdf', "a__ x=1.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\scan.png", "scan.png"),
        ("zeile\r\nneu.pdf", "zeile__neu.pdf"),
        ("", "anhang"),
    ],
)
def test_file_names_are_safe_in_headers(name: str, safe: str) -> None:
    assert safe_filename(name) == safe
