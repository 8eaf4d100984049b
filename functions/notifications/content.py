"""What a practitioner reads, pure: dates in the practice's time zone, German by default, and SMS that
always fit one GSM-7 segment (160 characters) by shortening the calendar's and patient's names."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from notifications.rules import ChangeKind

SMS_LIMIT = 160
# GSM 03.38 basic character set; the extension table's characters count twice.
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")
_WEEKDAYS = {
    "de": ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
}


def gsm7_length(text: str) -> int | None:
    """Septets the text needs in GSM-7, or None when it has a character GSM-7 cannot carry."""
    length = 0
    for character in text:
        if character in _GSM_BASIC:
            length += 1
        elif character in _GSM_EXTENDED:
            length += 2
        else:
            return None
    return length


def to_gsm7(text: str) -> str:
    """Replaces what GSM-7 cannot carry (names from anywhere) with a close plain character or "?"."""
    replacements = {
        "–": "-",
        "—": "-",
        "„": '"',
        "“": '"',
        "”": '"',
        "’": "'",
        "‘": "'",
        "→": "->",
        "…": "...",
    }
    out = []
    for character in text:
        character = replacements.get(character, character)
        if gsm7_length(character) is None:
            plain = unicodedata.normalize("NFKD", character).encode("ascii", "ignore").decode() or "?"
            character = plain if gsm7_length(plain) is not None else "?"
        out.append(character)
    return "".join(out)


def when(moment: datetime, time_zone: str, language: str) -> str:
    local = moment.astimezone(ZoneInfo(time_zone))
    weekday = _WEEKDAYS["en" if language == "en" else "de"][local.weekday()]
    if language == "en":
        return f"{weekday} {local:%d/%m/%Y %H:%M}"
    return f"{weekday} {local:%d.%m.%Y %H:%M}"


@dataclass(frozen=True)
class Appointment:
    kind: ChangeKind
    start: datetime
    previous_start: datetime | None
    calendar_name: str
    patient_name: str | None  # only when the practice switched it on


def _fixed_sms(a: Appointment, language: str, time_zone: str, calendar: str, patient: str) -> str:
    start = when(a.start, time_zone, language)
    who = f", {patient}" if patient else ""
    if language == "en":
        if a.kind == "booked":
            return f"New online appointment {start}{who}. Calendar: {calendar}"
        if a.kind == "cancelled":
            return f"Online appointment cancelled: {start}{who}. Calendar: {calendar}"
        previous = when(a.previous_start or a.start, time_zone, language)
        return f"Online appointment moved from {previous} to {start}{who}. Calendar: {calendar}"
    if a.kind == "booked":
        return f"Neuer Online-Termin {start}{who}. Kalender: {calendar}"
    if a.kind == "cancelled":
        return f"Online-Termin abgesagt: {start}{who}. Kalender: {calendar}"
    previous = when(a.previous_start or a.start, time_zone, language)
    return f"Online-Termin verschoben von {previous} auf {start}{who}. Kalender: {calendar}"


def sms_text(appointment: Appointment, language: str, time_zone: str) -> str:
    """One GSM-7 segment, always: names are shortened (patient first, then calendar) until it fits."""
    calendar = to_gsm7(appointment.calendar_name)
    patient = to_gsm7(appointment.patient_name or "")
    text = _fixed_sms(appointment, language, time_zone, calendar, patient)
    while (gsm7_length(text) or SMS_LIMIT + 1) > SMS_LIMIT:
        if len(patient) > 8:
            patient = patient[: len(patient) - 2].rstrip() + "."
        elif patient:
            patient = ""
        elif len(calendar) > 4:
            calendar = calendar[: len(calendar) - 2].rstrip() + "."
        else:
            break
        text = _fixed_sms(appointment, language, time_zone, calendar, patient)
    return text
