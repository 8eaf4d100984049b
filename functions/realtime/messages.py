"""What the realtime domain says to users, in German and English."""

from __future__ import annotations

from shared import i18n
from shared.i18n import Catalogue

MESSAGES: Catalogue = {
    "realtime.no_organisation_calendars": {
        "de": "Kalender-Pop-ups gibt es nur für Mitglieder einer Organisation.",
        "en": "Calendar pop-ups are for members of an organisation only.",
    },
}

i18n.register(MESSAGES)
