"""List cursors are opaque, tamper-evident and bound to the query that issued them."""

from __future__ import annotations

import base64

import pytest

from shared.cursors import CursorCodec
from shared.errors import Invalid

KEY = {"PK": {"S": "USER#anna"}, "SK": {"S": "MSG#01K"}}
codec = CursorCodec(lambda: b"s" * 64)


def test_a_cursor_comes_back_as_the_key_it_was_made_of() -> None:
    cursor = codec.encode(KEY, "inbox\n")
    assert cursor is not None and "USER#anna" not in cursor
    assert codec.decode(cursor, "inbox\n", {"PK", "SK"}, ("PK", "USER#anna")) == KEY
    assert codec.encode(None, "inbox\n") is None
    assert codec.decode(None, "inbox\n", {"PK", "SK"}) is None


def _flip(cursor: str) -> str:
    raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    raw[-3] ^= 1
    return base64.urlsafe_b64encode(bytes(raw)).decode()


@pytest.mark.parametrize(
    ("cursor", "scope", "partition"),
    [
        (codec.encode(KEY, "inbox\n"), "inbox\nmarketing", ("PK", "USER#anna")),  # another filter
        (codec.encode(KEY, "inbox\n"), "inbox\n", ("PK", "USER#jonas")),  # another person's list
        (CursorCodec(lambda: b"other" * 13).encode(KEY, "inbox\n"), "inbox\n", None),  # another key
        (_flip(codec.encode(KEY, "inbox\n") or ""), "inbox\n", None),  # changed by hand
        (base64.urlsafe_b64encode(b'{"PK":{"S":"USER#x"},"SK":{"S":"y"}}').decode(), "inbox\n", None),
        (codec.encode({"PK": {"S": "a"}, "SK": {"N": "1"}}, "inbox\n"), "inbox\n", None),  # not strings
        ("not base64 at all!", "inbox\n", None),
        ("", "inbox\n", None),
    ],
)
def test_anything_else_is_a_named_field_error(
    cursor: str, scope: str, partition: tuple[str, str] | None
) -> None:
    if cursor == "":
        assert codec.decode(cursor, scope, {"PK", "SK"}) is None
        return
    with pytest.raises(Invalid) as refused:
        codec.decode(cursor, scope, {"PK", "SK"}, partition)
    assert [f.field for f in refused.value.fields] == ["cursor"]
