"""What the tickets domain says to users, in German and English.

Imported by the package itself (`__init__`), so any function that loads a module of this domain
answers in its words: Lambda loads one handler per sandbox, and no other domain registers them.
"""

from __future__ import annotations

from shared import i18n
from shared.i18n import Catalogue

MESSAGES: Catalogue = {
    "ticket.submitted": {
        "de": "Vielen Dank. Ihre Anfrage ist eingegangen; wir haben Ihnen eine Bestätigung per E-Mail geschickt.",
        "en": "Thank you. Your request was received; we have sent you a confirmation by e-mail.",
    },
    "ticket.not_found": {"de": "Die Anfrage wurde nicht gefunden.", "en": "The request was not found."},
    "ticket.type_unknown": {
        "de": "Diese Anfrageart gibt es nicht.",
        "en": "There is no such request type.",
    },
    "ticket.closed_use_follow_up": {
        "de": "Diese Anfrage ist geschlossen. Bitte stellen Sie eine Folgefrage: POST /tickets/{ticket_id}/follow-ups",
        "en": "This request is closed. Please ask a follow-up question: POST /tickets/{ticket_id}/follow-ups",
    },
    "ticket.follow_up_needs_closed": {
        "de": "Eine Folgefrage ist nur zu einer geschlossenen Anfrage möglich; antworten Sie sonst einfach.",
        "en": "A follow-up is only possible for a closed request; otherwise simply reply.",
    },
    "ticket.already_closed": {
        "de": "Die Anfrage ist bereits geschlossen.",
        "en": "The request is already closed.",
    },
    "ticket.status_unchanged": {
        "de": "Die Anfrage hat diesen Status bereits.",
        "en": "The request already has this status.",
    },
    "ticket.requester_only": {
        "de": "Nur die Person, die die Anfrage gestellt hat, darf das.",
        "en": "Only the person who made the request may do this.",
    },
    "ticket.customers_only": {
        "de": "Folgefragen stellen Kundinnen und Kunden.",
        "en": "Follow-up questions are asked by customers.",
    },
    "field.unique_values": {
        "de": "Jeder Wert darf nur einmal vorkommen.",
        "en": "Each value may appear only once.",
    },
    "field.unique_keys": {
        "de": "Jeder Feldschlüssel darf nur einmal vorkommen.",
        "en": "Each field key may appear only once.",
    },
    "field.range_order": {
        "de": "Der kleinste Wert darf nicht größer als der größte sein.",
        "en": "The smallest value must not be greater than the largest.",
    },
    "ticket.assignee_not_agent": {
        "de": "Zuständig kann nur ein Mitglied des Support-Teams sein.",
        "en": "Only a member of the support team can be assigned.",
    },
    "ticket.cc_is_requester": {
        "de": "Diese Adresse stellt die Anfrage bereits.",
        "en": "This address already made the request.",
    },
    "ticket.cc_full": {"de": "Höchstens 10 Adressen in Kopie.", "en": "At most 10 addresses in copy."},
    "ticket.cc_not_found": {"de": "Diese Adresse ist nicht in Kopie.", "en": "This address is not in copy."},
    "request_type.exists": {
        "de": "Diese Anfrageart gibt es bereits.",
        "en": "This request type already exists.",
    },
    "request_type.not_found": {
        "de": "Diese Anfrageart gibt es nicht.",
        "en": "There is no such request type.",
    },
    "request_type.key_fixed": {
        "de": "Der Schlüssel einer Anfrageart kann nicht geändert werden.",
        "en": "The key of a request type cannot be changed.",
    },
    "attachment.not_found": {"de": "Der Anhang wurde nicht gefunden.", "en": "The attachment was not found."},
    "attachment.link_invalid": {
        "de": "Dieser Download-Link ist ungültig oder abgelaufen. Bitte öffnen Sie den Anhang erneut.",
        "en": "This download link is invalid or has expired. Please open the attachment again.",
    },
    "attachment.pending": {
        "de": "Der Anhang wird noch geprüft. Bitte warten Sie einen Moment.",
        "en": "The attachment is still being checked. Please wait a moment.",
    },
    "attachment.rejected": {
        "de": "Der Anhang wurde abgelehnt: erlaubt sind JPEG, PNG und PDF bis 4 MB.",
        "en": "The attachment was refused: JPEG, PNG and PDF up to 4 MB are allowed.",
    },
    "attachment.type_not_allowed": {
        "de": "Erlaubt sind JPEG, PNG und PDF.",
        "en": "JPEG, PNG and PDF are allowed.",
    },
    "attachment.too_large": {
        "de": "Eine Datei darf höchstens {max_mb} MB groß sein.",
        "en": "A file may be at most {max_mb} MB.",
    },
    "field.date": {"de": "Bitte ein Datum (JJJJ-MM-TT) angeben.", "en": "Please enter a date (YYYY-MM-DD)."},
    "field.url": {
        "de": "Bitte eine Webadresse (https://…) angeben.",
        "en": "Please enter a web address (https://…).",
    },
}

i18n.register(MESSAGES)
