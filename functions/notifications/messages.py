"""What the notifications domain says to users, in German and English.

Imported by the package itself (`__init__`), so any function that loads a module of this domain
answers in its words: Lambda loads one handler per sandbox, and no other domain registers them.
"""

from __future__ import annotations

from shared import i18n
from shared.i18n import Catalogue

MESSAGES: Catalogue = {
    "calendar.not_found": {"de": "Der Kalender wurde nicht gefunden.", "en": "The calendar was not found."},
    "calendar.organisation_not_found": {
        "de": "Die Organisation wurde nicht gefunden.",
        "en": "The organisation was not found.",
    },
    "calendar.admins_only": {
        "de": "Nur Administratoren der Organisation dürfen Kalender verwalten.",
        "en": "Only the organisation's admins may manage calendars.",
    },
    "calendar.licence_exhausted": {
        "de": {
            "one": "Ihre Lizenz umfasst {count} Behandler-Kalender, und er ist vergeben. "
            "Für einen weiteren Kalender erweitern Sie bitte Ihre Lizenz.",
            "other": "Ihre Lizenz umfasst {count} Behandler-Kalender; alle sind vergeben. "
            "Für einen weiteren Kalender erweitern Sie bitte Ihre Lizenz.",
        },
        "en": {
            "one": "Your licence covers {count} practitioner calendar and it is in use. "
            "Please extend your licence for another one.",
            "other": "Your licence covers {count} practitioner calendars and all are in use. "
            "Please extend your licence for another one.",
        },
    },
    "calendar.email_undeliverable": {
        "de": "Diese Adresse empfängt keine E-Mails mehr (unzustellbar oder als Spam gemeldet); "
        "Benachrichtigungen per E-Mail gehen nicht mehr hinaus. Bitte tragen Sie eine andere Adresse ein.",
        "en": "This address no longer receives e-mail (undeliverable or reported as spam); no notification "
        "mails go out. Please enter another address.",
    },
    "calendar.email_spam_warning": {
        "de": "Gespeichert. Achtung: Bei Adressen von hotmail.com, outlook.com oder live.com landen "
        "Benachrichtigungen oft im Spam-Ordner.",
        "en": "Saved. Note: with addresses at hotmail.com, outlook.com or live.com, notifications often land in spam.",
    },
    "phone.invalid": {
        "de": "Bitte eine gültige Handynummer angeben, z. B. 0171 2345678.",
        "en": "Please enter a valid mobile number, e.g. +49 171 2345678.",
    },
    "phone.not_mobile": {
        "de": "Das ist eine Festnetznummer; SMS können nur an Handynummern gehen.",
        "en": "This is a landline number; SMS can only go to mobile numbers.",
    },
}

i18n.register(MESSAGES)
