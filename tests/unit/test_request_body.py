"""Numbers in request bodies read as JSON Schema counts them."""

from __future__ import annotations

import pytest

from shared.request_body import parse


@pytest.mark.parametrize(("text", "expected"), [("2.0", 2), ("1e3", 1000), ("-0.0", 0), ("118.0", 118)])
def test_a_number_without_a_fraction_is_an_integer(text: str, expected: int) -> None:
    value = parse(f'{{"size": {text}}}')["size"]
    assert value == expected and type(value) is int


@pytest.mark.parametrize("text", ["2.5", "1e-3", "9007199254740993.0"])
def test_a_number_with_a_fraction_or_beyond_float_precision_stays_a_float(text: str) -> None:
    assert type(parse(f'{{"x": {text}}}')["x"]) is float


@pytest.mark.parametrize("text", ["1e400", "-1e400", "1" * 39 + ".5"])
def test_numbers_dynamodb_cannot_store_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=text[:5]):
        parse(f'{{"x": {text}}}')
