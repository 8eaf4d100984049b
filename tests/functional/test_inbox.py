"""The inbox: ticket events become messages and e-mails (once), invoices reach admins, broadcasts reach
everyone without a write per user, and reading, marking and searching work as a user expects."""

from __future__ import annotations

import json
import re
from typing import Any

import boto3
import pytest

from infra.local import outbox
from infra.local.delivery import sqs_event
from infra.local.lambda_runtime import LocalContext
from tests.conftest import REGION
from tests.functional.conftest import AccountsDriver, anonymous_body, submit
from tests.support.aws_calls import count_aws_calls
from tests.support.failing import FailingClient
from tests.support.fakes import MemoryQueue


def drain(sqs: Any, url: str) -> None:
    """Empties a queue of what earlier tests left (PurgeQueue allows one call a minute)."""
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            return
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)],
        )


def forget_broadcasts(accounts: AccountsDriver) -> None:
    """Broadcasts of earlier tests in this worker reach every inbox, also these tests' new people's
    (test_access_and_hostile_input sends some): gone, so a test counts only its own messages."""
    from shared.dynamo import delete_all, query_all

    db, table = accounts.aws.client("dynamodb"), accounts.aws.resolver.physical_ids["InboxTable"]
    broadcasts = query_all(
        db,
        TableName=table,
        KeyConditionExpression="PK = :p",
        ExpressionAttributeValues={":p": {"S": "BROADCASTS"}},
        ProjectionExpression="PK, SK",
    )
    delete_all(db, table, broadcasts)


class Events:
    """The inbox's real queue: EventBridge (moto) routes the tickets' events into it by the template's rule."""

    def __init__(self, accounts: AccountsDriver) -> None:
        self.accounts = accounts
        self.sqs = accounts.aws.client("sqs")
        self.url = accounts.aws.resolver.physical_ids["InboxEventsQueue"]
        self.dlq = accounts.aws.resolver.physical_ids["InboxEventsDeadLetterQueue"]
        self.arn = accounts.aws.resolver.attributes["InboxEventsQueue"]["Arn"]
        drain(self.sqs, self.url)
        drain(self.sqs, self.dlq)
        forget_broadcasts(accounts)

    def receive(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        while True:
            got = self.sqs.receive_message(
                QueueUrl=self.url, MaxNumberOfMessages=10, AttributeNames=["All"]
            ).get("Messages", [])
            if not got:
                return messages
            messages += got

    def consume(self, messages: list[dict[str, Any]]) -> list[str]:
        """Runs the consumer as Lambda would, batch by batch; returns the ids of failed records.
        Succeeded messages are deleted, failed ones made visible again (as after their timeout)."""
        from inbox.consumer import handler

        failed: list[str] = []
        for start in range(0, len(messages), 10):
            batch = messages[start : start + 10]
            result = handler(
                sqs_event(batch, self.arn, REGION), LocalContext("InboxConsumerFunction", "batch")
            )
            batch_failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
            failed += batch_failed
            for message in batch:
                if message["MessageId"] in batch_failed:
                    self.sqs.change_message_visibility(
                        QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                    )
                else:
                    self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])
        return failed

    def deliver(self) -> list[str]:
        return self.consume(self.receive())


@pytest.fixture
def events(accounts: AccountsDriver) -> Events:
    return Events(accounts)


def ticket_mails(accounts: AccountsDriver, address: str) -> list[dict[str, Any]]:
    return [m for m in accounts.mails_to(address) if m["subject"].startswith("[SR-")]


def inbox_of(accounts: AccountsDriver, token: str, **query: str) -> dict[str, Any]:
    response = accounts.call("GET", "/inbox", token=token, query=query)
    assert response.status == 200, response.body
    return dict(response.body)


