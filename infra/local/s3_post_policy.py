"""S3's browser-upload (POST) policy, enforced in front of moto, which stores whatever it is sent.

A presigned POST carries a policy (expiry and conditions: bucket, key, Content-Type, size range) and its
SigV4 signature. AWS refuses an upload that breaks any of it; moto does not look. Likewise a presigned
GET (a download link): AWS checks its signature and its expiry, moto serves any such link. This WSGI middleware
checks what AWS checks before moto sees the request, and answers as S3 does (XML errors, 400/403), so a
4 MB + 1 upload fails locally as it fails in AWS:

- the signature over the base64 policy, with the stage's (local) secret key;
- the policy's expiration;
- every condition: exact matches, `eq`, `starts-with`, `content-length-range`;
- no form field the policy does not name (besides `policy`, `x-amz-signature`, `file`, `x-ignore-*`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote
from xml.sax.saxutils import escape

from werkzeug.formparser import parse_form_data

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_FREE_FIELDS = {"policy", "x-amz-signature", "file"}


class PolicyViolation(Exception):
    def __init__(self, status: int, code: str, message: str, **extra: object) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def check(fields: dict[str, str], size: int, bucket: str, secret: str, now: datetime) -> None:
    """Raises PolicyViolation for an upload AWS would refuse."""
    lowered = {k.lower(): v for k, v in fields.items()}
    encoded = lowered.get("policy")
    if not encoded:
        raise PolicyViolation(403, "AccessDenied", "Bucket POST must contain a field named 'policy'.")
    credential = lowered.get("x-amz-credential", "")
    parts = credential.split("/")
    if len(parts) != 5 or lowered.get("x-amz-algorithm") != "AWS4-HMAC-SHA256":
        raise PolicyViolation(403, "AccessDenied", "Invalid according to Policy: credential or algorithm.")
    expected = hmac.new(
        _signing_key(secret, parts[1], parts[2], parts[3]), encoded.encode(), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, lowered.get("x-amz-signature", "")):
        raise PolicyViolation(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        )
    try:
        policy = json.loads(base64.b64decode(encoded))
    except ValueError:
        raise PolicyViolation(400, "InvalidPolicyDocument", "Invalid Policy: Invalid JSON.") from None
    expiration = datetime.fromisoformat(str(policy.get("expiration", "")).replace("Z", "+00:00"))
    if expiration <= now:
        raise PolicyViolation(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
    values = {**lowered, "bucket": bucket}
    named: set[str] = set()
    for condition in policy.get("conditions", []):
        if isinstance(condition, dict):
            for name, value in condition.items():
                named.add(name.lower())
                if values.get(name.lower()) != value:
                    raise PolicyViolation(
                        403, "AccessDenied", f"Invalid according to Policy: Policy Condition failed: {name}"
                    )
        elif condition and condition[0] == "content-length-range":
            low, high = int(condition[1]), int(condition[2])
            if size > high:
                raise PolicyViolation(
                    400,
                    "EntityTooLarge",
                    "Your proposed upload exceeds the maximum allowed size",
                    ProposedSize=size,
                    MaxSizeAllowed=high,
                )
            if size < low:
                raise PolicyViolation(
                    400,
                    "EntityTooSmall",
                    "Your proposed upload is smaller than the minimum allowed size",
                    ProposedSize=size,
                    MinSizeAllowed=low,
                )
        elif condition and condition[0] in ("eq", "starts-with"):
            name = str(condition[1]).lstrip("$").lower()
            named.add(name)
            value = values.get(name, "")
            passed = value == condition[2] if condition[0] == "eq" else value.startswith(str(condition[2]))
            if not passed:
                raise PolicyViolation(
                    403, "AccessDenied", f"Invalid according to Policy: Policy Condition failed: {name}"
                )
    extra = {f for f in lowered if f not in named and f not in _FREE_FIELDS and not f.startswith("x-ignore-")}
    if extra:
        raise PolicyViolation(
            403, "AccessDenied", f"Invalid according to Policy: Extra input fields: {sorted(extra)[0]}"
        )


def check_presigned(
    method: str, raw_path: str, raw_query: str, host: str, secret: str, now: datetime
) -> None:
    """Raises PolicyViolation for a presigned (query-string SigV4) request AWS would refuse: a signature
    that is not the one of this method, path, query and host, or a link past its X-Amz-Expires."""
    pairs = [(unquote(k), unquote(v)) for k, _, v in (p.partition("=") for p in raw_query.split("&") if p)]
    params = dict(pairs)
    credential = params.get("X-Amz-Credential", "").split("/")
    amz_date = params.get("X-Amz-Date", "")
    if len(credential) != 5 or params.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" or not amz_date:
        raise PolicyViolation(
            400, "AuthorizationQueryParametersError", "Query-string authentication is malformed."
        )
    canonical_query = "&".join(
        f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(pairs) if k != "X-Amz-Signature"
    )
    signed_headers = params.get("X-Amz-SignedHeaders", "host")
    headers = {"host": host}
    canonical_request = "\n".join(
        [
            method,
            raw_path,
            canonical_query,
            "".join(f"{h}:{headers.get(h, '')}\n" for h in signed_headers.split(";")),
            signed_headers,
            "UNSIGNED-PAYLOAD",
        ]
    )
    scope = "/".join(credential[1:])
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    key = _signing_key(secret, credential[1], credential[2], credential[3])
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, params.get("X-Amz-Signature", "")):
        raise PolicyViolation(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        )
    signed_at = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    if now > signed_at + timedelta(seconds=int(params.get("X-Amz-Expires", "0") or 0)):
        raise PolicyViolation(403, "AccessDenied", "Request has expired")


def _refuse(violation: PolicyViolation, start_response: Callable[..., Any]) -> list[bytes]:
    """S3's XML error answer."""
    extra = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in violation.extra.items())
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{violation.code}</Code><Message>{escape(violation.message)}</Message>{extra}"
        f"<RequestId>{uuid.uuid4().hex[:16].upper()}</RequestId></Error>"
    ).encode()
    start_response(
        f"{violation.status} {'Bad Request' if violation.status == 400 else 'Forbidden'}",
        [("Content-Type", "application/xml"), ("Content-Length", str(len(xml)))],
    )
    return [xml]


