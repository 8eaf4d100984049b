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


@pytest.mark.parametrize(
    "address",
    [
        "x@praxiſ.example",
        "x@\u212aelvin.example",
        "x@ｐｒａｘｉｓ.example",
        "no-at-sign",
        "a@b",
        "x@-bad-.example",
    ],
)
def test_what_cannot_be_normalised_is_refused(address: str) -> None:
    with pytest.raises(ValueError, match=r"address|look-alike"):
        normalise(address)
    with pytest.raises(ValidationError):
        CcAdd(email=address)


def test_a_look_alike_sender_of_a_reply_is_not_the_participant() -> None:
    message = EmailMessage()
    message["From"] = "X <x@praxis-straße.example>"
    message["To"] = "reply+abc@reply.example"
    message.set_content("Danke!")
    parsed = inbound.parse(message.as_bytes())
    assert parsed.sender == "x@xn--praxis-strae-v9a.example" != PARTICIPANT
    message.replace_header("From", "X <x@ｐｒａｘｉｓ-strasse.example>")
    assert inbound.parse(message.as_bytes()).sender is None
