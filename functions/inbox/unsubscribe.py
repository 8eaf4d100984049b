"""One-click unsubscribe from marketing mails (RFC 8058): a token per person, `<user id>.<mac>`, the mac
an HMAC-SHA256 under the signing secret over a purpose label and the user id, so it names exactly one
person, cannot be guessed, and needs no sign-in. It only ever turns marketing mails off; transactional
mails (ticket answers, notifications, security mails) never carry it and are never suppressed by it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

_TOKEN = re.compile(r"^([A-Za-z0-9-]{1,64})\.([a-z2-7]{26})$")


def _mac(key: bytes, user_id: str) -> str:
    digest = hmac.new(key, f"unsubscribe\n{user_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:26]


def token(key: bytes, user_id: str) -> str:
    return f"{user_id}.{_mac(key, user_id)}"


def user_of(key: bytes, presented: str) -> str | None:
    found = _TOKEN.match(presented)
    if not found or not hmac.compare_digest(_mac(key, found.group(1)), found.group(2)):
        return None
    return found.group(1)
