"""Search folding, pure: case, German umlauts and ß, and accents, so that "Müller", "Mueller",
"Muller" and "MÜLLER" find each other."""

from __future__ import annotations

import unicodedata

_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """The form a query is compared in: lower case, ä→ae, ö→oe, ü→ue, ß→ss, other accents dropped."""
    return " ".join(_strip_accents(text.casefold().translate(_GERMAN)).split())


def searchable(*parts: str) -> str:
    """What is stored to search in: the folded text, and a variant with umlauts as plain vowels."""
    text = " ".join(p for p in parts if p)
    return f"{fold(text)}\n{' '.join(_strip_accents(text.casefold()).split())}"
