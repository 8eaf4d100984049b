"""Pure inbox logic: search folding and the read watermark."""

from __future__ import annotations

import pytest

from inbox.folding import fold, searchable
from inbox.records import MessageRecord, StateRecord


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("müller", "Herr MÜLLER"),
        ("mueller", "Herr Müller"),
        ("muller", "Herr Müller"),
        ("strasse", "Hauptstraße 5"),
        ("STRASSE", "hauptstrasse"),
        ("sr-10427", "[SR-10427] Neue Antwort"),
        ("cafe", "Café am Markt"),
    ],
)
def test_search_finds_across_case_umlauts_and_sharp_s(query: str, text: str) -> None:
    assert fold(query) in searchable(text)


def _message(message_id: str, flag: bool | None = None, flag_at: str | None = None) -> MessageRecord:
    return MessageRecord(message_id, "ticket", "s", "b", "2026", "s b", read_flag=flag, flag_at=flag_at)


def test_the_watermark_reads_everything_older_and_later_flags_win() -> None:
    state = StateRecord(unread=0, read_before="01J5", exists=True)
    assert state.is_read(_message("01J4"))
    assert not state.is_read(_message("01J6"))
    assert not state.is_read(_message("01J4", flag=False, flag_at="01J7"))  # marked unread after read-all
    assert state.is_read(_message("01J4", flag=False, flag_at="01J3"))  # an older flag lost to read-all
    assert state.is_read(_message("01J6", flag=True, flag_at="01J8"))
    assert not StateRecord().is_read(_message("01J1"))
