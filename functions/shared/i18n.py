"""Messages a user reads, in German (the default) and English.

Domains register their own catalogues; the resolver picks the language from `Accept-Language`.
A missing key is a programming error and fails loudly in tests (see tests/unit/test_i18n.py).

Values put into a message are rendered for its language with Babel (CLDR), never by hand: a list
joins as "a, b oder c" / "a, b, or c" (`Choices`, or "und"/"and" for a plain list), a date reads
"15. Dezember 2026" / "December 15, 2026", numbers get their separators, a thing with a `label` per
language shows that label, and a message with a `count` picks its plural form ("1 Kalender" /
"1 calendar", "3 calendars").
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Any, Literal

Language = Literal["de", "en"]
DEFAULT_LANGUAGE: Language = "de"

# A message in each language; one with a `count` may give its plural forms (CLDR categories).
Message = str | dict[str, str]
Catalogue = dict[str, dict[Language, Message]]


class Choices(tuple[Any, ...]):
    """Values one of which is meant: joined with "oder" / "or"."""


class Quoted(str):
    """A value as typed (a code, not a word): in the language's quotation marks."""


_QUOTES = {"de": ("\u201e", "\u201c"), "en": ("\u201c", "\u201d")}


def render(value: Any, language: Language) -> str:
    """A value as a person reading `language` expects to see it."""
    if isinstance(value, Quoted):
        opening, closing = _QUOTES[language]
        return f"{opening}{value}{closing}"
    if isinstance(value, str):
        return value
    label = getattr(value, "label", None)
    if label is not None and hasattr(label, language):
        return str(getattr(label, language))
    if isinstance(value, bool):
        return {"de": "ja", "en": "yes"}[language] if value else {"de": "nein", "en": "no"}[language]
    if isinstance(value, datetime):
        from babel.dates import format_datetime

        return str(format_datetime(value, "medium", locale=language))
    if isinstance(value, date):
        from babel.dates import format_date

        return str(format_date(value, "long", locale=language))
    if isinstance(value, int | float):
        from babel.numbers import format_decimal

        return str(format_decimal(value, locale=language))
    if isinstance(value, list | tuple | set | frozenset):
        from babel.lists import format_list

        items = [render(v, language) for v in value]
        return str(
            format_list(items, style="or" if isinstance(value, Choices) else "standard", locale=language)
        )
    return str(value)


def money(cents: int, currency: str, language: Language) -> str:
    """An amount in cents: "1.234,50 €" / "€1,234.50"."""
    from babel.numbers import format_currency

    return str(format_currency(cents / 100, currency, locale=language))


def _plural(forms: dict[str, str], count: Any, language: Language) -> str:
    from babel import Locale

    category = Locale.parse(language).plural_form(abs(count)) if isinstance(count, int | float) else "other"
    return forms.get(category) or forms["other"]


