"""Pure ticket logic: type fields, status rules, what a file is, safe file names."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from tests.support import files
from tickets import rules
from tickets.attachments import detect, filename_for, judge
from tickets.request_types import (
    FieldDefinition,
    LocalText,
    RequestType,
    SelectField,
    seed,
    stored,
    validate_fields,
)

MB4 = 4 * 1024 * 1024


def _type(*fields: FieldDefinition) -> RequestType:
    text = LocalText(de="x", en="x")
    return RequestType(key="test_type", name=text, help_text=text, fields=list(fields))


def _field(key: str, kind: str, **extra: object) -> FieldDefinition:
    definition = {"key": key, "label": {"de": key, "en": key}, "kind": kind, **extra}
    return TypeAdapter(FieldDefinition).validate_python(definition)  # type: ignore[no-any-return]


def test_the_six_help_centre_types_and_the_mail_type_are_seeded() -> None:
    assert [(t.key, t.active) for t in seed()][-1] == ("email_request", False)  # not in the form
    assert [t.key for t in seed()][:-1] == [
        "bug_report",
        "application_help",
        "licensing_invoices",
        "business_data",
        "new_partner",
        "orders_applications",
    ]


def test_a_select_stored_before_options_had_labels_reads_with_values_and_labels() -> None:
    text = {"de": "x", "en": "x"}
    field = {"key": "s", "label": text, "kind": "select", "options": ["Lizenz kündigen", "Sonstiges"]}
    select = stored({"key": "old_type", "name": text, "help_text": text, "fields": [field]}).fields[0]
    assert isinstance(select, SelectField)
    assert [(o.value, o.label.de) for o in select.options] == [
        ("lizenz-kuendigen", "Lizenz kündigen"),
        ("sonstiges", "Sonstiges"),
    ]


@pytest.mark.parametrize(
    "definition",
    [
        {"kind": "select", "options": []},
        {"kind": "select"},
        {"kind": "number", "min_value": 5, "max_value": 1},
        {"kind": "text", "options": [{"value": "a", "label": {"de": "a", "en": "a"}}]},
        {"kind": "select", "options": [{"value": "a", "label": {"de": "a", "en": "a"}}] * 2},
        {"kind": "select", "options": ["a", "b"]},  # plain texts only in what was stored before
    ],
)
def test_a_field_definition_holds_together(definition: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(FieldDefinition).validate_python(
            {"key": "k", "label": {"de": "k", "en": "k"}, **definition}
        )


def test_fields_are_checked_by_kind_and_named() -> None:
    request_type = _type(
        _field("n", "number", min_value=1, max_value=10),
        _field(
            "s", "select", options=[{"value": v, "label": {"de": v, "en": v}} for v in "ab"], required=True
        ),
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
        "fields.s": "field.option",
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
    ("data", "declared", "verdict"),
    [
        (files.pdf(), "application/pdf", (True, None)),
        (files.jpeg(), "image/jpeg", (True, None)),
        (files.png(), "image/png", (True, None)),
        (files.HTML, "image/png", (False, "type_not_allowed")),
        (files.SVG, "image/png", (False, "type_not_allowed")),
        (files.png(), "application/pdf", (False, "type_mismatch")),
        (files.pdf() + b"\n%" + b"x" * MB4, "application/pdf", (False, "too_large")),
        (b"", "application/pdf", (False, "empty")),
        (files.png_with_html_behind(), "image/png", (False, "markup")),
        (files.png_with_trailing_bytes(), "image/png", (False, "trailing_data")),
        (files.truncated_png(), "image/png", (False, "unreadable")),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png", (False, "unreadable")),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "image/jpeg", (False, "unreadable")),
        (b"%PDF-1.7\n garbage", "application/pdf", (False, "unreadable")),
        (files.pdf_with_javascript(), "application/pdf", (False, "active_content")),
        (files.pdf_with_embedded_file(), "application/pdf", (False, "active_content")),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_files_are_judged_by_all_their_bytes(
    data: bytes, declared: str, verdict: tuple[bool, str | None]
) -> None:
    result = judge(data, declared, MB4)
    assert (result.clean, result.reason) == verdict


def test_detect_knows_only_the_three_kinds() -> None:
    assert detect(b"GIF89a") is None


@pytest.mark.parametrize(
    ("name", "content_type", "safe"),
    [
        ("befund.pdf", "application/pdf", "befund.pdf"),
        ('a"; x=1.pdf', "application/pdf", "a__ x=1.pdf"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        ("C:\\Users\\x\\scan.png", "image/png", "scan.png"),
        ("zeile\r\nneu.pdf", "application/pdf", "zeile__neu.pdf"),
        ("", "image/png", "anhang.png"),
        ("rechnung.html", "image/png", "rechnung.png"),
        ("Foto.JPEG", "image/jpeg", "Foto.JPEG"),
        ("scan.v2.final", "application/pdf", "scan.v2.pdf"),
        ("bericht 2026.12", "application/pdf", "bericht 2026.pdf"),
        ("...", "image/png", "anhang.png"),
    ],
)
def test_file_names_are_safe_in_headers_and_say_the_checked_type(
    name: str, content_type: str, safe: str
) -> None:
    assert filename_for(name, content_type) == safe
