"""Mail feedback: SES's bounce and complaint events (configuration set → default bus → the template's rule
→ queue → function) put hard bounces and complaints on the suppression list; nothing is mailed there
afterwards, agents see it on the ticket and admins on the calendar; soft bounces are only counted."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.local.delivery import sqs_event
from infra.local.lambda_runtime import LocalContext
from infra.local.mail_feedback import KINDS, ses_feedback
from tests.conftest import REGION
from tests.functional.conftest import AccountsDriver, submit
from tests.functional.test_inbox import Events, drain, ticket_mails


class Feedback:
    def __init__(self, accounts: AccountsDriver) -> None:
        self.accounts = accounts
        self.events = accounts.aws.client("events")
        self.sqs = accounts.aws.client("sqs")
        self.url = accounts.aws.resolver.physical_ids["MailFeedbackQueue"]
        self.arn = accounts.aws.resolver.attributes["MailFeedbackQueue"]["Arn"]
        self.configuration_set = accounts.aws.resolver.physical_ids["MailConfigurationSet"]
        drain(self.sqs, self.url)

    def arrives(self, kind: str, address: str, configuration_set: str | None = None) -> list[str]:
        """SES reports it (on the default bus, as SES does); the function handles what the rule routes."""
        from mailfeedback.handler import handler

        self.events.put_events(
            Entries=[
                {
                    "Source": "aws.ses",
                    "DetailType": KINDS[kind][0],
                    "Detail": json.dumps(
                        ses_feedback(kind, address, configuration_set or self.configuration_set)
                    ),
                    "EventBusName": "default",
                }
            ]
        )
        got = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            return ["nothing routed"]
        result = handler(sqs_event(got, self.arn, REGION), LocalContext("MailFeedbackFunction", "b"))
        for message in got:
            self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])
        return [f["itemIdentifier"] for f in result["batchItemFailures"]]


@pytest.fixture
def feedback(accounts: AccountsDriver) -> Feedback:
    return Feedback(accounts)


@pytest.fixture
def events(accounts: AccountsDriver) -> Events:
    return Events(accounts)


def test_a_hard_bounce_stops_mail_to_the_address_and_agents_see_it(
    accounts: AccountsDriver, people: dict[str, Any], feedback: Feedback, events: Events
) -> None:
    customer, agent = people["colleague"], people["agent"]
    ticket = submit(accounts, customer)
    assert events.deliver() == []
    assert len(ticket_mails(accounts, customer.email)) == 1
    assert feedback.arrives("bounce", customer.email.upper()) == []  # addresses compared canonical

    accounts.call(
        "POST", f"/tickets/{ticket['id']}/replies", token=agent.access_token, json_body={"body": "Antwort"}
    )
    assert events.deliver() == []
    assert len(ticket_mails(accounts, customer.email)) == 1  # no mail any more
    inbox = accounts.call("GET", "/inbox", token=customer.access_token, query={"kind": "ticket"}).body[
        "items"
    ]
    assert [m["subject"].split("] ")[1].split(":")[0] for m in inbox[:1]] == [
        "Neue Antwort"
    ]  # the portal has it
    shown = accounts.call("GET", f"/tickets/{ticket['id']}", token=agent.access_token).body
    assert shown["mail_undeliverable"] == [customer.email]
    own = accounts.call("GET", f"/tickets/{ticket['id']}", token=customer.access_token).body
    assert own["mail_undeliverable"] == []  # agents only


def test_a_complaint_suppresses_a_soft_bounce_does_not_and_other_stacks_events_are_not_ours(
    accounts: AccountsDriver, people: dict[str, Any], feedback: Feedback, events: Events
) -> None:
    customer = people["admin"]
    assert feedback.arrives("soft_bounce", customer.email) == []
    assert feedback.arrives("bounce", customer.email, configuration_set="another-stack") == ["nothing routed"]
    submit(accounts, customer)
    assert events.deliver() == []
    assert len(ticket_mails(accounts, customer.email)) == 1  # still mailed
    assert feedback.arrives("complaint", customer.email) == []
    submit(accounts, customer)
    assert events.deliver() == []
    assert len(ticket_mails(accounts, customer.email)) == 1


def test_a_calendars_address_that_bounced_is_shown_to_its_admins(
    accounts: AccountsDriver, people: dict[str, Any], feedback: Feedback
) -> None:
    admin, agent, org_id = people["admin"], people["agent"], people["org_id"]
    accounts.call(
        "PUT",
        f"/agent/organisations/{org_id}/licence",
        token=agent.access_token,
        json_body={"licensed_practitioners": 3},
    )
    calendar = accounts.call(
        "POST", f"/organisations/{org_id}/calendars", token=admin.access_token, json_body={"name": "Dr. Eins"}
    ).body
    address = accounts.new_email("praxis")
    accounts.call(
        "PATCH",
        f"/calendars/{calendar['id']}/notification-settings",
        token=admin.access_token,
        json_body={"email": address},
    )
    before = accounts.call("GET", f"/calendars/{calendar['id']}", token=admin.access_token).body
    assert (before["email_undeliverable"], before["warnings"]) == (False, [])
    assert feedback.arrives("bounce", address) == []
    after = accounts.call("GET", f"/calendars/{calendar['id']}", token=admin.access_token).body
    assert after["email_undeliverable"] is True
    assert [w["field"] for w in after["warnings"]] == ["email"]
    assert after["warnings"][0]["message"].startswith("Diese Adresse empfängt keine E-Mails mehr")
