"""Search analytics, nothing personal: what of a query is counted (normalised words; nothing that looks
like an address, a phone number, a name or a token) and the ISO week it is counted in."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from kb import models
from kb.text import is_stop_word, words

_WEEK = re.compile(models.WEEK_PATTERN)
# What may identify someone: an address (also written "(at)", "[at]"), a domain or link, a phone-like
# number (6+ digits, separators), a name after a salutation, a token-like string (letters and digits,
# 12+ characters). Checked after NFKC, so full-width "＠" and digits count too.
_PERSONAL = re.compile(
    r"@|[(\[{<]\s*(?:at|ät|dot|punkt)\s*[)\]}>]|://|\bwww\.|\b[\w-]+\.(?:de|com|net|org|at|ch|eu|info|io|biz)\b"
    r"|\d[\d\s/()+.-]{4,}\d|\b(?:frau|herr|fr|hr|dr|prof)\b\.?\s+\w"
    r"|\b(?=\w*\d)(?=\w*[^\W\d])\w{12,}\b",
    re.IGNORECASE,
)


def analytics_query(query: str) -> str | None:
    """The query as search analytics keep it: lower-cased words, at most 100 characters; None for
    one that looks like an e-mail address or a phone number (personal data is not kept)."""
    query = unicodedata.normalize("NFKC", query)
    if _PERSONAL.search(query):
        return None
    found = words(query)
    if all(is_stop_word(w) for w in found):  # "die", "an die und": nothing a missing article could answer
        return None
    return " ".join(found)[:100].strip() or None


def is_week(week: str) -> bool:
    """An ISO week as the API writes it ("2026-W05") that exists (2025-W53 does not)."""
    if not _WEEK.match(week):
        return False
    try:
        date.fromisocalendar(int(week[:4]), int(week[6:]), 1)
    except ValueError:
        return False
    return True


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
