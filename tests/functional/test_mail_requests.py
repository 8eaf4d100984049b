"""Support by e-mail: a mail to the support address becomes a request (the sender's own when the address
has an account, else anonymous), its confirmation carries a registration link, and the account the
address activates later takes the request over. Nothing spoofed, automatic, repeated or too frequent
makes a ticket; a mail that only looks like a continuation never joins that ticket."""

from __future__ import annotations

import json
import uuid
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import pytest

from infra.local.delivery import sqs_event
from infra.local.lambda_runtime import LocalContext
from tests.conftest import REGION
from tests.functional.conftest import AccountsDriver, submit
from tests.functional.test_inbox import Events, drain
from tests.functional.test_reply_by_email import Mailbox
from tests.support import files

SUPPORT = "support@example.com"
REPLY_DOMAIN = "reply.example.com"


def support_mail(
    sender: str,
    subject: str = "Kalender zeigt keine Termine",
    text: str = "Guten Tag,\n\nseit heute zeigt mein Kalender keine Termine mehr.\n\nViele Grüße\nEva Neu",
    *,
    name: str = "Eva Neu",
    cc: list[str] | None = None,
    headers: dict[str, str] | None = None,
    pdf: bool = False,
) -> bytes:
    message = EmailMessage()
    message["From"] = Address(display_name=name, addr_spec=sender)
    message["To"] = SUPPORT
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="praxis-neu.example")
    for header, value in (headers or {}).items():
        message[header] = value
    message.set_content(text)
    if pdf:
        message.add_attachment(files.pdf(), maintype="application", subtype="pdf", filename="befund.pdf")
    return bytes(message)


class TicketEvents:
    """The tickets' own queue of account events (the template's rule routes UserActivated into it)."""

    def __init__(self, accounts: AccountsDriver) -> None:
        self.sqs = accounts.aws.client("sqs")
        self.url = accounts.aws.resolver.physical_ids["TicketsEventsQueue"]
        self.arn = accounts.aws.resolver.attributes["TicketsEventsQueue"]["Arn"]
        drain(self.sqs, self.url)

    def deliver(self) -> list[str]:
        from tickets.consumer import handler

        got = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            return []
        result = handler(sqs_event(got, self.arn, REGION), LocalContext("TicketsEventsFunction", "b"))
        failed = [f["itemIdentifier"] for f in result["batchItemFailures"]]
        for message in got:
            if message["MessageId"] not in failed:
                self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])
        return failed


@pytest.fixture
def mailbox(accounts: AccountsDriver) -> Mailbox:
    return Mailbox(accounts)


@pytest.fixture
def events(accounts: AccountsDriver) -> Events:
    return Events(accounts)


def agent_view(accounts: AccountsDriver, agent: Any, ticket_id: str) -> dict[str, Any]:
    shown = accounts.call("GET", f"/tickets/{ticket_id}", token=agent.access_token)
    assert shown.status == 200, shown.body
    return dict(shown.body)


def test_an_unknown_sender_gets_a_request_a_registration_link_and_finds_it_after_registering(
    accounts: AccountsDriver, mailbox: Mailbox, events: Events, people: dict[str, Any]
) -> None:
    tickets_events = TicketEvents(accounts)
    sender = accounts.new_email("eva")
    outcome = mailbox.receive(support_mail(sender, pdf=True), [SUPPORT])
    assert outcome["result"] == "created", outcome
    ticket = agent_view(accounts, people["agent"], outcome["ticket_id"])
    assert (ticket["via"], ticket["request_type"], ticket["subject"]) == (
        "email",
        "email_request",
        "Kalender zeigt keine Termine",
    )
    assert ticket["description"] == "Guten Tag,\n\nseit heute zeigt mein Kalender keine Termine mehr."
    assert [a["filename"] for a in ticket["attachments"]] == ["befund.pdf"]

    assert events.deliver() == []
    [confirmation] = accounts.mails_to(sender)
    assert confirmation["subject"].startswith(f"[{ticket['case_number']}] Ihre Anfrage ist eingegangen")
    assert confirmation["reply_to"].startswith("reply+")  # answers go to the ticket
    registration = next(link for link in confirmation["links"] if "/registrieren" in link)
    assert registration.endswith(f"#email={sender}")

    stranger = accounts.registered_account("fremd")  # another address sees nothing of it
    assert tickets_events.deliver() == []
    assert accounts.call("GET", "/tickets", token=stranger.access_token).body["items"] == []

    eva = accounts.registered_account(full_name="Eva Neu", email=sender)
    assert tickets_events.deliver() == []
    mine = accounts.call("GET", "/tickets", token=eva.access_token, query={"status": "all"}).body["items"]
    assert [t["case_number"] for t in mine] == [ticket["case_number"]]
    shown = accounts.call("GET", f"/tickets/{ticket['id']}", token=eva.access_token)
    assert shown.status == 200 and shown.body["possibly_about"] is None
    assert tickets_events.deliver() == []  # nothing left, and a second activation event changes nothing


