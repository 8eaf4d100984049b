"""Support by e-mail on the running local stack: a mail to the support address travels the receipt rule
to the handler, the confirmation carries a registration link, and the account the address activates
finds the request in its list (UserActivated travels bus → rule → queue → the tickets' consumer)."""

from __future__ import annotations

import uuid
from email.message import EmailMessage
from typing import Any

import requests

from infra.local.demo import DemoUser, PortalClient
from tests.e2e.conftest import RunningStack, eventually
from tests.e2e.test_inbox_journey import mails

PASSWORD = "Mein-Neues-Konto-1"


def test_write_to_support_get_a_link_register_and_find_the_request(stack: RunningStack) -> None:
    client = PortalClient(stack.url)
    sender = f"eva-{uuid.uuid4().hex[:8]}@praxis-neu.example"
    mail = EmailMessage()
    mail["From"] = f"Eva Neu <{sender}>"
    mail["To"] = "support@example.com"
    mail["Subject"] = "Kalender zeigt keine Termine"
    mail.set_content("Seit heute ist mein Kalender leer.\n\n--\nEva Neu")
    received = requests.post(f"{stack.url}/_local/inbound-email", data=mail.as_bytes(), timeout=30)
    assert received.status_code == 202, received.text
    assert received.json()["results"][0]["result"] == "created"

    [confirmation] = eventually(lambda: mails(client, sender))
    assert "Ihre Anfrage ist eingegangen" in confirmation["subject"]
    assert confirmation["reply_to"].startswith("reply+")
    registration = next(link for link in confirmation["links"] if "/registrieren#email=" in link)
    assert registration.endswith(sender)
    case_number = confirmation["subject"].split("]")[0].lstrip("[")

    access = client.register_and_activate(DemoUser("requester", "Eva Neu", sender, PASSWORD))["access_token"]

    def listed() -> list[dict[str, Any]]:
        return list(client.call("GET", "/tickets", access, params={"status": "all"}).json()["items"])

    mine = eventually(listed)
    assert [t["case_number"] for t in mine] == [case_number]
    shown = client.call("GET", f"/tickets/{mine[0]['id']}", access).json()
    assert (shown["via"], shown["description"]) == ("email", "Seit heute ist mein Kalender leer.")


def test_a_simulated_bounce_suppresses_the_address_and_agents_see_it(stack: RunningStack) -> None:
    from infra.local.demo import AGENT

    client = PortalClient(stack.url)
    sender = f"bounce-{uuid.uuid4().hex[:8]}@praxis-neu.example"
    mail = EmailMessage()
    mail["From"] = f"Eva Neu <{sender}>"
    mail["To"] = "support@example.com"
    mail["Subject"] = "Bitte um Rückruf"
    mail.set_content("Bitte rufen Sie mich zurück.")
    created = requests.post(f"{stack.url}/_local/inbound-email", data=mail.as_bytes(), timeout=30).json()
    ticket_id = created["results"][0]["ticket_id"]
    bounced = requests.post(
        f"{stack.url}/_local/mail-feedback", json={"type": "bounce", "to": sender}, timeout=30
    )
    assert bounced.status_code == 202
    agent = client.sign_in(AGENT)["access_token"]

    def undeliverable() -> list[str]:
        return list(client.call("GET", f"/tickets/{ticket_id}", agent).json()["mail_undeliverable"])

    assert eventually(undeliverable) == [sender]
