"""Identifiers and secrets: sortable ids for items, unguessable tokens for links (only their hash is stored)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any


def new_id() -> str:
    """A ULID: unique, sortable by creation time, safe in URLs."""
    return str(ulid_class()())


def ulid_class() -> Any:
    """python-ulid's ULID, imported at the first id, not at cold start: its import reads its own
    version from the installed distributions (up to 8 ms where nothing else did that yet), and a
    function that only reads never needs it."""
    from ulid import ULID

    return ULID


def new_token() -> str:
    """256 bits from the OS's CSPRNG, URL-safe: what goes into an e-mailed link."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored instead of the token, so a leaked table row opens no link."""
    return hashlib.sha256(token.encode()).hexdigest()
