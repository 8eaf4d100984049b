"""What the inbox says to users, in German and English.

Imported by the package itself (`__init__`), so any function that loads a module of this domain
answers in its words: Lambda loads one handler per sandbox, and no other domain registers them.
"""

from __future__ import annotations

from shared import i18n
from shared.i18n import Catalogue

MESSAGES: Catalogue = {
    "inbox.message_not_found": {
        "de": "Die Nachricht wurde nicht gefunden.",
        "en": "The message was not found.",
    },
}

i18n.register(MESSAGES)
