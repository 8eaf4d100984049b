"""What a message puts in is rendered for its reader's language by CLDR's rules (Babel)."""

from __future__ import annotations

from datetime import date

import pytest

from shared import i18n
from tickets.request_types import seed

MESSAGES: i18n.Catalogue = {
    "test.calendars": {
        "de": {"one": "{count} Kalender ist frei.", "other": "{count} Kalender sind frei."},
        "en": {"one": "{count} calendar is free.", "other": "{count} calendars are free."},
    },
    "test.values": {"de": "Werte: {values}; Datum: {day}.", "en": "Values: {values}; date: {day}."},
}


@pytest.fixture(autouse=True)
def messages(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, entry in MESSAGES.items():
        monkeypatch.setitem(i18n._CATALOGUE, key, entry)


@pytest.mark.parametrize(
    ("count", "language", "expected"),
    [
        (1, "de", "1 Kalender ist frei."),
        (2, "de", "2 Kalender sind frei."),
        (0, "en", "0 calendars are free."),
        (1, "en", "1 calendar is free."),
        (1200, "de", "1.200 Kalender sind frei."),
        (1200, "en", "1,200 calendars are free."),
    ],
)
def test_a_count_picks_its_plural_form_and_separators(
    count: int, language: i18n.Language, expected: str
) -> None:
    assert i18n.text("test.calendars", language, count=count) == expected


def test_lists_and_dates_read_as_each_language_writes_them() -> None:
    day = date(2026, 12, 15)
    assert i18n.text("test.values", "de", values=["a", "b", "c"], day=day) == (
        "Werte: a, b und c; Datum: 15. Dezember 2026."
    )
    assert i18n.text("test.values", "en", values=i18n.Choices(["a", "b", "c"]), day=day) == (
        "Values: a, b, or c; date: December 15, 2026."
    )


def test_a_select_s_choices_are_its_labels_in_the_reader_s_language() -> None:
    module = seed()[0].fields[0]
    options = i18n.Choices(module.options)  # type: ignore[union-attr]
    assert i18n.text("field.option", "de", options=options).endswith("Abrechnung oder Sonstiges.")
    assert i18n.text("field.option", "en", options=options).endswith("Billing, or Other.")


def test_money_in_each_language() -> None:
    assert i18n.money(123450, "EUR", "de") == "1.234,50\xa0€"
    assert i18n.money(123450, "EUR", "en") == "€1,234.50"


def test_every_plural_message_has_the_other_form() -> None:
    for key in i18n.all_keys():
        for language, message in i18n._CATALOGUE[key].items():
            if isinstance(message, dict):
                assert "other" in message, (key, language)
