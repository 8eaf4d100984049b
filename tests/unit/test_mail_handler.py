"""Received mail that the mail handler refuses before the tickets service is asked: SES's verdicts, the
reply tokens among the envelope recipients, machines, our own addresses, people added in Cc. Each is
refused with its reason, and the service is never called (a fake that fails when it is)."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from infra.local.inbound_mail import ses_event
from shared import replies
from tests.support.fakes import MemoryMailbox
from tickets.email_replies import EmailOutcome, EmailReply
from tickets.mail_handler import receive
from tickets.settings import TicketsMailSettings

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "mail"
DOMAIN = "reply.example.com"
KEY = b"k" * 64
TICKET = "01KAZ3Q1W5X7Y9Z0ABCDEFGHJK"
OTHER = "01KAZ3Q1W5X7Y9Z0ABCDEFGHJM"
CUSTOMER = "jonas@praxis-muster.example"
ADDRESS = replies.address(KEY, DOMAIN, TICKET, CUSTOMER)
SETTINGS = TicketsMailSettings(
    stage="t",
    POWERTOOLS_SERVICE_NAME="tickets-mail",
    event_bus_name="bus",
    tickets_table="tickets",
    accounts_table="accounts",
    attachments_bucket="attachments",
    inbound_mail_bucket="inbound",
    reply_domain=DOMAIN,
    reply_secret_arn="arn:secret",
    sender_address="support@example.com",
    support_address="hilfe@support.example.com",
)


class NeverAsked:
    """The tickets service, which a refused mail must never reach."""

    def reply_by_email(self, mail: EmailReply) -> EmailOutcome:
        raise AssertionError("the service was asked about a refused mail")

    def request_by_email(self, mail: object, limits: tuple[int, int]) -> EmailOutcome:
        raise AssertionError("the service was asked about a refused mail")


def mail(name: str = "gmail_de.eml", **overrides: str) -> bytes:
    values = {
        "FROM": CUSTOMER,
        "FROM_NAME": "Jonas Weber",
        "REPLY_TO": ADDRESS,
        "MESSAGE_ID": "<ticket-1@reply.example.com>",
        "SUBJECT": "Re: [SR-10001] SMS fehlt",
        **overrides,
    }
    return string.Template((SAMPLES / name).read_text()).substitute(values).encode()


@pytest.mark.parametrize(
    ("raw", "recipients", "verdicts", "source", "reason"),
    [
        (mail(), [ADDRESS], {"dmarc": "FAIL"}, None, "verdict_dmarc"),
        (mail(), [ADDRESS], {"spf": "FAIL", "dkim": "GRAY"}, None, "verdict_spf_dkim"),
        (mail(), [ADDRESS], {"virus": "FAIL"}, None, "verdict_virus"),
        (
            mail().replace(b"\nTo: ", b"\nCc: Neue Kollegin <neu@praxis-muster.example>\nTo: ", 1),
            [ADDRESS],
            {},
            None,
            "foreign_recipients",
        ),
        (mail("out_of_office_de.eml"), [ADDRESS], {}, None, "automatic_auto_submitted"),
        (mail("bounce.eml"), [ADDRESS], {}, "", "automatic_auto_submitted"),
        (mail(FROM="support@example.com", FROM_NAME="Support"), [ADDRESS], {}, None, "own_address"),
        (mail(), [f"support@{DOMAIN}"], {}, None, "no_token"),
        (mail(), [ADDRESS, replies.address(KEY, DOMAIN, OTHER, CUSTOMER)], {}, None, "several_tokens"),
        (mail(), ["hilfe@support.example.com"], {"dkim": "FAIL"}, None, "verdict_dkim"),
        (mail("out_of_office_de.eml"), ["hilfe@support.example.com"], {}, None, "automatic_auto_submitted"),
        (mail(FROM="team@support.example.com"), ["hilfe@support.example.com"], {}, None, "own_address"),
    ],
    ids=[
        "dmarc_failed",
        "spf_and_dkim_failed",
        "virus",
        "cc_adds_an_address",
        "out_of_office",
        "bounce",
        "from_our_own_address",
        "no_token",
        "two_tokens",
        "to_support_dkim_failed",
        "to_support_out_of_office",
        "to_support_from_our_support_domain",
    ],
)
def test_refused_before_the_service_is_asked(
    raw: bytes, recipients: list[str], verdicts: dict[str, str], source: str | None, reason: str
) -> None:
    record = ses_event("ses-1", raw, recipients, verdicts, source)["Records"][0]
    outcome = receive(record, SETTINGS, NeverAsked(), MemoryMailbox({"ses-1": raw}), lambda: KEY)
    assert (outcome.result, outcome.reason) == ("refused", reason)


def test_a_mail_that_passes_every_gate_reaches_the_service_with_its_text() -> None:
    asked: list[EmailReply] = []

    class Recording:
        def reply_by_email(self, mail: EmailReply) -> EmailOutcome:
            asked.append(mail)
            return EmailOutcome("commented", None, TICKET)

    raw = mail()
    record = ses_event("ses-2", raw, [ADDRESS])["Records"][0]
    outcome = receive(record, SETTINGS, Recording(), MemoryMailbox({"ses-2": raw}), lambda: KEY)
    assert outcome.result == "commented"
    assert [(m.mail_id, m.token.ticket_id, m.sender) for m in asked] == [("ses-2", TICKET, CUSTOMER)]
    assert asked[0].text
