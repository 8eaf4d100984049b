"""A mail filled into its frame (`shared.mail_frames`) is the whole render's, character for character:
every appointment mail with many values, and arbitrary values (which the frame refuses where it must)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.mail import MailRenderer
from shared.mail_frames import Frames, plain

TEMPLATES = Path(__file__).resolve().parents[2] / "functions" / "notifications" / "mail_templates"
FILL = ("start", "previous_start")


WHOLE = MailRenderer(TEMPLATES)  # templates compiled once for the module
FILLED = MailRenderer(TEMPLATES)


def _fresh() -> MailRenderer:
    FILLED._frames = Frames()  # no frame from an earlier case
    return FILLED


def _both(renderer: MailRenderer, language: str, context: dict[str, Any], reference: str) -> tuple[Any, Any]:
    whole = WHOLE.render("appointment", language, context, reference)  # type: ignore[arg-type]
    filled = renderer.render("appointment", language, context, reference, fill=FILL)  # type: ignore[arg-type]
    return whole, filled


@pytest.mark.parametrize(
    ("language", "kind", "patient"),
    itertools.product(("de", "en"), ("booked", "cancelled", "moved"), ("", "Eva Muster")),
)
def test_every_appointment_mail_filled_in_is_the_whole_render(language: str, kind: str, patient: str) -> None:
    renderer = _fresh()
    for n in range(12):
        context = {
            "kind": kind,
            "start": f"Mittwoch, {n + 1}. September 2026, {8 + n}:{15 * (n % 4):02d}",
            "previous_start": f"Dienstag, {n + 1}. September 2026, 09:00" if kind == "moved" else "",
            "calendar_name": "Dr. Anna Schmidt – Sprechstunde",
            "patient_name": patient,
            "time_zone": "Europe/Berlin",
        }
        whole, filled = _both(renderer, language, context, f"01K{n:023d}")
        assert filled == whole
    assert len(renderer._frames._frames) == 1  # one frame served all but the first


values = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=["Cs"], include_characters="&<>\"' \u00a0\ue000SR-"
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(start=values, previous=values, reference=values, name=values)
def test_any_values_give_the_whole_renders_mail(start: str, previous: str, reference: str, name: str) -> None:
    renderer = _fresh()
    for language, kind in (("de", "moved"), ("en", "booked")):
        context = {
            "kind": kind,
            "start": start,
            "previous_start": previous,
            "calendar_name": name or "Kalender",
            "patient_name": "",
            "time_zone": "Europe/Berlin",
        }
        whole, filled = _both(renderer, language, context, reference)
        assert filled == whole


words = st.from_regex(
    r"[A-Za-zÄÖÜäöüß0-9.,:/()+-]{1,12}( [A-Za-zÄÖÜäöüß0-9.,:/()+-]{1,12}){0,5}", fullmatch=True
)


@settings(max_examples=150, deadline=None)
@given(start=words, previous=words, reference=words)
def test_plain_values_are_filled_in_and_read_as_rendered_whole(
    start: str, previous: str, reference: str
) -> None:
    renderer = _fresh()
    context = {
        "kind": "moved",
        "start": start,
        "previous_start": previous,
        "calendar_name": "Kalender",
        "patient_name": "",
        "time_zone": "Europe/Berlin",
    }
    for again in ("", " 2"):  # the first rendered whole, the second filled into a frame
        whole, filled = _both(renderer, "de", context, reference + again)
        assert filled == whole
    frames = list(renderer._frames._frames.values())
    assert len(frames) == 1
    assert (frames[0] is not None) == ("SR-" not in whole.html)  # filled in, not rendered whole


def test_a_fixed_value_holding_a_placeholder_character_is_rendered_whole() -> None:
    renderer = _fresh()
    context = {
        "kind": "booked",
        "start": "Mittwoch, 9. September 2026, 12:00",
        "previous_start": "",
        "calendar_name": "Kalender \ue000\ue001\ue002",
        "patient_name": "",
        "time_zone": "Europe/Berlin",
    }
    for reference in ("r1", "r2", "r3"):
        whole, filled = _both(renderer, "de", context, reference)
        assert filled == whole
    assert list(renderer._frames._frames.values()) == [None]


def test_only_values_every_step_passes_unchanged_are_plain() -> None:
    assert all(map(plain, ["Mittwoch, 9. September 2026, 12:00", "01K8ABC", "9:00 Uhr"]))
    assert not any(
        map(
            plain,
            [
                " x",
                "x ",
                "a  b",
                "a\tb",
                "a\nb",
                "A&B",
                "<b>",
                'a"b',
                "a'b",
                "12\u00a0Uhr",
                "SR-1",
                "\ue001",
                "a\x00",
                "a\u200bb",
                3,
            ],
        )
    )
