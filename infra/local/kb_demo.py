"""Thirty German and a dozen English help articles for the local stack's knowledge base (our own
text), and a starter synonym list, loaded through the agents' API at start like every other piece of
demo data. The judged search queries (`infra/local/kb_queries.py`) name these articles by title."""

from __future__ import annotations

from typing import Any, NamedTuple


class DemoArticle(NamedTuple):
    folder: str
    title: str
    tags: list[str]
    body: str
    language: str = "de"


FOLDERS: list[dict[str, Any]] = [
    {"key": "termine", "name": "Termine", "description": "Buchen, verschieben, absagen", "position": 10},
    {
        "key": "benachrichtigungen",
        "name": "Benachrichtigungen",
        "description": "SMS und E-Mails an Behandler",
        "position": 20,
    },
    {
        "key": "konto",
        "name": "Konto und Anmeldung",
        "description": "Registrierung, Passwort, Profil",
        "position": 30,
    },
    {
        "key": "rechnungen",
        "name": "Rechnungen und Lizenzen",
        "description": "Abrechnung, Lizenzen, Zahlungen",
        "position": 40,
    },
    {
        "key": "anfragen",
        "name": "Anfragen und Postfach",
        "description": "Support-Anfragen stellen und verfolgen",
        "position": 50,
    },
]