def test_an_agent_reply_reaches_inbox_and_mail(
    accounts: AccountsDriver, people: dict[str, Any], events: Events
) -> None:
    customer, agent = people["colleague"], people["agent"]
    ticket = submit(accounts, customer)
    accounts.call(
        "POST",
        f"/tickets/{ticket['id']}/replies",
        token=agent.access_token,
        json_body={"body": "Bitte prüfen Sie die Rufnummer. ![Bild](https://tracker.example/p.gif)"},
    )
    assert events.deliver() == []

    inbox = inbox_of(accounts, customer.access_token)
    assert inbox["unread"] == 2
    reply = inbox["items"][0]
    assert reply["subject"] == f"[{ticket['case_number']}] Neue Antwort: {ticket['subject']}"
    assert "Bitte prüfen Sie die Rufnummer." in reply["body"]
    assert (reply["kind"], reply["ticket_id"], reply["read"]) == ("ticket", ticket["id"], False)
    mails = accounts.mails_to(customer.email)
    assert [m["subject"] for m in mails[-2:]] == [
        f"[{ticket['case_number']}] Ihre Anfrage ist eingegangen: {ticket['subject']}",
        f"[{ticket['case_number']}] Neue Antwort: {ticket['subject']}",
    ]
    assert "Bitte prüfen Sie die Rufnummer." in mails[-1]["text"]
    assert "<img" not in mails[-1]["html"]  # no tracking pixels, also not one written in Markdown
    assert "https://tracker.example/p.gif" in mails[-1]["text"]  # it stays a link
    assert "<img" not in (reply["body_html"] or "")
    preheader = re.search(r'<div class="preheader"[^>]*>([^<]*)</div>', mails[-1]["html"])
    assert preheader and preheader.group(1).startswith("unser Support-Team hat")  # not the product's name


