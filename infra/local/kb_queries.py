"""The judged search queries: what people type into the knowledge-base search, each with the demo
articles (`kb_demo.ARTICLES`, by title, so the set survives re-seeding) that answer it, most useful
first. An empty answer means the search must find nothing. `bench/kb_relevance.py` measures the search
on them; `tests/unit/test_kb_relevance.py` checks that every answerable one finds an article of its.

Kinds: typo-short and typo-long (one or two letters wrong, late in long words), compound (joined,
split, hyphenated), verb (strong verbs and participles), synonym (the starter list of
`kb_demo.SYNONYMS`), umlaut (ae/oe/ue typed for ä/ö/ü), plain, english (on the English articles),
empty (nothing in the knowledge base answers it), and blind: written after the search had been tuned
on all the others, and not tuned on (two of them it misses, see the test)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from kb.index import IndexedArticle, SearchIndex
    from kb.morphology import Morphology


class Judged(NamedTuple):
    query: str
    answers: tuple[str, ...]
    kind: str


_NOTIFY = ("Benachrichtigungen bei Online-Terminen einrichten",)
_NOTIFY_ALL = (*_NOTIFY, "Patientennamen in Benachrichtigungen", "Benachrichtigungen auf Englisch")
_CANCEL = ("Termine stornieren", "Wann werden Absagen und Verschiebungen gemeldet?")
_MOVE = ("Einen Termin verschieben", "Wann werden Absagen und Verschiebungen gemeldet?")
_FORGOT = ("Passwort vergessen",)
_CHANGE_PW = ("Passwort ändern", "Passwort vergessen")
_BOOKING = ("Online-Terminbuchung aktivieren",)
_REMIND = ("Erinnerungen an Patienten",)
_SPAM = ("E-Mails landen im Spam-Ordner",)
_INVOICE = ("Rechnungen herunterladen",)
_COPY = ("Rechnungskopie anfordern",)
_SMS = ("Keine SMS erhalten – was tun?", *_NOTIFY)

QUERIES: list[Judged] = [
    # --- the misses ---
    Judged("Benachrichtigugen", _NOTIFY_ALL, "typo-long"),
    Judged("Benachrichtigngen", _NOTIFY_ALL, "typo-long"),
    Judged("Benachrichtigungn", _NOTIFY_ALL, "typo-long"),
    Judged("Terminbuchnug", _BOOKING, "typo-long"),
    Judged("Pasword", ("Passwort vergessen", "Passwort ändern", "Reset your password"), "typo-short"),
    Judged("verschoben", _MOVE, "verb"),
    Judged("Spamordner", _SPAM, "compound"),
    # --- typos in short words ---
    Judged("Pasword vergessen", _FORGOT, "typo-short"),
    Judged("Rechnnug", (*_INVOICE, *_COPY), "typo-short"),
    Judged("Termn absagen", _CANCEL, "typo-short"),
    Judged("Urlab eintragen", ("Sprechzeiten und Urlaub eintragen",), "typo-short"),
    Judged("Lizens erweitern", ("Lizenz erweitern",), "typo-short"),
    Judged("Postfahc", ("Das Postfach im Support-Portal",), "typo-short"),
    Judged("Newsleter", ("Newsletter abbestellen",), "typo-short"),
    Judged("Stauts Anfrage", ("Status einer Anfrage",), "typo-short"),
    Judged("Facebok anmelden", ("Mit Google oder Facebook anmelden",), "typo-short"),
    Judged("Gogle Anmeldung", ("Mit Google oder Facebook anmelden",), "typo-short"),
    Judged("Wartelste", ("Warteliste für frei werdende Termine",), "typo-short"),
    Judged("Rolen Administrator", ("Rollen: Administrator und Mitglied",), "typo-short"),
    # --- typos in long words ---
    Judged("Registreirung", ("Registrieren und Konto aktivieren",), "typo-long"),
    Judged("Datenschutzerklärnug", ("Registrieren und Konto aktivieren",), "typo-long"),
    Judged("Verschiebnug Termin", _MOVE, "typo-long"),
    Judged("Sprechzeitne", ("Sprechzeiten und Urlaub eintragen",), "typo-long"),
    Judged("Organistion einladen", ("Kollegen zur Organisation einladen",), "typo-long"),
    Judged(
        "Administartor",
        ("Rollen: Administrator und Mitglied", "Kollegen zur Organisation einladen"),
        "typo-long",
    ),
    Judged("Stornierugn", ("Termine stornieren",), "typo-long"),
    Judged("Aktivierungslnik", ("Registrieren und Konto aktivieren",), "typo-long"),
    Judged("Folgefarge", ("Folgefrage zu einer geschlossenen Anfrage",), "typo-long"),
    Judged("Abwesenheitn", ("Sprechzeiten und Urlaub eintragen",), "typo-long"),
    Judged("Lastschirft", ("Zahlungsarten",), "typo-long"),
    Judged("Mobilfunknumer", _SMS, "typo-long"),
    # --- compounds: joined, split, hyphenated ---
    Judged("Spam Ordner", _SPAM, "compound"),
    Judged("Terminerinnerung", _REMIND, "compound"),
    Judged("Termin-Erinnerung", _REMIND, "compound"),
    Judged("Termin Erinnerung", _REMIND, "compound"),
    Judged("Terminbuchung", _BOOKING, "compound"),
    Judged("Online Buchung", _BOOKING, "compound"),
    Judged("Onlinebuchung", _BOOKING, "compound"),
    Judged("Buchung Termin", _BOOKING, "compound"),
    Judged("Rechnungskopie", _COPY, "compound"),
    Judged("Kopie Rechnung", _COPY, "compound"),
    Judged("Rechnungs-Kopie", _COPY, "compound"),
    Judged("Handynummer", _SMS, "compound"),
    Judged("Mobilfunk Nummer", (_SMS[0],), "compound"),
    Judged("Passwortänderung", _CHANGE_PW, "compound"),
    Judged("Terminabsage", _CANCEL, "compound"),
    Judged("Supportanfrage", ("Eine Anfrage an den Support stellen",), "compound"),
    Judged("Absenderadresse", _SPAM, "compound"),
    Judged("Adresse Absender", _SPAM, "compound"),
    Judged("Zeitzone Praxis", ("Benachrichtigungen auf Englisch",), "plain"),
    # --- strong verbs and participles ---
    Judged("Termin verschoben", _MOVE, "verb"),
    Judged("abgesagt", _CANCEL, "verb"),
    Judged("Termin wurde abgesagt", _CANCEL, "verb"),
    Judged("Kollegen eingeladen", ("Kollegen zur Organisation einladen",), "verb"),
    Judged("Rechnung heruntergeladen", _INVOICE, "verb"),
    Judged("Newsletter abbestellt", ("Newsletter abbestellen",), "verb"),
    Judged("Terminart angelegt", ("Terminarten anlegen",), "verb"),
    Judged("Urlaub eingetragen", ("Sprechzeiten und Urlaub eintragen",), "verb"),
    Judged("Passwort geändert", _CHANGE_PW, "verb"),
    Judged("Termin storniert", ("Termine stornieren",), "verb"),
    # --- synonyms ---
    Judged("Kennwort vergessen", _FORGOT, "synonym"),
    Judged("Kennwort ändern", _CHANGE_PW, "synonym"),
    Judged("Abrechnung herunterladen", _INVOICE, "synonym"),
    Judged("Abrechnung Kopie", _COPY, "synonym"),
    Judged("Ordination Zeitzone", ("Benachrichtigungen auf Englisch",), "synonym"),
    Judged("Mobilnummer eintragen", _NOTIFY, "synonym"),
    Judged("Ticket erstellen Support", ("Eine Anfrage an den Support stellen",), "synonym"),
    Judged("einloggen Google", ("Mit Google oder Facebook anmelden",), "synonym"),
    Judged("Arzt Benachrichtigung", _NOTIFY, "synonym"),
    # --- ae/oe/ue for umlauts ---
    Judged("Passwort aendern", _CHANGE_PW, "umlaut"),
    Judged("Sprache aendern", ("Sprache des Portals ändern",), "umlaut"),
    Judged("Gueltigkeit Einladung", ("Kollegen zur Organisation einladen",), "umlaut"),
    Judged("Rueckfrage", ("Status einer Anfrage",), "umlaut"),
    Judged("Passwort zuruecksetzen", _FORGOT, "umlaut"),
    Judged("Faelligkeit Rechnung", _INVOICE, "umlaut"),
    Judged("Statusaenderungen", ("Kollegen in Kopie nehmen",), "umlaut"),
    # --- plain German ---
    Judged("Termin absagen", _CANCEL, "plain"),
    Judged("Wie kann ich einen Termin verschieben?", _MOVE, "plain"),
    Judged("Rechnung als PDF", _INVOICE, "plain"),
    Judged("SEPA Lastschrift", ("Zahlungsarten",), "plain"),
    Judged("Kollegen in Kopie", ("Kollegen in Kopie nehmen",), "plain"),
    Judged("Sprache Portal", ("Sprache des Portals ändern",), "plain"),
    # --- English on the English articles ---
    Judged("cancel appointment", ("Cancel an appointment",), "english"),
    Judged("reschedule an appointment", ("Reschedule an appointment",), "english"),
    Judged("reset password", ("Reset your password",), "english"),
    Judged("I forgot my password", ("Reset your password",), "english"),
    Judged("download invoice", ("Download invoices",), "english"),
    Judged("emails in spam folder", ("E-mails end up in the spam folder",), "english"),
    Judged("invite colleagues", ("Invite colleagues to your organisation",), "english"),
    Judged(
        "online booking", ("Turn on online booking", "Set up notifications for online bookings"), "english"
    ),
    Judged("appointment reminder", ("Appointment reminders for patients",), "english"),
    Judged("text message not received", ("No text message received",), "english"),
    Judged("support request", ("Submit a support request",), "english"),
    Judged("follow-up question", ("Ask a follow-up question on a closed request",), "english"),
    Judged("more calendars licence", ("Add practitioner calendars to your licence",), "english"),
    Judged("invoce", ("Download invoices",), "english"),
    Judged("appointmnet reminders", ("Appointment reminders for patients",), "english"),
    # --- written after the search was tuned on the ones above, and not tuned on ---
    Judged("Termin umbuchen", _MOVE, "blind"),
    Judged("Patient hat abgesagt", _CANCEL, "blind"),
    Judged("SMS kommt nicht an", _SMS, "blind"),
    Judged("Urlaub im Kalender sperren", ("Sprechzeiten und Urlaub eintragen",), "blind"),
    Judged("Einladung abgelaufen", ("Kollegen zur Organisation einladen",), "blind"),
    Judged("Rechnung per Mail", _INVOICE, "blind"),
    Judged("wie ändere ich mein Passwort", _CHANGE_PW, "blind"),
    Judged("Zahlung per Lastschrift", ("Zahlungsarten",), "blind"),
    Judged("Terminerinnerungen per SMS", _REMIND, "blind"),
    Judged("Kollegin einladen", ("Kollegen zur Organisation einladen",), "blind"),
    Judged("Behandlerkalender anlegen", ("Lizenz erweitern",), "blind"),
    Judged("Spam Filter Hotmail", _SPAM, "blind"),
    Judged("appointment cancelled by patient", ("Cancel an appointment",), "blind"),
    Judged("Datenschutz Patientenname", ("Patientennamen in Benachrichtigungen",), "blind"),
    Judged("Neuigkeiten abbestellen", ("Newsletter abbestellen",), "blind"),
    Judged("Sprechstunde eintragen", ("Sprechzeiten und Urlaub eintragen",), "blind"),
    Judged("Praxis Parkplatz", (), "blind"),
    Judged("Videosprechstunde starten", (), "blind"),
    # --- nothing answers these ---
    Judged("Wetterbericht morgen", (), "empty"),
    Judged("Rezept Apfelkuchen", (), "empty"),
    Judged("Laborbefunde importieren", (), "empty"),
    Judged("Impfpass digital", (), "empty"),
    Judged("Blutdruck messen", (), "empty"),
    Judged("Quantenphysik", (), "empty"),
    Judged("Steuererklärung Finanzamt", (), "empty"),
    Judged("Fußball Ergebnisse", (), "empty"),
    Judged("xyzzy", (), "empty"),
    Judged("qwertzuiop", (), "empty"),
    Judged("weather forecast tomorrow", (), "empty"),
    Judged("football results", (), "empty"),
]


def demo_articles() -> list[IndexedArticle]:
    """The demo articles as the indexer sees them (plain text of the rendered Markdown)."""
    from infra.local.kb_demo import ARTICLES
    from kb.index import IndexedArticle
    from kb.text import plain_text
    from shared.markdown import render_markdown

    return [
        IndexedArticle(f"a{n}", a.folder, a.language, a.title, a.tags, plain_text(render_markdown(a.body)))
        for n, a in enumerate(ARTICLES)
    ]


def demo_index(
    directory: Path,
    articles: Sequence[IndexedArticle] | None = None,
    *,
    dictionary: bool = True,
    synonyms: bool = True,
) -> SearchIndex:
    """An index of the demo articles (or of `articles`) with the demo's synonyms, built as the indexer
    builds it (without the dictionary's lemmas and compound parts, or the synonyms, when asked)."""
    from infra.local.kb_demo import SYNONYMS
    from kb.index import SearchIndex, build

    build(
        directory,
        demo_articles() if articles is None else articles,
        forms=dictionary_forms() if dictionary else None,
        synonyms=SYNONYMS if synonyms else (),
    )
    return SearchIndex(directory)


@cache
def dictionary_forms() -> Morphology:
    """The indexer's dictionary, loaded once per process (2–3 s) and shared with the indexer."""
    from kb.morphology import shared

    return shared()