# (folder key, title, tags, Markdown body[, language])
_GERMAN: list[tuple[str, str, list[str], str]] = [
    (
        "termine",
        "Termine stornieren",
        ["Storno", "absagen"],
        "Sie können einen **Termin absagen**, solange er noch nicht begonnen hat.\n\n"
        "1. Öffnen Sie den Kalender und wählen Sie den Termin.\n2. Klicken Sie auf *Stornieren*.\n"
        "3. Bestätigen Sie die Stornierung; der Patient erhält automatisch eine Nachricht.\n\n"
        "Stornierte Termine bleiben in der Terminhistorie sichtbar.",
    ),
    (
        "termine",
        "Einen Termin verschieben",
        ["verschieben", "umbuchen"],
        "Ziehen Sie den Termin im Kalender auf die neue Uhrzeit oder öffnen Sie ihn und wählen Sie *Verschieben*. "
        "Der Patient wird über die neue Uhrzeit informiert. Verschiebungen durch die Praxis lösen keine "
        "Benachrichtigung an den Behandler aus.",
    ),
    (
        "termine",
        "Online-Terminbuchung aktivieren",
        ["Online-Buchung", "Terminbuchung"],
        "Unter *Einstellungen > Online-Termine* legen Sie fest, welche Terminarten Patienten online buchen dürfen. "
        "Aktivieren Sie die Online-Buchung je Kalender und hinterlegen Sie Ihre Sprechzeiten.",
    ),
    (
        "termine",
        "Terminarten anlegen",
        ["Terminart", "Dauer"],
        "Eine Terminart beschreibt Dauer und Zweck eines Termins, zum Beispiel *Erstgespräch, 30 Minuten*. "
        "Legen Sie Terminarten unter *Einstellungen > Terminarten* an und ordnen Sie sie Kalendern zu.",
    ),
    (
        "termine",
        "Sprechzeiten und Urlaub eintragen",
        ["Sprechzeiten", "Urlaub", "Abwesenheit"],
        "Tragen Sie regelmäßige Sprechzeiten und Abwesenheiten wie Urlaub im Kalender ein. In Abwesenheiten "
        "können Patienten keine Online-Termine buchen; bestehende Termine werden Ihnen zur Prüfung angezeigt.",
    ),
    (
        "termine",
        "Warteliste für frei werdende Termine",
        ["Warteliste"],
        "Patienten können sich auf eine Warteliste setzen. Wird ein Termin storniert, bieten wir ihn automatisch "
        "der ersten Person auf der Warteliste an.",
    ),
    (
        "termine",
        "Erinnerungen an Patienten",
        ["Erinnerung", "Patient"],
        "Patienten erhalten 24 Stunden vor dem Termin eine Erinnerung per E-Mail oder SMS. So sinkt die Zahl "
        "der Termine, die ohne Absage nicht wahrgenommen werden.",
    ),
    (
        "benachrichtigungen",
        "Benachrichtigungen bei Online-Terminen einrichten",
        ["SMS", "E-Mail", "Behandler"],
        "Behandler erhalten eine SMS und/oder E-Mail, wenn ein Patient online einen Termin bucht. Tragen Sie dazu "
        "unter *Einstellungen > Online-Termine* beim Kalender eine Handynummer und/oder E-Mail-Adresse ein. "
        "Löschen Sie den Eintrag, um die Benachrichtigung abzuschalten.",
    ),
    (
        "benachrichtigungen",
        "Wann werden Absagen und Verschiebungen gemeldet?",
        ["24 Stunden", "Absage"],
        "Sagt ein Patient online ab oder verschiebt er, melden wir das nur, wenn es höchstens 24 Stunden vor "
        "Terminbeginn geschieht. Beispiel: Termin am 9. September um 12:00 Uhr; eine Absage am 8. September um "
        "13:00 Uhr wird gemeldet, eine um 11:00 Uhr nicht.",
    ),
    (
        "benachrichtigungen",
        "Keine SMS erhalten – was tun?",
        ["SMS", "Problem"],
        "Prüfen Sie, ob die Handynummer im Kalender stimmt und eine Mobilfunknummer ist; an Festnetznummern "
        "können wir keine SMS senden. Im Protokoll der Benachrichtigungen sehen Sie, ob und wann wir gesendet haben.",
    ),
    (
        "benachrichtigungen",
        "E-Mails landen im Spam-Ordner",
        ["Spam", "E-Mail"],
        "Bei Adressen von hotmail.com, outlook.com oder live.com landen automatische E-Mails oft im Spam. "
        "Legen Sie unsere Absenderadresse als vertrauenswürdig fest oder verwenden Sie eine andere Adresse.",
    ),
    (
        "benachrichtigungen",
        "Patientennamen in Benachrichtigungen",
        ["Datenschutz", "Patientenname"],
        "Aus Datenschutzgründen enthalten Benachrichtigungen standardmäßig keinen Patientennamen. Sie können den "
        "Namen in den Einstellungen des Kalenders einschalten.",
    ),
    (
        "benachrichtigungen",
        "Benachrichtigungen auf Englisch",
        ["Sprache", "Englisch"],
        "Stellen Sie in den Benachrichtigungs-Einstellungen des Kalenders die Sprache auf Englisch; Datum und "
        "Uhrzeit erscheinen in der Zeitzone Ihrer Praxis.",
    ),
    (
        "konto",
        "Registrieren und Konto aktivieren",
        ["Registrierung", "Aktivierung"],
        "Registrieren Sie sich mit Namen und E-Mail-Adresse und stimmen Sie der Datenschutzerklärung zu. Sie erhalten "
        "einen Aktivierungslink, der 24 Stunden gültig ist. Über den Link legen Sie Ihr Passwort fest.",
    ),
    (
        "konto",
        "Passwort vergessen",
        ["Passwort", "zurücksetzen"],
        "Klicken Sie bei der Anmeldung auf *Passwort vergessen* und geben Sie Ihre E-Mail-Adresse ein. Der Link zum "
        "Zurücksetzen ist eine Stunde gültig. Nach dem Ändern werden Sie auf allen Geräten abgemeldet.",
    ),
    (
        "konto",
        "Passwort ändern",
        ["Passwort", "Sicherheit"],
        "Unter *Profil > Sicherheit* ändern Sie Ihr Passwort. Es braucht mindestens zehn Zeichen, Groß- und "
        "Kleinbuchstaben und eine Ziffer.",
    ),
    (
        "konto",
        "Kollegen zur Organisation einladen",
        ["Einladung", "Organisation", "Mitglieder"],
        "Als Administrator laden Sie Kolleginnen und Kollegen per E-Mail ein. Die Einladung ist sieben Tage gültig; "
        "die eingeladene Person meldet sich mit genau dieser Adresse an und nimmt sie an.",
    ),
    (
        "konto",
        "Rollen: Administrator und Mitglied",
        ["Rolle", "Administrator"],
        "Administratoren verwalten Mitglieder, Kalender und Einstellungen. Mitglieder sehen alle Anfragen der "
        "Organisation und können auf offene Anfragen antworten.",
    ),
    (
        "konto",
        "Sprache des Portals ändern",
        ["Sprache", "Profil"],
        "Im Profil wählen Sie Deutsch oder Englisch. E-Mails erhalten Sie danach in der gewählten Sprache.",
    ),
    (
        "konto",
        "Mit Google oder Facebook anmelden",
        ["Google", "Facebook", "Anmeldung"],
        "Wenn Ihre Praxis es freigeschaltet hat, können Sie sich mit Ihrem Google- oder Facebook-Konto anmelden.",
    ),
    (
        "rechnungen",
        "Rechnungen herunterladen",
        ["Rechnung", "PDF"],
        "Neue Rechnungen finden Sie in Ihrem Postfach; Administratoren erhalten zusätzlich eine E-Mail mit "
        "Rechnungsnummer, Betrag und Fälligkeit. Über den Link laden Sie die Rechnung als PDF herunter.",
    ),
    (
        "rechnungen",
        "Lizenz erweitern",
        ["Lizenz", "Behandler"],
        "Ihre Lizenz legt fest, wie viele Behandler-Kalender Sie anlegen können. Für einen weiteren Kalender stellen "
        "Sie eine Anfrage der Art *Lizenzierung und Rechnungen*.",
    ),
    (
        "rechnungen",
        "Zahlungsarten",
        ["Zahlung", "Lastschrift"],
        "Wir buchen per SEPA-Lastschrift ab. Eine Änderung der Bankverbindung teilen Sie uns über eine Anfrage mit.",
    ),
    (
        "rechnungen",
        "Rechnungskopie anfordern",
        ["Rechnungskopie"],
        "Eine Kopie einer älteren Rechnung erhalten Sie über eine Anfrage der Art *Lizenzierung und Rechnungen*; "
        "geben Sie die Rechnungsnummer an.",
    ),
    (
        "anfragen",
        "Eine Anfrage an den Support stellen",
        ["Anfrage", "Support", "Ticket"],
        "Wählen Sie die passende Anfrageart, beschreiben Sie Ihr Anliegen und hängen Sie bei Bedarf Bilder oder PDFs "
        "bis 4 MB an. Sie erhalten eine Fallnummer, z. B. SR-10427, und jede Antwort per E-Mail.",
    ),
    (
        "anfragen",
        "Status einer Anfrage",
        ["Status", "offen", "geschlossen"],
        "Eine Anfrage ist *offen*, *in Bearbeitung*, *wartet auf Ihre Antwort* oder *geschlossen*. Antworten Sie auf "
        "eine Rückfrage, geht sie wieder in Bearbeitung.",
    ),
    (
        "anfragen",
        "Folgefrage zu einer geschlossenen Anfrage",
        ["Folgefrage", "geschlossen"],
        "Auf eine geschlossene Anfrage können Sie nicht mehr antworten. Stellen Sie stattdessen eine Folgefrage; sie "
        "wird mit der ursprünglichen Anfrage verknüpft.",
    ),
    (
        "anfragen",
        "Kollegen in Kopie nehmen",
        ["CC", "Kopie"],
        "Fügen Sie einer Anfrage weitere E-Mail-Adressen in Kopie hinzu. Diese Personen erhalten Antworten und "
        "Statusänderungen per E-Mail.",
    ),
    (
        "anfragen",
        "Das Postfach im Support-Portal",
        ["Postfach", "Nachrichten"],
        "Im Postfach finden Sie Antworten auf Anfragen, Rechnungen und Neuigkeiten. Ungelesene Nachrichten sind "
        "markiert; Sie können nach Fallnummer, Betreff oder Stichwort suchen.",
    ),
    (
        "anfragen",
        "Newsletter abbestellen",
        ["Newsletter", "Marketing"],
        "In den Postfach-Einstellungen bestellen Sie Neuigkeiten per E-Mail ab. Nachrichten zu Anfragen und "
        "Rechnungen erhalten Sie weiterhin.",
    ),
]


