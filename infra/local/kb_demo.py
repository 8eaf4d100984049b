"""About thirty German help articles for the local stack's knowledge base (our own text), loaded
through the agents' API at start like every other piece of demo data."""

from __future__ import annotations

from typing import Any

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

# (folder key, title, tags, Markdown body)
ARTICLES: list[tuple[str, str, list[str], str]] = [
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


def seed(client: Any, agent_token: str) -> int:
    """Creates the folders and publishes the articles through the agents' API."""
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
    for folder_key, title, tags, body in ARTICLES:
        article = client.call(
            "POST",
            "/agent/kb/articles",
            agent_token,
            json={"folder_id": folder_ids[folder_key], "title": title, "tags": tags, "body": body},
        )
        article.raise_for_status()
        client.call(
            "PATCH", f"/agent/kb/articles/{article.json()['id']}", agent_token, json={"status": "published"}
        ).raise_for_status()
    return len(ARTICLES)
