"""What the knowledge base says to users, in German and English.

Imported by the package itself (`__init__`), so any function that loads a module of this domain
answers in its words: Lambda loads one handler per sandbox, and no other domain registers them.
"""

from __future__ import annotations

from shared import i18n
from shared.i18n import Catalogue

MESSAGES: Catalogue = {
    "kb.article_not_found": {"de": "Der Artikel wurde nicht gefunden.", "en": "The article was not found."},
    "kb.folder_not_found": {"de": "Der Ordner wurde nicht gefunden.", "en": "The folder was not found."},
    "kb.folder_not_empty": {
        "de": "Der Ordner enthält noch Artikel. Verschieben oder löschen Sie diese zuerst.",
        "en": "The folder still holds articles. Move or delete them first.",
    },
    "field.synonym_repeated": {
        "de": "Jedes Wort darf nur einmal in der Liste stehen (Groß-/Kleinschreibung und Umlaute zählen nicht).",
        "en": "Each word may stand in the list only once (case and umlauts aside).",
    },
    "field.iso_week": {
        "de": "Bitte eine Kalenderwoche wie 2026-W48 angeben.",
        "en": "Please give an ISO week such as 2026-W48.",
    },
}

i18n.register(MESSAGES)