def test_a_members_mail_lands_in_their_account_and_organisation(
    accounts: AccountsDriver, mailbox: Mailbox, events: Events, people: dict[str, Any]
) -> None:
    colleague, admin = people["colleague"], people["admin"]
    outcome = mailbox.receive(support_mail(colleague.email, name="Jonas Weber"), [SUPPORT])
    assert outcome["result"] == "created", outcome
    organisation = accounts.call(
        "GET", "/tickets", token=admin.access_token, query={"scope": "organisation"}
    ).body["items"]
    assert outcome["ticket_id"] in [t["id"] for t in organisation]
    mine = accounts.call("GET", "/tickets", token=colleague.access_token).body["items"]
    assert mine[0]["id"] == outcome["ticket_id"] and mine[0]["requester"]["full_name"] == "Jonas Weber"
    assert events.deliver() == []
    confirmation = accounts.mails_to(colleague.email)[-1]
    assert not [link for link in confirmation["links"] if "/registrieren" in link]
    assert any(f"anfragen/{outcome['ticket_id']}" in link for link in confirmation["links"])


def test_others_it_went_to_are_in_copy_ours_never_and_at_most_ten(
    accounts: AccountsDriver, mailbox: Mailbox, events: Events, people: dict[str, Any]
) -> None:
    sender = accounts.new_email("eva")
    others = [f"kollege{n:02d}@praxis-neu.example" for n in range(12)]
    raw = support_mail(sender, cc=[*others, "team@example.com", f"reply+x@{REPLY_DOMAIN}", sender])
    outcome = mailbox.receive(raw, [SUPPORT])
    ticket = agent_view(accounts, people["agent"], outcome["ticket_id"])
    assert ticket["cc"] == others[:10]
    assert events.deliver() == []
    confirmation = next(m for m in accounts.mails_to(sender))
    assert "2 weitere nicht" in confirmation["text"]
    assert len(accounts.mails_to(others[0])) == 1  # told they are in copy
    assert accounts.mails_to(others[11]) == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"verdicts": {"dkim": "FAIL"}}, "verdict_dkim"),
        ({"verdicts": {"spam": "FAIL"}}, "verdict_spam"),
        ({"headers": {"Auto-Submitted": "auto-replied"}}, "automatic_auto_submitted"),
        ({"headers": {"List-Id": "<news.praxis-neu.example>"}}, "automatic_mailing_list"),
        ({"sender": "support@example.com"}, "own_address"),
        ({"source": "<>"}, "automatic_bounce"),
        ({"text": "", "subject": "   "}, "empty"),
        ({"headers": {"Precedence": "junk (x)"}}, "automatic_bulk"),
        ({"headers": {"List-Post": "<mailto:liste@praxis-neu.example>"}}, "automatic_mailing_list"),
        ({"sender": "bounce@praxis-neu.example"}, "automatic_machine_sender"),
        ({"subject": "AW: Abwesenheitsnotiz bis Montag"}, "automatic_auto_reply_subject"),
        ({"sender": "team@intern.example.com"}, "own_address"),  # a subdomain of ours
    ],
)
def test_spoofed_automatic_and_empty_mails_make_no_ticket_and_get_no_answer(
    accounts: AccountsDriver, mailbox: Mailbox, change: dict[str, Any], reason: str
) -> None:
    sender = change.get("sender") or accounts.new_email("eva")
    raw = support_mail(
        sender,
        subject=change.get("subject", "Hilfe"),
        text=change.get("text", "Bitte helfen Sie mir."),
        headers=change.get("headers"),
    )
    outcome = mailbox.receive(raw, [SUPPORT], change.get("verdicts"), change.get("source"))
    assert (outcome["result"], outcome["reason"]) == ("refused", reason)
    assert accounts.mails_to(sender) == []


