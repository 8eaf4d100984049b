"""E-mail addresses are identifiers: one canonical form, compared exactly, look-alikes never equal."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from pydantic import ValidationError

from shared import replies
from shared.addresses import normalise, normalise_or_none
from tickets import inbound
from tickets.models import CcAdd

KEY = b"k" * 64
TICKET = "01KAZ3Q1W5X7Y9Z0ABCDEFGHJK"
PARTICIPANT = "x@praxis-strasse.example"


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Anna.Schmidt@Praxis-Schmidt.DE", "anna.schmidt@praxis-schmidt.de"),
        ("  anna@praxis.example ", "anna@praxis.example"),
        ("x@praxis-straße.example", "x@xn--praxis-strae-v9a.example"),
        ("x@PRAXIS-STRAẞE.example", "x@xn--praxis-strae-v9a.example"),
        ("Müller@praxis.example", "müller@praxis.example"),
        ("u\u0308ber@praxis.example", "über@praxis.example"),  # decomposed umlaut: NFC
    ],
)
def test_one_canonical_form(typed: str, canonical: str) -> None:
    assert normalise(typed) == canonical


@pytest.mark.parametrize(
    "look_alike",
    [
        "x@praxis-straße.example",  # ß is not ss
        "x@praxiſ-strasse.example",  # long s
        "x@praxis-stra\u212a.example",  # Kelvin sign
        "\u212a@praxis-strasse.example",
        "x@ｐｒａｘｉｓ-strasse.example",  # full-width letters
        "ｘ@praxis-strasse.example",
    ],
)
def test_look_alikes_are_never_the_participant(look_alike: str) -> None:
    canonical = normalise_or_none(look_alike)
    assert canonical != PARTICIPANT
    token = replies.parse(replies.address(KEY, "reply.example", TICKET, PARTICIPANT), "reply.example")
    assert token is not None
    assert not replies.is_participants(KEY, token, look_alike)
    assert replies.is_participants(KEY, token, PARTICIPANT.upper())


def test_addresses_under_test_the_domain_kept_for_testing_are_addresses() -> None:
    assert normalise("Ut%$==bnhd@Praxis.TEST") == "ut%$==bnhd@praxis.test"


@pytest.mark.parametrize(
    "address",
    [
        "x@praxiſ.example",
        "x@\u212aelvin.example",
        "x@ｐｒａｘｉｓ.example",
        "no-at-sign",
        "a@b",
        "x@-bad-.example",
        "x@praxis.invalid",
        "x@localhost",
        "x@praxis.onion",
    ],
)
def test_what_cannot_be_normalised_is_refused(address: str) -> None:
    with pytest.raises(ValueError, match=r"address|look-alike"):
        normalise(address)
    with pytest.raises(ValidationError):
        CcAdd(email=address)


def _raw(sender: str) -> bytes:
    """A mail as an SMTPUTF8 sender writes it: UTF-8 in the header, no encoded words."""
    return f"From: X <{sender}>\r\nTo: reply+abc@reply.example\r\nSubject: Re\r\n\r\nDanke!\r\n".encode()


def test_a_look_alike_sender_of_a_reply_is_not_the_participant() -> None:
    parsed = inbound.parse(_raw("x@praxis-straße.example"))
    assert parsed.sender == "x@xn--praxis-strae-v9a.example" != PARTICIPANT
    assert inbound.parse(_raw("x@ｐｒａｘｉｓ-strasse.example")).sender is None
    assert inbound.parse(_raw(PARTICIPANT)).sender == PARTICIPANT


@pytest.mark.parametrize("dot", ["\u3002", "\uff0e", "\uff61"])
def test_look_alike_dots_are_refused(dot: str) -> None:
    assert normalise_or_none(f"klaus@praxis-k{dot}example") is None
    message = EmailMessage()
    message["From"] = f"Klaus <klaus@praxis-k{dot}example>"
    message.set_content("Danke!")
    assert inbound.parse(message.as_bytes()).sender is None


def test_an_address_hidden_in_an_encoded_word_is_no_sender() -> None:
    import base64

    hidden = base64.b64encode(b"anna@praxis.example").decode()
    raw = f"From: =?utf-8?b?{hidden}?=\r\nTo: x@reply.example\r\nSubject: Re\r\n\r\nDanke!\r\n".encode()
    assert inbound.parse(raw).sender is None
    named = "From: =?utf-8?q?Anna_M=C3=BCller?= <anna@praxis.example>\r\nSubject: Re\r\n\r\nDanke!\r\n"
    assert inbound.parse(named.encode()).sender == "anna@praxis.example"  # a display name may be encoded
