"""List cursors: opaque to clients, tamper-evident, and valid only for the query that issued them.

A cursor is the page's LastEvaluatedKey and an HMAC-SHA256 (under the stage's signing secret) over that
key and the query's scope: the partition it reads and its filters. A cursor changed by hand, taken from
another partition (another person's list) or from another filter is refused as a wrong `cursor` field
(422) before DynamoDB sees it, so no client can make a query fail with a ValidationException.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from typing import Any

from shared.errors import FieldError, Invalid

MAC_BYTES = 16


class CursorCodec:
    def __init__(self, key: Callable[[], bytes]) -> None:
        self._key = key

    @classmethod
    def disabled(cls) -> CursorCodec:
        """For a store built where no list is read (an event consumer): using it is a programming error."""

        def no_key() -> bytes:
            raise RuntimeError("this store was built without a cursor codec")

        return cls(no_key)

    def _mac(self, payload: bytes, scope: str) -> bytes:
        return hmac.new(self._key(), scope.encode() + b"\n" + payload, hashlib.sha256).digest()[:MAC_BYTES]

    def encode(self, last_key: Mapping[str, Any] | None, scope: str) -> str | None:
        if not last_key:
            return None
        payload = json.dumps(last_key, separators=(",", ":"), sort_keys=True).encode()
        return base64.urlsafe_b64encode(self._mac(payload, scope) + payload).decode().rstrip("=")

    def decode(
        self, cursor: str | None, scope: str, key_names: set[str], partition: tuple[str, str] | None = None
    ) -> dict[str, Any] | None:
        """The ExclusiveStartKey of a cursor this query issued; a `cursor` field error for anything else.

        `partition` (attribute, value): the start key must lie in the partition being read."""
        if not cursor:
            return None
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            mac, payload = raw[:MAC_BYTES], raw[MAC_BYTES:]
            valid = len(mac) == MAC_BYTES and hmac.compare_digest(mac, self._mac(payload, scope))
            decoded = json.loads(payload) if valid else None
        except (binascii.Error, ValueError):
            decoded = None
        if (
            not isinstance(decoded, dict)
            or set(decoded) != key_names
            or not all(isinstance(v, dict) and set(v) == {"S"} for v in decoded.values())
            or (partition is not None and decoded[partition[0]] != {"S": partition[1]})
        ):
            raise Invalid("request.invalid", fields=[FieldError("cursor", "field.cursor")])
        return decoded