def test_an_order_shows_its_type_and_fields_in_the_inbox_thread(
    accounts: AccountsDriver, people: dict[str, Any], events: Events
) -> None:
    customer = people["colleague"]
    ticket = submit(
        accounts,
        customer,
        request_type="orders_applications",
        fields={"product": "Zweiter Kalender", "quantity": 1200 // 2},
    )
    assert events.deliver() == []
    message = inbox_of(accounts, customer.access_token)["items"][0]
    assert message["ticket_id"] == ticket["id"]
    for line in ("Anliegen: Anträge, Neubestellungen", "Produkt: Zweiter Kalender", "Menge: 600"):
        assert line in message["body"]
    mail = ticket_mails(accounts, customer.email)[-1]
    assert "Menge: 600" in mail["text"]
    assert re.search(r"<dt[^>]*>Produkt</dt><dd[^>]*>Zweiter Kalender</dd>", mail["html"])


def test_internal_notes_and_customer_replies_send_nothing_to_customers(
    accounts: AccountsDriver, people: dict[str, Any], events: Events
) -> None:
    customer, agent = people["colleague"], people["agent"]
    ticket = submit(accounts, customer)
    events.deliver()
    before = len(ticket_mails(accounts, customer.email))
    accounts.call(
        "POST", f"/agent/tickets/{ticket['id']}/notes", token=agent.access_token, json_body={"body": "intern"}
    )
    accounts.call(
        "POST",
        f"/tickets/{ticket['id']}/replies",
        token=customer.access_token,
        json_body={"body": "Noch eine Info"},
    )
    assert events.deliver() == []
    assert len(ticket_mails(accounts, customer.email)) == before
    assert inbox_of(accounts, customer.access_token)["unread"] == 1


def test_an_anonymous_submission_gets_the_confirmation_mail_only(
    accounts: AccountsDriver, events: Events
) -> None:
    address = accounts.new_email("anonym")
    submitted = accounts.call("POST", "/tickets/anonymous", json_body=anonymous_body(email=address))
    events.deliver()
    mails = accounts.mails_to(address)
    assert len(mails) == 1
    assert mails[0]["subject"].startswith(f"[{submitted.body['case_number']}] Ihre Anfrage ist eingegangen")
    assert submitted.body["case_number"] in mails[0]["text"]
    assert mails[0]["reference_id"] in mails[0]["text"]
    assert "So geht es weiter" in mails[0]["text"]


def test_cc_addresses_get_mail_and_registered_ones_an_inbox_message(
    accounts: AccountsDriver, people: dict[str, Any], events: Events
) -> None:
    requester, outsider, agent = people["admin"], people["outsider"], people["agent"]
    stranger = accounts.new_email("stranger")
    ticket = submit(accounts, requester, cc=[outsider.email, stranger])
    events.deliver()
    in_copy = f"[{ticket['case_number']}] Sie stehen in Kopie: {ticket['subject']}"
    for address in (stranger, outsider.email):  # told at once, not only with the first answer
        (told,) = accounts.mails_to(address)
        assert told["subject"] == in_copy
        assert "hat Sie bei der Anfrage" in told["text"] and requester.full_name in told["text"]
    assert [m["subject"] for m in inbox_of(accounts, outsider.access_token)["items"]] == [in_copy]
    assert len(accounts.mails_to(requester.email)) == 1, "the requester's confirmation, once"

    accounts.call(
        "PUT",
        f"/agent/tickets/{ticket['id']}/status",
        token=agent.access_token,
        json_body={"status": "in_progress"},
    )
    later = accounts.new_email("later")
    added = accounts.call(
        "POST", f"/tickets/{ticket['id']}/cc", token=requester.access_token, json_body={"email": later}
    )
    assert added.status == 200
    events.deliver()
    status_subject = f"[{ticket['case_number']}] Status: in Bearbeitung – {ticket['subject']}"
    assert accounts.mails_to(stranger)[-1]["subject"] == status_subject
    assert accounts.mails_to(outsider.email)[-1]["subject"] == status_subject
    assert inbox_of(accounts, outsider.access_token)["items"][0]["subject"] == status_subject
    assert [m["subject"] for m in accounts.mails_to(later)] == [in_copy], "only the one added is told"
    assert len(accounts.mails_to(stranger)) == 2


def test_each_event_three_times_gives_one_message_and_one_mail(
    accounts: AccountsDriver, people: dict[str, Any], events: Events
) -> None:
    customer, agent = people["colleague"], people["agent"]
    ticket = submit(accounts, customer)
    accounts.call(
        "POST",
        f"/tickets/{ticket['id']}/replies",
        token=agent.access_token,
        json_body={"body": "Einmal bitte"},
    )
    received = events.receive()
    assert len(received) == 2
    # Three deliveries of each event (as EventBridge and SQS may do), one in a later batch.
    assert events.consume(received + received) == []
    assert events.consume(received) == []
    assert inbox_of(accounts, customer.access_token)["unread"] == 2
    assert len(ticket_mails(accounts, customer.email)) == 2


def test_throttled_mails_are_retried_and_nothing_is_lost(
    accounts: AccountsDriver, people: dict[str, Any], events: Events
) -> None:
    customer, agent = people["colleague"], people["agent"]
    ticket = submit(accounts, customer)
    accounts.call(
        "POST", f"/tickets/{ticket['id']}/replies", token=agent.access_token, json_body={"body": "Antwort"}
    )
    received = events.receive()
    failing = FailingClient(boto3.client("sesv2"), {"send_email": ("TooManyRequestsException", 2)})
    accounts.inject("sesv2", failing)
    assert sorted(events.consume(received)) == sorted(m["MessageId"] for m in received)
    assert failing.failed == ["send_email", "send_email"]
    assert events.deliver() == []  # the redelivered records succeed
    assert [m["subject"].split("] ")[1].split(":")[0] for m in ticket_mails(accounts, customer.email)] == [
        "Ihre Anfrage ist eingegangen",
        "Neue Antwort",
    ]
    assert len(ticket_mails(accounts, customer.email)) == 2
    assert inbox_of(accounts, customer.access_token)["unread"] == 2


def test_a_malformed_event_goes_to_the_dead_letter_queue_and_the_batch_goes_on(
    accounts: AccountsDriver, people: dict[str, Any], events: Events
) -> None:
    customer = people["colleague"]
    submit(accounts, customer)
    bus = accounts.aws.resolver.physical_ids["EventBus"]
    accounts.aws.client("events").put_events(
        Entries=[
            {
                "Source": "portal.tickets",
                "DetailType": "TicketCreated",
                "EventBusName": bus,
                "Detail": json.dumps(
                    {
                        "metadata": {"event_id": "01J0000000MALFORMED0000000", "occurred_at": "x"},
                        "data": {"ticket_id": 1},
                    }
                ),
            }
        ]
    )
    received = events.receive()
    assert len(received) == 2
    failed = events.consume(received)
    assert len(failed) == 1
    assert len(ticket_mails(accounts, customer.email)) == 1  # the good record of the batch went through
    for _redelivery in range(5):  # maxReceiveCount is 3: the receive after the third moves it
        pending = events.receive()
        if not pending:
            break
        assert events.consume(pending) == [pending[0]["MessageId"]]
    dead = events.sqs.receive_message(QueueUrl=events.dlq, MaxNumberOfMessages=10).get("Messages", [])
    assert [json.loads(m["Body"])["detail"]["metadata"]["event_id"] for m in dead] == [
        "01J0000000MALFORMED0000000"
    ]


def test_an_invoice_reaches_the_admins(
    accounts: AccountsDriver, people: dict[str, Any], events: Events
) -> None:
    admin, colleague = people["admin"], people["colleague"]
    bus = accounts.aws.resolver.physical_ids["EventBus"]
    accounts.aws.client("events").put_events(
        Entries=[
            {
                "Source": "portal.billing",
                "DetailType": "InvoiceIssued",
                "EventBusName": bus,
                "Detail": json.dumps(
                    {
                        "metadata": {
                            "event_id": "01JINVOICE00000000000000001",
                            "version": 1,
                            "occurred_at": "2026-09-08T13:00:00Z",
                            "correlation_id": "c",
                        },
                        "data": {
                            "invoice_id": "inv-1",
                            "organisation_id": people["org_id"],
                            "invoice_number": "R-2026-0815",
                            "amount_cents": 12345,
                            "currency": "EUR",
                            "due_date": "2026-10-01",
                            "url": "https://billing.example.com/invoices/inv-1",
                        },
                    }
                ),
            }
        ]
    )
    assert events.deliver() == []
    invoice = inbox_of(accounts, admin.access_token, kind="invoice")["items"]
    assert [(m["subject"], m["link"]) for m in invoice] == [
        ("Ihre Rechnung R-2026-0815 ist verfügbar", "https://billing.example.com/invoices/inv-1")
    ]
    assert "123,45\xa0€" in invoice[0]["body"] and "fällig am 1. Oktober 2026" in invoice[0]["body"]
    assert accounts.mails_to(admin.email)[-1]["subject"] == "Ihre Rechnung R-2026-0815 ist verfügbar"
    assert inbox_of(accounts, colleague.access_token, kind="invoice")["items"] == []


def test_reading_marking_and_searching(
    accounts: AccountsDriver, people: dict[str, Any], events: Events
) -> None:
    customer, agent = people["admin"], people["agent"]
    first = submit(accounts, customer, subject="Grüße aus der Müllerstraße")
    second = submit(accounts, customer, subject="Abrechnung März")
    accounts.call(
        "POST", f"/tickets/{second['id']}/replies", token=agent.access_token, json_body={"body": "Erledigt"}
    )
    events.deliver()
    token = customer.access_token
    assert accounts.call("GET", "/inbox/unread-count", token=token).body == {"unread": 3}

    newest = inbox_of(accounts, token)["items"][0]
    read = accounts.call("PUT", f"/inbox/{newest['id']}/read", token=token, json_body={"read": True})
    assert read.body["read"] is True
    assert (
        accounts.call("PUT", f"/inbox/{newest['id']}/read", token=token, json_body={"read": True}).body[
            "read"
        ]
        is True
    )
    assert accounts.call("GET", "/inbox/unread-count", token=token).body == {"unread": 2}

    for query, expected in (
        ("MUELLERSTRASSE", first["id"]),
        ("müllerstrasse", first["id"]),
        ("mullerstraße", first["id"]),
        (second["case_number"].lower(), second["id"]),
        ("abrechnung marz", second["id"]),
    ):
        found = accounts.call("GET", "/inbox/search", token=token, query={"q": query}).body["items"]
        assert found and {m["ticket_id"] for m in found} == {expected}, query

    with count_aws_calls() as calls:
        assert accounts.call("POST", "/inbox/read-all", token=token).body == {"unread": 0}
    assert dict(calls) == {"dynamodb:GetItem": 1, "dynamodb:UpdateItem": 1}  # the session check, the write
    assert all(m["read"] for m in inbox_of(accounts, token)["items"])
    unread_again = accounts.call("PUT", f"/inbox/{newest['id']}/read", token=token, json_body={"read": False})
    assert unread_again.body["read"] is False
    assert accounts.call("GET", "/inbox/unread-count", token=token).body == {"unread": 1}
    assert (
        accounts.call(
            "PUT", "/inbox/01J00000000000000000000000/read", token=token, json_body={"read": True}
        ).status
        == 404
    )


def test_the_feed_returns_what_is_new_since_the_cursor_in_one_query(
    accounts: AccountsDriver, people: dict[str, Any], events: Events
) -> None:
    customer, agent = people["colleague"], people["agent"]
    start = accounts.call("GET", "/inbox/feed", token=customer.access_token).body
    assert start["items"] == []
    ticket = submit(accounts, customer)
    accounts.call(
        "POST", f"/tickets/{ticket['id']}/replies", token=agent.access_token, json_body={"body": "Neu"}
    )
    events.deliver()
    with count_aws_calls() as calls:
        polled = accounts.call(
            "GET", "/inbox/feed", token=customer.access_token, query={"since": start["cursor"]}
        ).body
    assert dict(calls) == {"dynamodb:GetItem": 1, "dynamodb:Query": 1}  # the session check, the read
    assert [m["kind"] for m in polled["items"]] == ["ticket", "ticket"]
    assert polled["unread"] == 2
    again = accounts.call(
        "GET", "/inbox/feed", token=customer.access_token, query={"since": polled["cursor"]}
    ).body
    assert again["items"] == []
    future = accounts.call(
        "GET", "/inbox/feed", token=customer.access_token, query={"since": "7ZZZZZZZZZZZZZZZZZZZZZZZZZ"}
    ).body
    assert future["cursor"] < "7ZZZZZZZZZZZZZZZZZZZZZZZZZ"  # a cursor from the future is not echoed
    accounts.call(
        "POST", f"/tickets/{ticket['id']}/replies", token=agent.access_token, json_body={"body": "Mehr"}
    )
    events.deliver()
    later = accounts.call(
        "GET", "/inbox/feed", token=customer.access_token, query={"since": future["cursor"]}
    ).body
    assert [m["kind"] for m in later["items"]] == ["ticket"]


def test_broadcasts_reach_everyone_without_a_write_per_user(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    from inbox import dependencies

    agent, admin, colleague, outsider = (
        people["agent"],
        people["admin"],
        people["colleague"],
        people["outsider"],
    )
    accounts.call(
        "PUT", "/inbox/preferences", token=outsider.access_token, json_body={"marketing_emails": False}
    )
    sqs = accounts.aws.client("sqs")
    jobs = accounts.aws.resolver.physical_ids["BroadcastJobsQueue"]
    drain(sqs, jobs)
    with count_aws_calls() as calls:
        published = accounts.call(
            "POST",
            "/agent/broadcasts",
            token=agent.access_token,
            json_body={
                "subject": "Neu: Erinnerungen per SMS",
                "body": "Ab heute erinnern wir Ihre Patienten **per SMS**.\n\n- kostenlos\n- <b>sofort</b>",
            },
        )
    assert published.status == 202
    assert dict(calls) == {"dynamodb:GetItem": 1, "dynamodb:PutItem": 1, "sqs:SendMessage": 1}

    first_job = sqs.receive_message(QueueUrl=jobs, MaxNumberOfMessages=1)["Messages"][0]
    sqs.delete_message(QueueUrl=jobs, ReceiptHandle=first_job["ReceiptHandle"])
    # The sender queues each next page with a delay; here the follow-ups are taken as they are queued.
    paged = dependencies.broadcasts()
    paged.settings = paged.settings.model_copy(update={"broadcast_page_size": 2})  # several pages
    queued = MemoryQueue()
    paged.jobs = queued
    pending = [json.loads(first_job["Body"])]
    pages = 0
    while pending:
        sent = paged.run(pending.pop(0))
        pages += 1
        if queued.sent:
            follow_up, delay = queued.sent.pop()
            assert delay == max(1, -(-sent // paged.settings.mail_send_rate_per_second))
            pending.append(follow_up)
    assert pages >= 2
    sent_to = [m["to"] for m in outbox.mails(REGION) if m["subject"] == "Neu: Erinnerungen per SMS"]
    assert admin.email in sent_to and colleague.email in sent_to
    assert outsider.email not in sent_to  # opted out of marketing mails
    assert len(sent_to) == len(set(sent_to))
    [news] = [
        m
        for m in outbox.mails(REGION)
        if m["to"] == colleague.email and m["subject"] == "Neu: Erinnerungen per SMS"
    ]
    assert "<strong>per SMS</strong>" in news["html"] and "&lt;b&gt;sofort&lt;/b&gt;" in news["html"]
    assert "**" not in news["text"] and "- kostenlos" in news["text"]

    # RFC 8058 one-click, as a mail program sends it: no sign-in, a form post to the header's URL
    assert news["list_unsubscribe_post"] == "List-Unsubscribe=One-Click"
    one_click = news["list_unsubscribe"].strip("<>")
    assert one_click.startswith("https://api.test/inbox/unsubscribe/")
    visible = next(link for link in news["links"] if "/abmelden#token=" in link)
    assert visible.split("#token=")[1] == one_click.rsplit("/", 1)[1]
    path = one_click.removeprefix("https://api.test")
    forged = accounts.call(
        "POST",
        path[:-3] + "aaa",
        raw_body="List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert forged.status == 404
    done = accounts.call(
        "POST",
        path,
        raw_body="List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert done.status == 200, done.body
    assert (
        accounts.call("GET", "/inbox/preferences", token=colleague.access_token).body["marketing_emails"]
        is False
    )
    assert accounts.call("POST", path).status == 200  # again, and without a body: the same
    ticket = submit(accounts, colleague)  # transactional mails are never suppressed by it
    dependencies.delivery().handle(
        {
            "detail-type": "TicketCreated",
            "detail": {
                "metadata": {"event_id": "01JUNSUB0000000000000000001", "occurred_at": "x"},
                "data": {
                    "ticket_id": ticket["id"],
                    "case_number": ticket["case_number"],
                    "subject": ticket["subject"],
                    "status": "open",
                    "requester": {
                        "user_id": colleague.user_id,
                        "email": colleague.email,
                        "full_name": colleague.full_name,
                        "language": "de",
                    },
                    "reference_id": "r1",
                },
            },
        }
    )
    confirmation = [m for m in outbox.mails(REGION) if m["to"] == colleague.email][-1]
    assert confirmation["subject"].startswith(f"[{ticket['case_number']}]")
    assert confirmation["list_unsubscribe"] == ""

    for user in (admin, outsider):
        items = inbox_of(accounts, user.access_token, kind="marketing")["items"]
        assert [m["subject"] for m in items][:1] == ["Neu: Erinnerungen per SMS"]
        assert "per SMS" in items[0]["body"] and "**" not in items[0]["body"]
        assert "<strong>per SMS</strong>" in items[0]["body_html"] and "<b>" not in items[0]["body_html"]
    assert accounts.call("GET", "/inbox/unread-count", token=admin.access_token).body["unread"] >= 1


def test_a_broadcast_to_chosen_organisations_reaches_only_their_members(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    agent, admin, outsider = people["agent"], people["admin"], people["outsider"]
    accounts.call(
        "POST",
        "/agent/broadcasts",
        token=agent.access_token,
        json_body={
            "subject": "Wartung am Sonntag",
            "body": "Am Sonntag ist das Portal kurz nicht erreichbar.",
            "organisation_ids": [people["org_id"]],
        },
    )
    assert [m["subject"] for m in inbox_of(accounts, admin.access_token, kind="marketing")["items"]][:1] == [
        "Wartung am Sonntag"
    ]
    assert "Wartung am Sonntag" not in [
        m["subject"] for m in inbox_of(accounts, outsider.access_token)["items"]
    ]
    customer_try = accounts.call(
        "POST",
        "/agent/broadcasts",
        token=admin.access_token,
        json_body={"subject": "Spam!", "body": "Kaufen Sie jetzt!!!"},
    )
    assert customer_try.status == 403


def test_a_licence_lowered_below_the_calendars_set_up_warns_the_agent_and_the_admins(
    accounts: AccountsDriver, people: dict[str, Any], events: Events
) -> None:
    admin, colleague, agent, org_id = people["admin"], people["colleague"], people["agent"], people["org_id"]

    def licence(count: int) -> Any:
        return accounts.call(
            "PUT",
            f"/agent/organisations/{org_id}/licence",
            token=agent.access_token,
            json_body={"licensed_practitioners": count},
        )

    def calendar(name: str) -> int:
        return accounts.call(
            "POST", f"/organisations/{org_id}/calendars", token=admin.access_token, json_body={"name": name}
        ).status

    assert licence(2).body["licence_warning"] is None
    assert [calendar("Dr. Eins"), calendar("Dr. Zwei")] == [201, 201]
    events.deliver()
    lowered = licence(1)
    assert lowered.status == 200
    assert (lowered.body["licensed_practitioners"], lowered.body["calendars_in_use"]) == (1, 2)
    assert lowered.body["licence_warning"].startswith(
        "Die Lizenz umfasst 1 Behandler-Kalender, eingerichtet sind 2."
    )
    shown = accounts.call(
        "GET", f"/organisations/{org_id}", token=admin.access_token, headers={"Accept-Language": "en"}
    ).body
    assert shown["licence_warning"].startswith("The licence covers 1 practitioner calendar; 2 are set up.")
    assert calendar("Dr. Drei") == 409  # no new one while over the licence; the two keep working
    listed = accounts.call("GET", f"/organisations/{org_id}/calendars", token=colleague.access_token).body
    assert (len(listed["items"]), listed["licensed_practitioners"]) == (2, 1)

    assert events.deliver() == []
    notices = inbox_of(accounts, admin.access_token, kind="invoice")["items"]
    assert len(notices) == 1
    notice = notices[0]
    assert notice["subject"] == "Ihre Lizenz umfasst weniger Behandler-Kalender, als eingerichtet sind"
    assert "Die eingerichteten Kalender benachrichtigen weiter" in notice["body"]
    assert accounts.mails_to(admin.email)[-1]["subject"] == notice["subject"]
    assert inbox_of(accounts, colleague.access_token, kind="invoice")["items"] == []  # admins only

    raised = licence(3)
    assert (raised.body["calendars_in_use"], raised.body["licence_warning"]) == (2, None)
    assert events.deliver() == []
    assert len(inbox_of(accounts, admin.access_token, kind="invoice")["items"]) == 1
