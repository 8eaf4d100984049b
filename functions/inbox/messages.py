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
    "inbox.unsubscribe_invalid": {
        "de": "Dieser Abmeldelink ist ungültig.",
        "en": "This unsubscribe link is not valid.",
    },
    "inbox.unsubscribed": {
        "de": "Sie erhalten keine Neuigkeiten mehr per E-Mail. Antworten auf Ihre Anfragen und "
        "Benachrichtigungen erhalten Sie weiterhin; in Ihrem Postfach können Sie Neuigkeiten wieder einschalten.",
        "en": "You no longer receive news by e-mail. Answers to your requests and notifications still "
        "reach you; you can turn news back on in your inbox.",
    },
    # Mail text (licence_exceeded): the licence beside the calendars set up.
    "licence.covers": {
        "de": {
            "one": "Ihre Lizenz umfasst jetzt {count} Behandler-Kalender; eingerichtet sind {in_use}.",
            "other": "Ihre Lizenz umfasst jetzt {count} Behandler-Kalender; eingerichtet sind {in_use}.",
        },
        "en": {
            "one": "Your licence now covers {count} practitioner calendar; {in_use} are set up.",
            "other": "Your licence now covers {count} practitioner calendars; {in_use} are set up.",
        },
    },
}

i18n.register(MESSAGES)
