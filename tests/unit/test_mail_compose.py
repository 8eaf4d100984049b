"""The hand-written MIME of outgoing mail reads back, with the standard library's parser, as exactly
what was put in: headers, both parts, any text."""

from __future__ import annotations

import quopri
from email import message_from_bytes, policy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.mail import compose

HEADERS = {"Reply-To": "r+token@example.com", "References": "<a@example.com> <b@example.com>"}


def read_back(subject: str, text: str, html: str, to: str = "dr.mueller@praxis.example") -> tuple:
    raw = compose(
        sender="support@example.com",
        to=to,
        subject=subject,
        message_id="<m1@example.com>",
        headers={**HEADERS, "X-Reference-ID": "REF-1"},
        text=text,
        html=html,
        language="de",
    )
    assert b"\n" not in raw.replace(b"\r\n", b""), "every line ends in CRLF"
    assert all(len(line) <= 998 for line in raw.split(b"\r\n")), "no line over SMTP's limit"
    message = message_from_bytes(raw, policy=policy.default)
    assert message.get_content_type() == "multipart/alternative"
    plain, rich = message.iter_parts()
    assert (plain.get_content_type(), rich.get_content_type()) == ("text/plain", "text/html")
    return message, plain.get_content().replace("\r\n", "\n"), rich.get_content().replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("subject", "text", "html"),
    [
        ("Termin gebucht", "Hallo,\n\nein Termin.\n", "<p>Hallo</p>"),
        (
            "Terminbuchung für Dr. Müller – 09.09., 10:00 Uhr",
            "Grüße\n" + "ä" * 400,
            "<p>Grüße</p>" + "x" * 3000,
        ),
        ("a" * 300, "windows\r\nline\rold mac\n", "<b>\t tab</b> "),
        ("=?utf-8?q?looks_encoded?=", "trailing space \n.\nFrom here\n=_alt_boundary=3D\n", ""),
        ("", "", ""),
    ],
)
def test_what_goes_in_reads_back(subject: str, text: str, html: str) -> None:
    message, plain, rich = read_back(subject, text, html)
    assert message["Subject"] == subject
    assert (message["From"], message["To"]) == ("support@example.com", "dr.mueller@praxis.example")
    assert message["Message-ID"] == "<m1@example.com>"
    assert message["Reply-To"] == HEADERS["Reply-To"]
    assert message["References"] == HEADERS["References"]
    assert (message["X-Reference-ID"], message["Content-Language"]) == ("REF-1", "de")
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    assert plain in (expected, expected + "\n")
    assert rich in (html, html + "\n")


def test_a_line_break_in_a_value_cannot_add_a_header() -> None:
    message, _, _ = read_back("Termin\r\nBcc: victim@example.com", "x", "x")
    assert message["Bcc"] is None
    assert message["Subject"] == "Termin Bcc: victim@example.com"


def test_an_address_with_a_non_ascii_local_part_travels_as_utf8() -> None:
    message, _, _ = read_back("x", "x", "x", to="jürgen@praxis.example")
    assert message["To"] == "jürgen@praxis.example"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=400))
def test_a_quoted_printable_body_reads_back_in_lines_of_at_most_76(text: str) -> None:
    from shared.mail import _quoted_printable

    encoded = _quoted_printable(text)
    lines = encoded.split(b"\r\n")
    assert b"\n" not in encoded.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 76
    assert quopri.decodestring(encoded).decode("utf-8").replace("\r\n", "\n") == text.replace(
        "\r\n", "\n"
    ).replace("\r", "\n")


def test_a_line_b2a_qp_would_write_too_long_is_encoded_line_by_line() -> None:
    from shared.mail import _quoted_printable

    text = "x" * 74 + "\u00e4\n" + "y" * 75 + " \n"
    assert all(len(line) <= 76 for line in _quoted_printable(text).split(b"\r\n"))