_ENGLISH: list[tuple[str, str, list[str], str]] = [
    (
        "termine",
        "Cancel an appointment",
        ["cancel", "appointment"],
        "You can **cancel an appointment** as long as it has not started. Open the calendar, select the "
        "appointment and click *Cancel*. The patient is told automatically; cancelled appointments stay "
        "visible in the appointment history.",
    ),
    (
        "termine",
        "Reschedule an appointment",
        ["reschedule", "move"],
        "Drag the appointment to its new time in the calendar, or open it and choose *Reschedule*. The patient "
        "is informed of the new time. Changes made by the practice do not notify the practitioner.",
    ),
    (
        "termine",
        "Turn on online booking",
        ["online booking", "booking"],
        "Under *Settings > Online appointments* choose which appointment types patients may book online. "
        "Turn on online booking for each calendar and enter your consultation hours.",
    ),
    (
        "termine",
        "Appointment reminders for patients",
        ["reminder", "patient"],
        "Patients receive a reminder by e-mail or text message 24 hours before their appointment, so fewer "
        "appointments are missed without notice.",
    ),
    (
        "benachrichtigungen",
        "Set up notifications for online bookings",
        ["notification", "SMS", "e-mail"],
        "Practitioners receive a text message and/or an e-mail when a patient books an appointment online. "
        "Enter a mobile number and/or an e-mail address for the calendar under *Settings > Online "
        "appointments*; delete the entry to switch the notification off.",
    ),
    (
        "benachrichtigungen",
        "No text message received",
        ["SMS", "problem"],
        "Check that the calendar's mobile number is correct and belongs to a mobile phone; landline numbers "
        "cannot receive text messages. The notification log shows whether and when we sent one.",
    ),
    (
        "benachrichtigungen",
        "E-mails end up in the spam folder",
        ["spam", "junk"],
        "Automatic e-mails to addresses at hotmail.com, outlook.com or live.com often land in the spam "
        "folder. Mark our sender address as trusted or use another address.",
    ),
    (
        "konto",
        "Reset your password",
        ["password", "forgot"],
        "Forgot your password? Click *Forgot password* on the sign-in page and enter your e-mail address. "
        "The reset link is valid for one hour; afterwards you are signed out on every device.",
    ),
    (
        "konto",
        "Invite colleagues to your organisation",
        ["invitation", "organisation", "members"],
        "Administrators invite colleagues by e-mail. The invitation is valid for seven days; the invited "
        "person signs in with exactly that address and accepts it.",
    ),
    (
        "rechnungen",
        "Download invoices",
        ["invoice", "PDF", "billing"],
        "New invoices arrive in your inbox; administrators also get an e-mail with the invoice number, "
        "amount and due date. Download the invoice as a PDF through the link.",
    ),
    (
        "rechnungen",
        "Add practitioner calendars to your licence",
        ["licence", "license", "calendar"],
        "Your licence sets how many practitioner calendars you can create. For one more calendar, submit a "
        "request of the type *Licensing and invoices*.",
    ),
    (
        "anfragen",
        "Submit a support request",
        ["request", "support", "ticket"],
        "Choose the matching request type, describe your issue and attach pictures or PDFs up to 4 MB if "
        "needed. You receive a case number such as SR-10427 and every answer by e-mail.",
    ),
    (
        "anfragen",
        "Ask a follow-up question on a closed request",
        ["follow-up", "closed"],
        "A closed request takes no more replies. Ask a follow-up question instead; it is linked to the "
        "original request.",
    ),
]

