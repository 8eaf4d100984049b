"""Reply by e-mail: ticket mails carry a Reply-To token per ticket and recipient and thread headers; an
answer from the participant lands on the ticket as exactly the new text (Outlook, Gmail, Apple Mail,
HTML-only, with a PDF); everything spoofed, guessed, automatic or adding people changes nothing."""

from __future__ import annotations

import string
import uuid
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from infra.local.inbound_mail import receipt_rule, ses_event
from infra.local.lambda_runtime import LocalContext
from shared import replies
from tests.functional.conftest import Account, AccountsDriver, submit
from tests.functional.test_inbox import Events

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "mail"
REPLY_DOMAIN = "reply.example.com"


class Mailbox:
    """What SES does with a received mail: the receipt rule's S3 action stores it, its Lambda action
    invokes the handler with the verdicts (here in-process, against moto's S3)."""

    def __init__(self, accounts: AccountsDriver) -> None:
        self.accounts = accounts
        self.s3 = accounts.aws.client("s3")
        self.bucket, self.prefix, self.function = receipt_rule(accounts.aws.resolver)

    def receive(
        self,
        raw: bytes,
        recipients: list[str],
        verdicts: dict[str, str] | None = None,
        source: str | None = None,
        message_id: str | None = None,
    ) -> dict[str, Any]:
        from tickets.mail_handler import handler

        message_id = message_id or uuid.uuid4().hex
        self.s3.put_object(Bucket=self.bucket, Key=f"{self.prefix}{message_id}", Body=raw)
        event = ses_event(message_id, raw, recipients, verdicts, source)
        return dict(handler(event, LocalContext(self.function, message_id))["results"][0])


@pytest.fixture
def mailbox(accounts: AccountsDriver) -> Mailbox:
    return Mailbox(accounts)


@pytest.fixture
def events(accounts: AccountsDriver) -> Events:
    return Events(accounts)


def sample(name: str, **values: str) -> bytes:
    return string.Template((SAMPLES / name).read_text()).substitute(values).encode()


def answered(
    accounts: AccountsDriver, events: Events, people: dict[str, Any], **overrides: Any
) -> dict[str, Any]:
    """A ticket of the colleague that an agent has answered, and the answer's mail to the colleague."""
    customer, agent = people["colleague"], people["agent"]
    ticket = submit(accounts, customer, **overrides)
    reply = accounts.call(
        "POST",
        f"/tickets/{ticket['id']}/replies",
        token=agent.access_token,
        json_body={"body": "Bitte prüfen Sie die Rufnummer."},
    )
    assert reply.status == 201, reply.body
    assert events.deliver() == []
    mail = accounts.mails_to(customer.email)[-1]
    return {"ticket": ticket, "mail": mail, "customer": customer, "agent": agent}


def reply_mail(case: dict[str, Any], name: str = "gmail_de.eml", **overrides: str) -> bytes:
    customer: Account = case["customer"]
    values = {
        "FROM": customer.email,
        "FROM_NAME": "Jonas Weber",
        "REPLY_TO": case["mail"]["reply_to"],
        "MESSAGE_ID": case["mail"]["message_id"],
        "SUBJECT": case["mail"]["subject"],
        **overrides,
    }
    return sample(name, **values)


def timeline(accounts: AccountsDriver, ticket_id: str, token: str) -> list[dict[str, Any]]:
    response = accounts.call("GET", f"/tickets/{ticket_id}", token=token)
    assert response.status == 200, response.body
    return list(response.body["timeline"])


def replies_of(accounts: AccountsDriver, case: dict[str, Any]) -> list[str]:
    entries = timeline(accounts, case["ticket"]["id"], case["agent"].access_token)
    return [e["body"] for e in entries if e["kind"] == "reply"]


# --- going out -------------------------------------------------------------------------------


def test_ticket_mails_carry_a_reply_address_per_recipient_thread_headers_and_the_marker(
    accounts: AccountsDriver, events: Events, people: dict[str, Any]
) -> None:
    case = answered(accounts, events, people)
    ticket, mail = case["ticket"], case["mail"]
    confirmation = accounts.mails_to(case["customer"].email)[-2]
    root = f"<ticket-{ticket['id'].lower()}@{REPLY_DOMAIN}>"
    assert confirmation["message_id"] == root
    assert (mail["in_reply_to"], mail["references"]) == (root, root)
    assert mail["message_id"] not in ("", root)
    token = replies.parse(mail["reply_to"], REPLY_DOMAIN)
    assert token is not None and token.ticket_id == ticket["id"]
    assert confirmation["reply_to"] == mail["reply_to"]  # one address per ticket and recipient
    marker = "##- Bitte schreiben Sie Ihre Antwort oberhalb dieser Zeile -##"
    assert mail["text"].startswith(marker) and marker in mail["html"]
    assert "Sie können einfach auf diese E-Mail antworten" in mail["text"]
    inbox = accounts.call("GET", "/inbox", token=case["customer"].access_token).body
    assert all("##-" not in item["body"] for item in inbox["items"])


