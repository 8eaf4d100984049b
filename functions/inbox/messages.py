"""What the inbox says to users, in German and English."""

from __future__ import annotations

from shared.i18n import Catalogue

MESSAGES: Catalogue = {
    "inbox.message_not_found": {
        "de": "Die Nachricht wurde nicht gefunden.",
        "en": "The message was not found.",
    },
}