_CATALOGUE: Catalogue = {
    # Generic request errors.
    "request.invalid": {
        "de": "Die Anfrage enthält ungültige Angaben.",
        "en": "The request contains invalid data.",
    },
    "request.unauthorized": {
        "de": "Bitte melden Sie sich an.",
        "en": "Please sign in.",
    },
    "request.not_found": {
        "de": "Diese Adresse gibt es nicht.",
        "en": "There is no such address.",
    },
    "request.internal_error": {
        "de": "Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es später erneut.",
        "en": "An unexpected error occurred. Please try again later.",
    },
    "request.dependency_failed": {
        "de": "Der Dienst ist vorübergehend nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.",
        "en": "The service is temporarily unavailable. Please try again in a moment.",
    },
    "request.unsupported_media_type": {
        "de": "Bitte senden Sie den Inhalt als JSON (Content-Type: application/json).",
        "en": "Please send the body as JSON (Content-Type: application/json).",
    },
    "request.rate_limited": {
        "de": "Zu viele Anfragen. Bitte versuchen Sie es in {retry_after} Sekunden erneut.",
        "en": "Too many requests. Please try again in {retry_after} seconds.",
    },
    # Field-level messages, keyed by pydantic's error type (see field_message).
    "field.missing": {"de": "Dieses Feld ist erforderlich.", "en": "This field is required."},
    "field.extra_forbidden": {
        "de": "Dieses Feld ist nicht erlaubt.",
        "en": "This field is not allowed.",
    },
    "field.string_too_short": {
        "de": "Bitte mindestens {min_length} Zeichen eingeben.",
        "en": "Please enter at least {min_length} characters.",
    },
    "field.string_too_long": {
        "de": "Bitte höchstens {max_length} Zeichen eingeben.",
        "en": "Please enter at most {max_length} characters.",
    },
    "field.string_type": {"de": "Bitte einen Text angeben.", "en": "Please enter text."},
    "field.repeated": {"de": "Bitte nur einmal angeben.", "en": "Please give this only once."},
    "field.too_long": {  # a list (pydantic says too_long for lists and string_too_long for texts)
        "de": "Höchstens {max_length} erlaubt.",
        "en": "At most {max_length} allowed.",
    },
    "field.too_short": {
        "de": "Mindestens {min_length} erforderlich.",
        "en": "At least {min_length} required.",
    },
    "field.int_type": {"de": "Bitte eine ganze Zahl angeben.", "en": "Please enter a whole number."},
    "field.int_parsing": {"de": "Bitte eine ganze Zahl angeben.", "en": "Please enter a whole number."},
    "field.bool_type": {"de": "Bitte ja oder nein angeben.", "en": "Please answer yes or no."},
    "field.bool_parsing": {"de": "Bitte ja oder nein angeben.", "en": "Please answer yes or no."},
    "field.greater_than_equal": {
        "de": "Der Wert muss mindestens {ge} sein.",
        "en": "The value must be at least {ge}.",
    },
    "field.less_than_equal": {
        "de": "Der Wert darf höchstens {le} sein.",
        "en": "The value must be at most {le}.",
    },
    "field.literal_error": {
        "de": "Erlaubt ist {expected}.",
        "en": "Allowed is {expected}.",
    },
    "field.enum": {"de": "Erlaubt ist {expected}.", "en": "Allowed is {expected}."},
    "field.option": {
        "de": "Bitte wählen Sie {options}.",
        "en": "Please choose {options}.",
    },
    "field.model_type": {
        "de": "Bitte ein JSON-Objekt angeben.",
        "en": "Please send a JSON object.",
    },
    "field.dict_type": {"de": "Bitte ein JSON-Objekt angeben.", "en": "Please send a JSON object."},
    "field.json_invalid": {
        "de": "Der Inhalt ist kein gültiges JSON.",
        "en": "The body is not valid JSON.",
    },
    "field.encoding": {
        "de": "Der Inhalt ist kein gültiger UTF-8-Text.",
        "en": "The body is not valid UTF-8 text.",
    },
    "field.number_too_large": {
        "de": "Eine Zahl ist zu groß oder ungültig (höchstens 38 Stellen).",
        "en": "A number is too large or invalid (at most 38 digits).",
    },
    "field.too_deep": {
        "de": "Der Inhalt ist zu tief verschachtelt.",
        "en": "The body is nested too deeply.",
    },
    "field.control_characters": {
        "de": "Steuer- und Richtungszeichen sind nicht erlaubt.",
        "en": "Control and text-direction characters are not allowed.",
    },
    "field.single_line": {
        "de": "Zeilenumbrüche und Tabulatoren sind hier nicht erlaubt.",
        "en": "Line breaks and tabs are not allowed here.",
    },
    "field.email": {
        "de": "Bitte eine gültige E-Mail-Adresse angeben.",
        "en": "Please enter a valid e-mail address.",
    },
    "field.invalid": {"de": "Ungültiger Wert.", "en": "Invalid value."},
    "field.cursor": {
        "de": "Diese Seitenmarke gehört nicht zu dieser Liste. Bitte laden Sie die Liste neu.",
        "en": "This page marker does not belong to this list. Please reload the list.",
    },
    "field.consent_required": {
        "de": "Bitte stimmen Sie der Datenschutzerklärung zu.",
        "en": "Please accept the privacy policy.",
    },
    "auth.session_ended": {
        "de": "Ihre Sitzung ist beendet. Bitte melden Sie sich erneut an.",
        "en": "Your session has ended. Please sign in again.",
    },
    "auth.profile_incomplete": {
        "de": "Bitte vervollständigen Sie zuerst Ihr Profil: Name und Zustimmung zur Datenschutzerklärung "
        "(POST /accounts/me/profile).",
        "en": "Please complete your profile first: your name and consent to the privacy policy "
        "(POST /accounts/me/profile).",
    },
    "auth.agents_only": {
        "de": "Diese Funktion steht nur dem Support-Team zur Verfügung.",
        "en": "Only the support team can use this function.",
    },
    "account.not_found": {"de": "Das Konto wurde nicht gefunden.", "en": "The account was not found."},
    "request.conflict_retry": {
        "de": "Die Daten wurden gerade geändert. Bitte laden Sie neu und versuchen Sie es erneut.",
        "en": "The data was just changed. Please reload and try again.",
    },
}


def register(catalogue: Catalogue) -> None:
    clash = set(catalogue) & set(_CATALOGUE)
    same = {k for k in clash if catalogue[k] == _CATALOGUE[k]}
    if clash - same:
        raise ValueError(f"message keys registered twice: {sorted(clash - same)}")
    _CATALOGUE.update(catalogue)


def has(key: str) -> bool:
    return key in _CATALOGUE


def all_keys() -> set[str]:
    return set(_CATALOGUE)


def text(key: str, language: Language, **params: Any) -> str:
    entry = _CATALOGUE[key]
    template = entry.get(language) or entry[DEFAULT_LANGUAGE]
    if isinstance(template, dict):
        template = _plural(template, params.get("count"), language)
    try:
        return template.format(**{name: render(value, language) for name, value in params.items()})
    except (KeyError, IndexError):
        return template


@functools.lru_cache(maxsize=256)  # a few distinct headers make nearly every request
def negotiate(accept_language: str | None) -> Language:
    """The best of de/en for an Accept-Language header; German when nothing matches."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, rest = part.strip().partition(";")
        quality = 1.0
        if rest.strip().startswith("q="):
            try:
                quality = float(rest.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower()))
    for negative_quality, _, tag in sorted(ranked):
        if negative_quality >= 0:
            continue
        primary = tag.split("-")[0]
        if primary in ("de", "en"):
            return "de" if primary == "de" else "en"
    return DEFAULT_LANGUAGE