def test_a_cc_recipient_gets_a_reply_address_of_their_own(
    accounts: AccountsDriver, events: Events, people: dict[str, Any]
) -> None:
    cc = accounts.new_email("cc")
    case = answered(accounts, events, people, cc=[cc])
    theirs = accounts.mails_to(cc)[-1]["reply_to"]
    assert theirs and theirs != case["mail"]["reply_to"]
    assert replies.parse(theirs, REPLY_DOMAIN) == replies.ReplyToken(
        case["ticket"]["id"], theirs.partition("@")[0].rpartition(".")[2]
    )


# --- coming in -------------------------------------------------------------------------------

EXPECTED = {
    "outlook_de.eml": "Hallo Frau Support,\n\ndie SMS kommen leider weiterhin nicht an. Die Rufnummer im "
    "Kalender ist +49 151 23456789.",
    "gmail_de.eml": "Vielen Dank, jetzt klappt es wieder.\nKönnen Sie mir noch sagen, ob das auch für den "
    "zweiten Kalender gilt?",
    "apple_en.eml": "Thanks, that fixed it. The reminders go out again.",
    "html_only_de.eml": 'Guten Tag,\n\nanbei die gewünschten Angaben:\nKundennummer 48213, Kalender "Praxis 2".'
    "\n\nFreundliche Grüße\nJonas Weber",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_an_answer_adds_exactly_the_new_text_to_the_right_ticket(
    accounts: AccountsDriver, events: Events, people: dict[str, Any], mailbox: Mailbox, name: str
) -> None:
    other = answered(accounts, events, people)  # the colleague's other ticket stays as it was
    case = answered(accounts, events, people)
    result = mailbox.receive(reply_mail(case, name), [case["mail"]["reply_to"]])
    assert result == {"result": "commented", "reason": None, "ticket_id": case["ticket"]["id"]}
    assert replies_of(accounts, case) == ["Bitte prüfen Sie die Rufnummer.", EXPECTED[name]]
    assert replies_of(accounts, other) == ["Bitte prüfen Sie die Rufnummer."]
    entry = timeline(accounts, case["ticket"]["id"], case["customer"].access_token)[-1]
    assert (entry["author"]["user_id"], entry["author"]["full_name"]) == (
        case["customer"].user_id,
        "Jonas Weber",
    )
    assert entry["via"] == "email"


def test_a_waiting_ticket_moves_on_and_the_agents_hear_of_the_answer(
    accounts: AccountsDriver, events: Events, people: dict[str, Any], mailbox: Mailbox
) -> None:
    case = answered(accounts, events, people)
    ticket_id = case["ticket"]["id"]
    waiting = accounts.call(
        "PUT",
        f"/agent/tickets/{ticket_id}/status",
        token=case["agent"].access_token,
        json_body={"status": "waiting"},
    )
    assert waiting.status == 200, waiting.body
    events.deliver()
    mailbox.receive(reply_mail(case), [case["mail"]["reply_to"]])
    shown = accounts.call("GET", f"/tickets/{ticket_id}", token=case["agent"].access_token).body
    assert shown["status"] == "in_progress"
    assert shown["last_comment_by"]["full_name"] == "Jonas Weber"
    assert [e["to_status"] for e in shown["timeline"] if e["kind"] == "status"][-1] == "in_progress"


def test_a_pdf_is_kept_and_a_file_that_is_not_what_it_claims_is_dropped(
    accounts: AccountsDriver, events: Events, people: dict[str, Any], mailbox: Mailbox
) -> None:
    case = answered(accounts, events, people)
    mailbox.receive(reply_mail(case, "pdf_attachment_en.eml"), [case["mail"]["reply_to"]])
    entry = timeline(accounts, case["ticket"]["id"], case["customer"].access_token)[-1]
    assert entry["body"] == "Here is the invoice you asked for, as a PDF."
    assert [(a["filename"], a["content_type"]) for a in entry["attachments"]] == [
        ("Rechnung 2026-11.pdf", "application/pdf")
    ]
    link = accounts.call(
        "GET",
        f"/tickets/{case['ticket']['id']}/attachments/{entry['attachments'][0]['id']}",
        token=case["customer"].access_token,
    )
    assert link.status == 200, link.body
    assert accounts.fetch(link.body["url"]).raw.startswith(b"%PDF-")


def test_an_answer_to_a_closed_ticket_opens_a_linked_follow_up(
    accounts: AccountsDriver, events: Events, people: dict[str, Any], mailbox: Mailbox
) -> None:
    case = answered(accounts, events, people)
    ticket_id = case["ticket"]["id"]
    closed = accounts.call("POST", f"/tickets/{ticket_id}/close", token=case["customer"].access_token)
    assert closed.status == 200, closed.body
    result = mailbox.receive(reply_mail(case), [case["mail"]["reply_to"]])
    assert result["result"] == "follow_up" and result["ticket_id"] != ticket_id
    follow_up = accounts.call(
        "GET", f"/tickets/{result['ticket_id']}", token=case["customer"].access_token
    ).body
    assert follow_up["description"] == EXPECTED["gmail_de.eml"]
    assert follow_up["follow_up_of"] == ticket_id
    assert follow_up["requester"]["email"] == case["customer"].email
    original = accounts.call("GET", f"/tickets/{ticket_id}", token=case["customer"].access_token).body
    assert original["follow_ups"] == [result["ticket_id"]]
    assert replies_of(accounts, case) == ["Bitte prüfen Sie die Rufnummer."]


def test_the_same_mail_delivered_twice_is_one_reply(
    accounts: AccountsDriver, events: Events, people: dict[str, Any], mailbox: Mailbox
) -> None:
    case = answered(accounts, events, people)
    raw = reply_mail(case)
    first = mailbox.receive(raw, [case["mail"]["reply_to"]], message_id="ses-message-1")
    again = mailbox.receive(raw, [case["mail"]["reply_to"]], message_id="ses-message-1")
    assert (first["result"], again["result"]) == ("commented", "duplicate")
    assert len(replies_of(accounts, case)) == 2


def test_a_registered_cc_participant_answers_as_themselves(
    accounts: AccountsDriver, events: Events, people: dict[str, Any], mailbox: Mailbox
) -> None:
    outsider = people["outsider"]
    case = answered(accounts, events, people, cc=[outsider.email])
    theirs = accounts.mails_to(outsider.email)[-1]
    raw = reply_mail(case, FROM=outsider.email, FROM_NAME="Olga Außen", REPLY_TO=theirs["reply_to"])
    assert mailbox.receive(raw, [theirs["reply_to"]])["result"] == "commented"
    entry = timeline(accounts, case["ticket"]["id"], case["agent"].access_token)[-1]
    assert (entry["author"]["user_id"], entry["author"]["full_name"]) == (outsider.user_id, "Olga Außen")


# --- refused, ticket unchanged ------------------------------------------------------------------


def unchanged(accounts: AccountsDriver, case: dict[str, Any], before: dict[str, Any]) -> None:
    after = accounts.call("GET", f"/tickets/{case['ticket']['id']}", token=case["agent"].access_token).body
    assert after == before


# The cases the mail handler refuses before the service is asked (verdicts, tokens among the
# recipients, machines, own addresses, added people) are unit tests: tests/unit/test_mail_handler.py.
@pytest.mark.parametrize(
    ("situation", "reason"),
    [
        ("forged_from", "sender_not_participant"),
        ("guessed_token", "unknown_token"),
        ("other_tickets_token", "unknown_token"),
    ],
)
def test_refused_mails_change_nothing_and_answer_nobody(
    accounts: AccountsDriver,
    events: Events,
    people: dict[str, Any],
    mailbox: Mailbox,
    situation: str,
    reason: str,
) -> None:
    other = answered(accounts, events, people)
    case = answered(accounts, events, people)
    address = case["mail"]["reply_to"]
    token = replies.parse(address, REPLY_DOMAIN)
    assert token is not None
    before = accounts.call("GET", f"/tickets/{case['ticket']['id']}", token=case["agent"].access_token).body
    mails_before = len(accounts.mails_to(case["customer"].email))
    raw, recipients, verdicts, source = reply_mail(case), [address], {}, None
    if situation == "forged_from":
        raw = reply_mail(case, FROM="angreifer@boese.example", FROM_NAME="Jonas Weber")
    elif situation == "guessed_token":
        guessed = f"reply+{token.ticket_id.lower()}.{'a' * 26}@{REPLY_DOMAIN}"
        raw, recipients = reply_mail(case, REPLY_TO=guessed), [guessed]
    elif situation == "other_tickets_token":
        other_token = replies.parse(other["mail"]["reply_to"], REPLY_DOMAIN)
        assert other_token is not None
        moved = f"reply+{token.ticket_id.lower()}.{other_token.mac}@{REPLY_DOMAIN}"
        raw, recipients = reply_mail(case, REPLY_TO=moved), [moved]
    result = mailbox.receive(raw, recipients, verdicts, source)
    assert (result["result"], result["reason"]) == ("refused", reason)
    unchanged(accounts, case, before)
    unchanged(
        accounts,
        other,
        accounts.call("GET", f"/tickets/{other['ticket']['id']}", token=other["agent"].access_token).body,
    )
    assert events.deliver() == []
    assert len(accounts.mails_to(case["customer"].email)) == mails_before  # no answer to anyone
    assert accounts.mails_to("angreifer@boese.example") == []


def test_a_removed_cc_participants_address_stops_working(
    accounts: AccountsDriver, events: Events, people: dict[str, Any], mailbox: Mailbox
) -> None:
    outsider = people["outsider"]
    case = answered(accounts, events, people, cc=[outsider.email])
    theirs = accounts.mails_to(outsider.email)[-1]["reply_to"]
    removed = accounts.call(
        "DELETE", f"/tickets/{case['ticket']['id']}/cc/{outsider.email}", token=case["customer"].access_token
    )
    assert removed.status == 200, removed.body
    raw = reply_mail(case, FROM=outsider.email, FROM_NAME="Olga Außen", REPLY_TO=theirs)
    assert mailbox.receive(raw, [theirs])["reason"] == "unknown_token"
    assert replies_of(accounts, case) == ["Bitte prüfen Sie die Rufnummer."]


def test_a_failing_database_raises_so_lambda_retries_and_the_retry_lands_once(
    accounts: AccountsDriver, events: Events, people: dict[str, Any], mailbox: Mailbox
) -> None:
    from tests.support.failing import FailingClient

    case = answered(accounts, events, people)
    raw = reply_mail(case)
    real = accounts.aws.client("dynamodb")
    accounts.inject(
        "dynamodb",
        FailingClient(real, {"transact_write_items": ("ProvisionedThroughputExceededException", 1)}),
    )
    with pytest.raises(ClientError, match="ProvisionedThroughputExceeded"):
        mailbox.receive(raw, [case["mail"]["reply_to"]], message_id="ses-retried")
    accounts.inject("dynamodb", real)
    assert mailbox.receive(raw, [case["mail"]["reply_to"]], message_id="ses-retried")["result"] == "commented"
    assert len(replies_of(accounts, case)) == 2


def test_an_answer_costs_four_aws_calls_once_the_secret_is_cached(
    accounts: AccountsDriver, events: Events, people: dict[str, Any], mailbox: Mailbox
) -> None:
    """Raw mail from S3, the ticket, one transaction (reply, guard, status), the event; the secret is
    read once per container. A file adds its PutObject; a CC participant a look-up of their account."""
    from tests.support.aws_calls import count_aws_calls

    case = answered(accounts, events, people)
    mailbox.receive(reply_mail(case), [case["mail"]["reply_to"]])
    with count_aws_calls() as calls:
        mailbox.receive(reply_mail(case, "apple_en.eml"), [case["mail"]["reply_to"]])
    assert dict(calls) == {
        "s3:GetObject": 1,
        "dynamodb:GetItem": 1,
        "dynamodb:TransactWriteItems": 1,
        "events:PutEvents": 1,
    }


def test_a_concurrent_change_of_the_closed_ticket_still_gets_the_follow_up_linked(
    accounts: AccountsDriver,
    events: Events,
    people: dict[str, Any],
    mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from shared.errors import Conflict
    from tickets import dependencies

    case = answered(accounts, events, people)
    ticket_id = case["ticket"]["id"]
    accounts.call("POST", f"/tickets/{ticket_id}/close", token=case["customer"].access_token)
    store = dependencies.mail()[0].store
    real_save, failed = store.save, []

    def save_losing_once(ticket: Any, expected_version: int, extra: Any = None) -> None:
        if ticket.ticket_id == ticket_id and not failed:
            failed.append(ticket_id)  # as if an agent changed the original at this moment
            raise Conflict("request.conflict_retry")
        real_save(ticket, expected_version, extra)

    monkeypatch.setattr(store, "save", save_losing_once)
    result = mailbox.receive(reply_mail(case), [case["mail"]["reply_to"]])
    assert failed and result["result"] == "follow_up"
    original = accounts.call("GET", f"/tickets/{ticket_id}", token=case["customer"].access_token).body
    assert original["follow_ups"] == [result["ticket_id"]]