ARTICLES: list[DemoArticle] = [DemoArticle(*a) for a in _GERMAN] + [
    DemoArticle(*a, language="en") for a in _ENGLISH
]

# Words a practice uses for the same thing; agents edit the list (`PUT /agent/kb/synonyms`), this is
# where the demo starts.
SYNONYMS: list[list[str]] = [
    ["Passwort", "Kennwort", "password"],
    ["Praxis", "Ordination"],
    ["Rechnung", "Abrechnung"],
    ["Handynummer", "Mobilnummer", "Mobilfunknummer", "Handy"],
    ["stornieren", "absagen", "canceln"],
    ["Anfrage", "Ticket"],
    ["anmelden", "einloggen", "login"],
    ["Behandler", "Arzt", "Ärztin"],
]


def seed(client: Any, agent_token: str) -> int:
    """Saves the synonyms (first: every index built from then on has them), creates the folders and
    publishes the articles through the agents' API."""
    client.call("PUT", "/agent/kb/synonyms", agent_token, json={"groups": SYNONYMS}).raise_for_status()
    folder_ids = {}
    for folder in FOLDERS:
        created = client.call(
            "POST",
            "/agent/kb/folders",
            agent_token,
            json={
                "name": folder["name"],
                "description": folder["description"],
                "position": folder["position"],
            },
        )
        created.raise_for_status()
        folder_ids[folder["key"]] = created.json()["id"]
    for folder_key, title, tags, body, language in ARTICLES:
        article = client.call(
            "POST",
            "/agent/kb/articles",
            agent_token,
            json={
                "folder_id": folder_ids[folder_key],
                "title": title,
                "tags": tags,
                "body": body,
                "language": language,
            },
        )
        article.raise_for_status()
        client.call(
            "PATCH", f"/agent/kb/articles/{article.json()['id']}", agent_token, json={"status": "published"}
        ).raise_for_status()
    return len(ARTICLES)
