"""Download links: short-lived, signed, and served by this API with the headers S3 cannot send.

A presigned S3 GET cannot carry `X-Content-Type-Options: nosniff`, so the link points at
`GET /downloads/{token}`: the token names the object, the file name and the judged type and expires
after `DOWNLOAD_LINK_SECONDS`; an HMAC-SHA256 under the stage's signing secret makes it unforgeable.
Who may download was decided when the link was made (the caller could see the ticket), as with a
presigned URL; the token itself never names a ticket or a person.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from urllib.parse import quote

MAC_BYTES = 20
_DOMAIN = b"download\n"


@dataclass(frozen=True)
class Grant:
    object_key: str
    filename: str
    content_type: str
    expires_at: int


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, _DOMAIN + payload, hashlib.sha256).digest()[:MAC_BYTES]


def sign(key: bytes, grant: Grant) -> str:
    payload = json.dumps(
        [grant.object_key, grant.filename, grant.content_type, grant.expires_at], separators=(",", ":")
    ).encode()
    return base64.urlsafe_b64encode(_mac(key, payload) + payload).decode().rstrip("=")


def verify(key: bytes, token: str, now_epoch: int) -> Grant | None:
    """The grant of a token this API signed and that has not expired; None for anything else."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    mac, payload = raw[:MAC_BYTES], raw[MAC_BYTES:]
    if len(mac) != MAC_BYTES or not hmac.compare_digest(mac, _mac(key, payload)):
        return None
    object_key, filename, content_type, expires_at = json.loads(payload)
    if int(expires_at) < now_epoch:
        return None
    return Grant(str(object_key), str(filename), str(content_type), int(expires_at))


def headers(grant: Grant) -> dict[str, str]:
    """What a browser needs to save the file and never render or sniff it."""
    fallback = grant.filename.encode("ascii", "replace").decode().replace("?", "_")
    return {
        "Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(grant.filename)}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
        "Referrer-Policy": "no-referrer",
    }
