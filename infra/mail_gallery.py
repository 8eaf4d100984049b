"""Every mail of every domain, in German and English, rendered with sample values and photographed in
headless Chromium at phone and desktop width: `make mails` writes them under docs/mails/ so a reviewer
sees each mail without sending one (tests/e2e/test_mail_gallery.py checks what a reader would notice).

    python -m infra.mail_gallery [OUTDIR]
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "functions")]

WIDTHS = {"phone": 375, "desktop": 800}
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
PORTAL = "https://portal.example.com"
_TICKET = {
    "case_number": "SR-10042",
    "subject": "Terminbenachrichtigung kommt nicht an",
    "full_name": "Dr. Anna Schmidt",
    "body": "Bitte prüfen Sie unter **Einstellungen > Benachrichtigungen** die Rufnummer.\n\n- Format: 0171 2345678\n- danach speichern",
    "status_label": "Wartet auf Ihre Antwort",
    "ticket_url": f"{PORTAL}/anfragen/01M8KMP609TMQJ1NYQXBXG3JWK",
    "registered": True,
    "reply_marker": True,
    "requester_name": "Jonas Weber",
    "request_type": "Anträge, Neubestellungen",
    "details": [("Produkt", "Zweiter Kalender"), ("Menge", "1")],
    "registration_url": f"{PORTAL}/registrieren#email=anna@praxis-schmidt.example",
    "cc_left_out": 0,
    "agent_reply": True,
    "author_name": "Sabine Support",
}
SAMPLES: dict[str, dict[str, Any]] = {
    "account_exists": {"sign_in_url": f"{PORTAL}/anmelden", "reset_url": f"{PORTAL}/passwort-vergessen"},
    "activation": {
        "full_name": "Dr. Anna Schmidt",
        "activation_url": f"{PORTAL}/aktivieren#token=t",
        "hours": 24,
    },
    "invitation": {
        "inviter_name": "Dr. Anna Schmidt",
        "organisation_name": "Praxis Dr. Schmidt",
        "accept_url": f"{PORTAL}/einladung#token=t",
        "days": 7,
    },
    "password_changed": {"full_name": "Dr. Anna Schmidt"},
    "email_change": {
        "full_name": "Dr. Anna Schmidt",
        "confirm_url": f"{PORTAL}/email-bestaetigen#token=t",
        "hours": 24,
    },
    "email_change_notice": {"full_name": "Dr. Anna Schmidt"},
    "export_ready": {
        "full_name": "Dr. Anna Schmidt",
        "download_url": f"{PORTAL}/daten-export#token=01M8KNAZ0BGRPGSQXY20WT9MCV",
        "days": 7,
    },
    "account_erased": {"erasure_id": "01M8KNAZ0BGRPGSQXY20WT9MCV", "had_account": True},
    "password_reset": {
        "full_name": "Dr. Anna Schmidt",
        "reset_url": f"{PORTAL}/passwort#token=t",
        "minutes": 60,
    },
    "broadcast": {
        "subject": "Neu: Videosprechstunden",
        "body": "Ab Dezember können Sie **Videosprechstunden** direkt im Kalender anbieten.\n\n"
        "1. Kalender öffnen\n2. *Videosprechstunde* wählen",
        "full_name": "Dr. Anna Schmidt",
        "unsubscribe_url": f"{PORTAL}/abmelden#token=t",
    },
    "invoice": {
        "full_name": "Dr. Anna Schmidt",
        "invoice_number": "R-2026-0815",
        "amount": "123,45\xa0€",
        "due_date": "1. Dezember 2026",
        "invoice_url": "https://billing.example.com/invoices/inv-1",
    },
    "licence_exceeded": {
        "full_name": "Dr. Anna Schmidt",
        "covers": "Ihre Lizenz umfasst jetzt 1 Behandler-Kalender; eingerichtet sind 2.",
        "calendars_url": f"{PORTAL}/organisation/kalender",
    },
    "ticket_cc_added": _TICKET,
    "ticket_created": _TICKET,
    "ticket_reply": _TICKET,
    "ticket_status": _TICKET,
    "appointment": {
        "calendar_name": "Dr. Anna Schmidt",
        "kind": "moved",
        "start": "Mo., 30. Nov. 2026, 09:30",
        "previous_start": "Mo., 30. Nov. 2026, 08:00",
        "patient_name": "Max Mustermann",
        "time_zone": "Europe/Berlin",
    },
}


def templates() -> Iterator[tuple[str, Path]]:
    """(template name, its domain's template folder) of every mail of every domain."""
    for folder in sorted((ROOT / "functions").glob("*/mail_templates/*")):
        if folder.is_dir():
            yield folder.name, folder.parent


def brand() -> Any:
    """The brand the template's defaults give (product name, support address, footer)."""
    from infra.local.template import Resolver, load
    from shared.mail import Brand

    resolver = Resolver(load(), parameters={}, region="eu-central-1")
    footer = resolver.parameter("MailFooter")
    return Brand(
        product=resolver.parameter("ProductName"),
        support_address=resolver.parameter("SupportAddress"),
        footer_lines=tuple(line.strip() for line in footer.split("|") if line.strip()),
    )


def rendered() -> Iterator[tuple[str, str, str, str]]:
    """(template, language, subject, HTML) of every mail in both languages."""
    from shared.mail import MailRenderer

    shown = brand()
    for name, folder in templates():
        renderer = MailRenderer(folder, shown)
        for language in ("de", "en"):
            mail = renderer.render(name, language, dict(SAMPLES[name]), "01M8KNAZ0BGRPGSQXY20WT9MCV")
            yield name, language, mail.subject, mail.html


def photograph(out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    lines = [
        "# Every mail, as a reader sees it",
        "",
        "`make mails` writes these (phone 375 px, desktop 800 px).",
        "",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for name, language, subject, html in rendered():
                lines.append(f"## {name} ({language}): {subject}")
                for label, width in WIDTHS.items():
                    page = browser.new_page(viewport={"width": width, "height": 900})
                    page.set_content(html)
                    target = out / f"{name}-{language}-{label}.png"
                    page.screenshot(path=str(target), full_page=True)
                    page.close()
                    written.append(target)
                    lines.append(f"![{name} {language} {label}]({target.name})")
                lines.append("")
        finally:
            browser.close()
    (out / "README.md").write_text("\n".join(lines))
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "mails"
    print(f"{len(photograph(target))} screenshots in {target}")
