"""The body of an HTTP request, checked once before any route sees it.

API Gateway hands a function whatever a client sent. Before this gate, hostile bodies reached the
catch-all as 5xx: 100,000 nested brackets (RecursionError in the JSON parser), an integer of 5,000
digits (Python's int-parsing limit), invalid UTF-8 behind `isBase64Encoded`, `text/plain` bodies. Here
each becomes a client error: 415 for a body that is not JSON, 422 naming `body` for one that cannot be
read as JSON this API takes (the same envelope as every validation error).

Numbers are read as JSON Schema counts them (`2.0` is the integer 2) and limited to what DynamoDB stores (38 significant digits, finite), and nesting to
`MAX_DEPTH` levels (no request model needs more; DynamoDB refuses maps nested deeper than 32).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 16
MAX_NUMBER_DIGITS = 38


@dataclass(frozen=True)
class BodyRefused:
    status: int
    code: str
    message_key: str
    field_key: str | None = None


class _NotStorable(ValueError):
    pass


class _TooDeep(ValueError):
    pass


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _NotStorable(text[:20])
    return int(text)


def _float(text: str) -> float | int:
    """A number with a fraction part or exponent; one without a fractional value (`2.0`, `1e3`) is an
    integer, as JSON Schema counts it, so an integer field takes it like `2`."""
    digits = text.lstrip("-").split("e")[0].split("E")[0].replace(".", "").lstrip("0")
    value = float(text)
    if len(digits) > MAX_NUMBER_DIGITS or value in (float("inf"), float("-inf")):
        raise _NotStorable(text[:20])
    if value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _constant(name: str) -> Any:
    raise _NotStorable(name)  # NaN, Infinity: not JSON, and not storable


def parse(text: str) -> Any:
    """JSON as this API takes it; ValueError for anything else (also too deep or unstorable numbers)."""
    try:
        value = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except RecursionError:
        raise _TooDeep from None
    if _depth(value) > MAX_DEPTH:
        raise _TooDeep
    return value


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, dict):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in current.values())
        elif isinstance(current, list):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in current)
    return deepest


def is_json(content_type: str | None) -> bool:
    """No content type (as curl and many clients send with a JSON body) or a JSON one."""
    if not content_type or not content_type.strip():
        return True
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


# Routes that take a form post from a mail program (RFC 8058 one-click unsubscribe), never JSON-only.
FORM_ROUTES = frozenset({"POST /inbox/unsubscribe/{token}"})


def _is_form(content_type: str | None) -> bool:
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    return kind in ("application/x-www-form-urlencoded", "multipart/form-data")


class BodyGate:
    """Checks each request's body before routing and hands the parsed value to the resolver, so a body
    is parsed once (the resolver's `json_body_deserializer`). One request at a time, as Lambda runs."""

    def __init__(self) -> None:
        self._text: str | None = None
        self._value: Any = None

    def deserialize(self, text: str) -> Any:
        if text is self._text or text == self._text:
            return self._value
        return parse(text)

    def check(self, event: dict[str, Any]) -> BodyRefused | None:
        """Refuses a body no route may see; otherwise leaves the event with its body as plain text."""
        self._text, self._value = None, None
        body = event.get("body")
        if not body:
            return None
        headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
        if event.get("routeKey") in FORM_ROUTES and _is_form(headers.get("content-type")):
            event["body"] = ""  # RFC 8058's one-click POST: its one form field says nothing more
            event["isBase64Encoded"] = False
            return None
        if not is_json(headers.get("content-type")):
            return BodyRefused(415, "unsupported_media_type", "request.unsupported_media_type")
        if event.get("isBase64Encoded"):
            try:
                body = base64.b64decode(str(body), validate=True).decode("utf-8")
            except (binascii.Error, ValueError):
                return BodyRefused(422, "validation_error", "request.invalid", "field.encoding")
            event["body"] = body
            event["isBase64Encoded"] = False
        text = str(body)
        try:
            self._value = parse(text)
        except _NotStorable:
            return BodyRefused(422, "validation_error", "request.invalid", "field.number_too_large")
        except _TooDeep:
            return BodyRefused(422, "validation_error", "request.invalid", "field.too_deep")
        except ValueError:
            return BodyRefused(422, "validation_error", "request.invalid", "field.json_invalid")
        if not isinstance(self._value, dict):
            # Every body of this API is one JSON object. Said here because the validation after
            # routing would take the first element of an array for the object (powertools
            # normalises list values for query strings and bodies alike).
            return BodyRefused(422, "validation_error", "request.invalid", "field.model_type")
        self._text = text
        return None