class S3PostPolicy:
    """WSGI middleware in front of moto's app: checks form uploads to a bucket as S3 would."""

    def __init__(self, app: WsgiApp, secret: str | None = None) -> None:
        self._app = app
        self._secret = secret if secret is not None else os.environ.get("AWS_SECRET_ACCESS_KEY", "local")

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        query = str(environ.get("QUERY_STRING", ""))
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD") and "X-Amz-Signature=" in query:
            raw_path = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or path).split("?")[0]
            try:
                check_presigned(
                    str(environ["REQUEST_METHOD"]),
                    raw_path,
                    query,
                    str(environ.get("HTTP_HOST", "")),
                    self._secret,
                    datetime.now(UTC),
                )
            except PolicyViolation as violation:
                return _refuse(violation, start_response)
            return self._app(environ, start_response)
        is_form_upload = (
            environ.get("REQUEST_METHOD") == "POST"
            and str(environ.get("CONTENT_TYPE", "")).startswith("multipart/form-data")
            and path.strip("/").count("/") == 0
            and path.strip("/")
        )
        if not is_form_upload:
            return self._app(environ, start_response)
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        probe = {**environ, "wsgi.input": io.BytesIO(body)}
        _, form, files = parse_form_data(probe)
        upload = files.get("file")
        size = len(upload.read()) if upload is not None else 0
        try:
            check(dict(form.items()), size, path.strip("/"), self._secret, datetime.now(UTC))
        except PolicyViolation as violation:
            return _refuse(violation, start_response)
        environ["wsgi.input"] = io.BytesIO(body)
        return self._app(environ, start_response)
