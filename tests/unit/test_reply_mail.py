"""Reply-by-e-mail pieces on their own: the signed reply addresses, and what the parser takes from a
mail (sender, new text, machines)."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from shared import replies
from tickets import inbound

KEY = b"k" * 64
TICKET = "01KAZ3Q1W5X7Y9Z0ABCDEFGHJK"
DOMAIN = "reply.example.com"


def test_a_reply_address_names_one_ticket_and_one_participant() -> None:
    address = replies.address(KEY, DOMAIN, TICKET, "Anna@Praxis.example")
    token = replies.parse(address.upper(), DOMAIN)  # mail systems may change the case
    assert token is not None and token.ticket_id == TICKET
    assert replies.is_participants(KEY, token, "anna@praxis.example")
    assert not replies.is_participants(KEY, token, "jonas@praxis.example")
    assert not replies.is_participants(b"rotated" * 8, token, "anna@praxis.example")
    other = replies.parse(
        replies.address(KEY, DOMAIN, "01KAZ3Q1W5X7Y9Z0ABCDEFGHJM", "anna@praxis.example"), DOMAIN
    )
    assert other is not None and other.mac != token.mac


@pytest.mark.parametrize(
    "address",
    [
        f"reply+{TICKET.lower()}.{'a' * 26}@other.example",
        f"reply+{TICKET.lower()}@{DOMAIN}",
        f"support@{DOMAIN}",
        f"reply+{TICKET.lower()}.{'a' * 25}@{DOMAIN}",
        f"reply+{TICKET.lower()}.{'1' * 26}@{DOMAIN}",  # not base32
        f"reply+../../{TICKET.lower()}.{'a' * 26}@{DOMAIN}",
    ],
)
def test_anything_but_our_exact_format_is_no_token(address: str) -> None:
    assert replies.parse(address, DOMAIN) is None


def test_thread_ids_are_stable_and_distinct_per_recipient() -> None:
    root = replies.thread_root(DOMAIN, TICKET)
    assert root == f"<ticket-{TICKET.lower()}@{DOMAIN}>"
    first = replies.message_id(DOMAIN, "01EVENT", "anna@praxis.example")
    assert first == replies.message_id(DOMAIN, "01EVENT", "ANNA@praxis.example")
    assert first != replies.message_id(DOMAIN, "01EVENT", "jonas@praxis.example")


def _mail(body: str = "Danke!", **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("From", "Anna <anna@praxis.example>")
    message["To"] = f"reply+x@{DOMAIN}"
    message["Subject"] = headers.pop("Subject", "AW: [SR-10001] Neue Antwort")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Auto_Submitted": "auto-replied"}, "auto_submitted"),
        ({"Auto_Submitted": "auto-generated"}, "auto_submitted"),
        ({"X_Autoreply": "yes"}, "auto_reply"),
        ({"Precedence": "bulk"}, "bulk"),
        ({"List_Id": "<praxis.lists.example>"}, "mailing_list"),
        ({"From": "MAILER-DAEMON@mx.praxis.example"}, "machine_sender"),
        ({"Subject": "Abwesenheitsnotiz: [SR-10001]"}, "auto_reply_subject"),
        ({"Subject": "Out of Office: [SR-10001]"}, "auto_reply_subject"),
    ],
)
def test_machines_are_recognised(headers: dict[str, str], reason: str) -> None:
    assert inbound.automatic(_mail(**headers), "anna@praxis.example") == reason


def test_people_are_not_machines_and_a_null_sender_is_a_bounce() -> None:
    assert inbound.automatic(_mail(Auto_Submitted="no"), "anna@praxis.example") is None
    assert inbound.automatic(_mail(), "anna@praxis.example") is None
    assert inbound.automatic(_mail(), "") == "bounce"


def test_the_sender_is_the_one_from_address_or_nobody() -> None:
    assert inbound.parse(_mail(From="Anna <Anna@Praxis.example>").as_bytes()).sender == "anna@praxis.example"
    several = inbound.parse(_mail(From="a@praxis.example, b@praxis.example").as_bytes())
    assert several.sender is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Die Liste:\n- Termin A\n- Termin B\n\nDanke", "Die Liste:\n- Termin A\n- Termin B\n\nDanke"),
        (
            "Passt.\n\n-----Ursprüngliche Nachricht-----\nVon: Support <s@example.com>\n"
            "Gesendet: Montag\nAn: anna@praxis.example\nBetreff: x\n\nalt",
            "Passt.",
        ),
        ("Neu oben.\n\n> ##- Bitte schreiben Sie Ihre Antwort oberhalb dieser Zeile -##\n> alt", "Neu oben."),
        ("Works.\n\nOn Mon, 23 Nov 2026 at 10:15, Support <s@example.com> wrote:\n> old", "Works."),
        ("Danke.\n\nMit freundlichen Grüßen\nAnna Becker", "Danke."),
    ],
)
def test_only_the_new_text_is_kept(body: str, expected: str) -> None:
    assert inbound.new_text(body) == expected


def test_html_quotes_of_gmail_apple_and_outlook_are_left_out() -> None:
    html = (
        "<div>Neu <b>hier</b>.</div><div>Zweite&nbsp;Zeile</div>"
        '<div class="gmail_quote">Am Mo. schrieb Support:<blockquote>alt</blockquote></div>'
        '<blockquote type="cite">auch alt</blockquote><div id="divRplyFwdMsg">Von: Support</div><p>alt</p>'
    )
    assert inbound.html_to_text(html) == "Neu hier.\nZweite Zeile"


def test_what_an_html_only_mail_says_stays_links_cells_and_preformatted_lines() -> None:
    """An HTML-only mail lost a link's address, ran table cells together and joined preformatted
    lines (outside probe)."""
    html = (
        '<p>Screenshot: <a href="https://share.example.net/s?id=1&amp;t=2">hier</a>, '
        '<a href="mailto:it@praxis.example">it@praxis.example</a>.</p>'
        "<table><tr><td>Praxis</td><td>Dr. Müller &amp; Partner</td></tr>"
        "<tr><td>Kundennr.</td><td>K-4711</td></tr></table>"
        "<pre>Fehler:   500\n  Zeile 2</pre>"
    )
    assert inbound.html_to_text(html) == (
        "Screenshot: hier <https://share.example.net/s?id=1&t=2>, it@praxis.example.\n\n"
        "Praxis  Dr. Müller & Partner\nKundennr.  K-4711\n"
        "Fehler:   500\nZeile 2"
    )


@pytest.mark.parametrize("name", ["outlook_de.eml", "gmail_de.eml", "apple_en.eml"])
def test_the_html_part_of_each_sample_gives_the_same_new_text_as_its_text_part(name: str) -> None:
    import string
    from email import message_from_bytes, policy
    from pathlib import Path

    template = (Path(__file__).resolve().parents[1] / "samples" / "mail" / name).read_text()
    raw = string.Template(template).substitute(
        FROM="anna@praxis.example",
        FROM_NAME="Anna",
        REPLY_TO=f"reply+x@{DOMAIN}",
        MESSAGE_ID="<t@r>",
        SUBJECT="S",
    )
    message = message_from_bytes(raw.encode(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    html, text = message.get_body(preferencelist=("html",)), message.get_body(preferencelist=("plain",))
    assert html is not None and text is not None
    from_html = inbound.new_text(inbound.html_to_text(str(html.get_content())))
    assert from_html == inbound.new_text(str(text.get_content())) != ""
