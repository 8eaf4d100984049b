"""Reply-by-e-mail addresses and mail threading, shared by the mails going out (inbox) and the mails
coming in (tickets).

A ticket mail's Reply-To is `reply+<ticket id>.<mac>@<reply domain>`: the mac is an HMAC-SHA256 under a
secret (Secrets Manager) over the ticket id and the one recipient's address, so a token names exactly
one ticket and one participant, cannot be guessed or moved to another ticket, and stops working when
the participant leaves the ticket (CC removed) or the secret is rotated (every token at once).

Threading: the first mail about a ticket has the Message-ID `<ticket-<id>@<reply domain>>`; every later
one a Message-ID of its own, stable for its event and recipient (a retried send repeats it), with
In-Reply-To and References pointing at the first, so mail programs keep a ticket in one thread.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

from shared import secrets
from shared.addresses import normalise_or_none

PREFIX = "reply+"
MAC_CHARS = 26  # 130 bits
_TOKEN = re.compile(r"^reply\+([0-9a-hjkmnp-tv-z]{26})\.([a-z2-7]{26})$")


@dataclass(frozen=True)
class ReplyToken:
    ticket_id: str
    mac: str


def secret(secret_arn: str) -> bytes:
    """The signing secret, read from Secrets Manager once per process."""
    return secrets.value(secret_arn)


def mac(key: bytes, ticket_id: str, participant: str) -> str:
    """Over the participant's canonical address (shared.addresses): equal addresses, equal macs;
    look-alikes ("ß"/"ss", the Kelvin sign) never."""
    canonical = normalise_or_none(participant) or participant
    digest = hmac.new(key, f"{ticket_id.upper()}\n{canonical}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:MAC_CHARS]


def address(key: bytes, domain: str, ticket_id: str, participant: str) -> str:
    return f"{PREFIX}{ticket_id.lower()}.{mac(key, ticket_id, participant)}@{domain}"


def parse(recipient: str, domain: str) -> ReplyToken | None:
    """The token of one of our reply addresses; None for any other address."""
    local, _, host = recipient.strip().rpartition("@")
    if not recipient.isascii() or host.lower() != domain.lower():
        return None
    found = _TOKEN.match(local.lower())
    return ReplyToken(found.group(1).upper(), found.group(2)) if found else None


def is_participants(key: bytes, token: ReplyToken, participant: str) -> bool:
    return hmac.compare_digest(mac(key, token.ticket_id, participant), token.mac)


def thread_root(domain: str, ticket_id: str) -> str:
    return f"<ticket-{ticket_id.lower()}@{domain}>"


def thread_ticket(domain: str, message_ids: list[str]) -> str | None:
    """The ticket whose thread one of these message ids (In-Reply-To, References) names, if any.
    Anyone can write one: it is a hint, never a permission."""
    pattern = re.compile(rf"^<ticket-([0-9a-hjkmnp-tv-z]{{26}})@{re.escape(domain.lower())}>$")
    for message in message_ids:
        found = pattern.match(message.strip().lower())
        if found:
            return found.group(1).upper()
    return None


def message_key(sender: str, message_id: str) -> str:
    """A received message's identity across deliveries: its sender and its own Message-ID."""
    return "msg-" + hashlib.sha256(f"{sender}\n{message_id}".encode()).hexdigest()[:40]


def message_id(domain: str, event_id: str, recipient: str) -> str:
    tag = hashlib.sha256((normalise_or_none(recipient) or recipient).encode()).hexdigest()[:12]
    return f"<{event_id.lower()}.{tag}@{domain}>"