def test_a_repeated_delivery_makes_one_ticket_and_a_flood_is_cut_per_sender(
    accounts: AccountsDriver, mailbox: Mailbox
) -> None:
    sender = accounts.new_email("eva")
    message_id, raw = uuid.uuid4().hex, support_mail(sender)
    first = mailbox.receive(raw, [SUPPORT], message_id=message_id)
    again = mailbox.receive(raw, [SUPPORT], message_id=message_id)
    sent_twice = support_mail(sender)  # the same message, delivered anew (a new SES id)
    third = mailbox.receive(sent_twice, [SUPPORT])
    fourth = mailbox.receive(sent_twice, [SUPPORT])
    assert [r["result"] for r in (first, again, third, fourth)] == [
        "created",
        "duplicate",
        "created",
        "duplicate",
    ]
    local, _, domain = sender.partition("@")
    variants = [f"{local}+{n}@{domain}" for n in range(3)]
    results = [mailbox.receive(support_mail(v), [SUPPORT])["result"] for v in variants]
    assert results == ["created"] * 3 and mailbox.receive(support_mail(sender), [SUPPORT])["reason"] == (
        "rate_limited"
    )  # five per sender and hour, "eva+1@" being eva


def test_a_flood_from_one_domain_is_cut_also_across_its_subdomains(
    accounts: AccountsDriver, mailbox: Mailbox
) -> None:
    domain = f"flood-{uuid.uuid4().hex[:8]}.example"
    results = [
        mailbox.receive(support_mail(f"p{n}@{'sub.' if n % 2 else ''}{domain}"), [SUPPORT])["result"]
        for n in range(31)
    ]
    assert results == ["created"] * 30 + ["refused"]


def test_what_a_mail_says_is_cleaned_and_a_name_never_poses_as_an_address(
    accounts: AccountsDriver, mailbox: Mailbox, people: dict[str, Any]
) -> None:
    sender = accounts.new_email("eva")
    raw = support_mail(
        sender,
        subject="Rechnung \u202egpj.exe\x1b[31m\u200b offen",
        text="Zeile\x1b[31m eins\u202e\nZeile zwei",
        name="anna.schmidt@praxis-schmidt.example",
    )
    ticket = agent_view(accounts, people["agent"], mailbox.receive(raw, [SUPPORT])["ticket_id"])
    assert ticket["subject"] == "Rechnung gpj.exe[31m offen"
    assert ticket["description"] == "Zeile[31m eins\nZeile zwei"
    assert ticket["requester"]["full_name"] == sender


def test_a_mail_that_only_looks_like_a_continuation_becomes_a_ticket_marked_for_agents(
    accounts: AccountsDriver, mailbox: Mailbox, people: dict[str, Any]
) -> None:
    original = submit(accounts, people["colleague"])
    before = agent_view(accounts, people["agent"], original["id"])
    sender = accounts.new_email("mallory")
    by_subject = mailbox.receive(
        support_mail(sender, subject=f"AW: [{original['case_number']}] Ihre Anfrage"), [SUPPORT]
    )
    by_thread = mailbox.receive(
        support_mail(
            sender,
            subject="Noch etwas",
            headers={"In-Reply-To": f"<ticket-{original['id'].lower()}@{REPLY_DOMAIN}>"},
        ),
        [SUPPORT],
    )
    for outcome in (by_subject, by_thread):
        assert outcome["result"] == "created" and outcome["ticket_id"] != original["id"]
        marked = agent_view(accounts, people["agent"], outcome["ticket_id"])
        assert marked["possibly_about"] == original["case_number"]
    assert agent_view(accounts, people["agent"], original["id"])["timeline"] == before["timeline"]
    unknown = mailbox.receive(support_mail(sender, subject="Re: SR-99999999 bitte"), [SUPPORT])
    assert agent_view(accounts, people["agent"], unknown["ticket_id"])["possibly_about"] is None


def test_a_mail_to_anyone_else_is_refused(accounts: AccountsDriver, mailbox: Mailbox) -> None:
    sender = accounts.new_email("eva")
    outcome = mailbox.receive(support_mail(sender), [f"info@{REPLY_DOMAIN}"])
    assert (outcome["result"], outcome["reason"]) == ("refused", "no_token")
    assert json.dumps(outcome)  # the outcome is what the handler logs
