"""Pure notification logic: the 24-hour rule (the seed's example both ways), SMS that fit one GSM-7
segment with the longest realistic values, mobile numbers, dates in the practice's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from notifications.content import SMS_LIMIT, Appointment, gsm7_length, sms_text, when
from notifications.phones import PhoneError, mobile_e164, spam_prone
from notifications.rules import decide

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 9, 9, 12, 0, tzinfo=BERLIN)


@pytest.mark.parametrize("kind", ["cancelled", "rescheduled"])
def test_the_seed_example_both_ways(kind: str) -> None:
    assert decide(kind, "patient_online", START, datetime(2026, 9, 8, 13, 0, tzinfo=BERLIN)).notify  # type: ignore[arg-type]
    late = decide(kind, "patient_online", START, datetime(2026, 9, 8, 11, 0, tzinfo=BERLIN))  # type: ignore[arg-type]
    assert (late.notify, late.reason) == (False, "more_than_24_hours_before")


def test_exactly_24_hours_notifies_and_a_second_more_does_not() -> None:
    assert decide("cancelled", "patient_online", START, START - timedelta(hours=24)).notify
    assert not decide("cancelled", "patient_online", START, START - timedelta(hours=24, seconds=1)).notify


def test_elapsed_time_across_the_clock_change() -> None:
    # 25 October 2026: clocks go back at 03:00. From 24 Oct 13:00 to 25 Oct 12:00 is 24 hours elapsed.
    start = datetime(2026, 10, 25, 12, 0, tzinfo=BERLIN)
    assert decide("cancelled", "patient_online", start, datetime(2026, 10, 24, 13, 0, tzinfo=BERLIN)).notify
    assert not decide(
        "cancelled", "patient_online", start, datetime(2026, 10, 24, 12, 0, tzinfo=BERLIN)
    ).notify


def test_offsets_are_respected() -> None:
    changed_utc = datetime(2026, 9, 8, 11, 0, tzinfo=UTC)  # 13:00 in Berlin
    assert decide("cancelled", "patient_online", START, changed_utc).notify


def test_booked_online_always_and_the_practice_never() -> None:
    assert decide("booked", "patient_online", START, START - timedelta(days=60)).notify
    for kind in ("booked", "cancelled", "rescheduled"):
        practice = decide(kind, "practice", START, START - timedelta(hours=1))  # type: ignore[arg-type]
        assert (practice.notify, practice.reason) == (False, "changed_by_practice")


@pytest.mark.parametrize(
    ("changed_at", "reason"),
    [
        (START, None),  # at the start itself: still inside [start - 24 h, start]
        (START + timedelta(minutes=1), "after_start"),  # the appointment has begun
        (START + timedelta(days=30), "after_start"),  # a clean-up of a past appointment
        (START - timedelta(hours=24), None),
        (START - timedelta(hours=24, seconds=1), "more_than_24_hours_before"),
    ],
)
@pytest.mark.parametrize("kind", ["cancelled", "rescheduled"])
def test_the_window_is_the_24_hours_up_to_the_start(
    kind: str, changed_at: datetime, reason: str | None
) -> None:
    decision = decide(kind, "patient_online", START, changed_at)  # type: ignore[arg-type]
    assert (decision.notify, decision.reason) == (reason is None, reason)


def test_an_unknown_actor_is_not_the_practice_and_notifies_nobody() -> None:
    for kind in ("booked", "cancelled"):
        decision = decide(kind, "booking_robot", START, START - timedelta(hours=1))  # type: ignore[arg-type]
        assert (decision.notify, decision.reason) == (False, "unknown_actor")


def test_the_rule_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="offset"):
        decide("cancelled", "patient_online", START.replace(tzinfo=None), START - timedelta(hours=1))
    with pytest.raises(ValueError, match="offset"):
        decide("cancelled", "patient_online", START, datetime(2026, 9, 9, 11, 0))


LONGEST_CALENDAR = (
    "Prof. Dr. med. Maximiliane Alexandra von Hohenzollern-Sigmaringen-Schönberg (Gemeinschaftspraxis)"
)
LONGEST_PATIENT = "Anna-Katharina Müller-Lüdenscheidt-Wagenknecht"


@pytest.mark.parametrize("kind", ["booked", "cancelled", "rescheduled"])
@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("patient", [None, LONGEST_PATIENT, "Zoë Çelik – “Notfall” 😀"])
def test_every_sms_fits_one_gsm7_segment(kind: str, language: str, patient: str | None) -> None:
    appointment = Appointment(kind, START, START - timedelta(days=1), LONGEST_CALENDAR, patient)  # type: ignore[arg-type]
    text = sms_text(appointment, language, "Europe/Berlin")
    length = gsm7_length(text)
    assert length is not None and length <= SMS_LIMIT, text
    assert "09.09.2026 12:00" in text or "09/09/2026 12:00" in text


def test_short_values_are_not_shortened() -> None:
    text = sms_text(Appointment("booked", START, None, "Dr. Schmidt", "Eva Neu"), "de", "Europe/Berlin")
    assert text == "Neuer Online-Termin Mi 09.09.2026 12:00, Eva Neu. Kalender: Dr. Schmidt"


def test_times_are_shown_in_the_practice_time_zone() -> None:
    utc_start = datetime(2026, 9, 9, 10, 0, tzinfo=UTC)
    assert when(utc_start, "Europe/Berlin", "de") == "Mi 09.09.2026 12:00"
    assert when(utc_start, "UTC", "en") == "Wed 09/09/2026 10:00"


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("0171 2345678", "+491712345678"),
        ("+49 (0)151 23456789", "+4915123456789"),
        ("0049 160 1234567", "+491601234567"),
    ],
)
def test_mobile_numbers_in_german_national_format_become_e164(raw: str, e164: str) -> None:
    assert mobile_e164(raw) == e164


@pytest.mark.parametrize(
    ("raw", "key"), [("030 12345678", "phone.not_mobile"), ("12", "phone.invalid"), ("abc", "phone.invalid")]
)
def test_landlines_and_nonsense_are_refused(raw: str, key: str) -> None:
    with pytest.raises(PhoneError) as refused:
        mobile_e164(raw)
    assert refused.value.message_key == key


def test_spam_prone_providers() -> None:
    assert spam_prone("praxis@Hotmail.com") and spam_prone("a@outlook.com") and spam_prone("b@live.com")
    assert not spam_prone("praxis@gmx.de")
