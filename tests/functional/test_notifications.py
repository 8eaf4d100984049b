"""Appointment notifications: calendars within the licence, settings that turn channels on and off,
and events that produce exactly the SMS and e-mails the rule says, once, with a log of every decision."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from infra.local import outbox
from infra.local.delivery import sqs_event
from infra.local.lambda_runtime import LocalContext
from tests.conftest import REGION
from tests.functional.conftest import Account, AccountsDriver
from tests.functional.test_inbox import drain
from tests.support.failing import FailingClient

START = "2026-09-09T12:00:00+02:00"


@pytest.fixture
def practice(accounts: AccountsDriver) -> dict[str, Any]:
    admin = accounts.account("admin", "Dr. Anna Schmidt")
    member = accounts.account("member", "Jonas Weber")
    org_id = accounts.organisation(admin, "Praxis Dr. Schmidt")
    accounts.join(admin, org_id, member)
    agent = accounts.make_agent(accounts.account("agent"))
    accounts.call(
        "PUT",
        f"/agent/organisations/{org_id}/licence",
        token=agent.access_token,
        json_body={"licensed_practitioners": 2},
    )
    created = accounts.call(
        "POST",
        f"/organisations/{org_id}/calendars",
        token=admin.access_token,
        json_body={"name": "Dr. Anna Schmidt"},
    )
    assert created.status == 201, created.body
    return {
        "admin": admin,
        "member": member,
        "org_id": org_id,
        "calendar_id": created.body["id"],
        "agent": agent,
    }


def configure(accounts: AccountsDriver, admin: Account, calendar_id: str, **settings: Any) -> Any:
    return accounts.call(
        "PATCH",
        f"/calendars/{calendar_id}/notification-settings",
        token=admin.access_token,
        json_body=settings,
    )


def event(
    calendar_id: str,
    kind: str,
    *,
    changed_at: str,
    changed_by: str = "patient_online",
    start: str = START,
    previous_start: str | None = None,
    event_id: str | None = None,
    patient: str | None = "Eva Neu",
    appointment_id: str | None = None,
) -> dict[str, Any]:
    event_id = event_id or f"evt-{kind}-{changed_at}-{calendar_id}"
    data: dict[str, Any] = {
        "calendar_id": calendar_id,
        "appointment_id": appointment_id or f"apt-{event_id}",  # one appointment per event unless named
        "start": start,
        "changed_at": changed_at,
        "changed_by": changed_by,
        "patient_display_name": patient,
    }
    if previous_start:
        data["previous_start"] = previous_start
    return {
        "version": "0",
        "id": "eb-1",
        "source": "portal.booking",
        "detail-type": f"Appointment{kind}",
        "account": "123456789012",
        "time": changed_at,
        "region": REGION,
        "resources": [],
        "detail": {
            "metadata": {
                "event_id": event_id,
                "version": 1,
                "occurred_at": changed_at,
                "correlation_id": "c",
            },
            "data": data,
        },
    }


def consume(accounts: AccountsDriver, *events: dict[str, Any]) -> list[str]:
    """The consumer with an SQS batch of these events; returns the failed message ids."""
    from notifications.consumer import handler

    messages = [
        {"MessageId": f"m{i}", "ReceiptHandle": f"r{i}", "Body": json.dumps(e)} for i, e in enumerate(events)
    ]
    arn = accounts.aws.resolver.attributes["AppointmentEventsQueue"]["Arn"]
    result = handler(sqs_event(messages, arn, REGION), LocalContext("NotificationsConsumerFunction", "b"))
    return [f["itemIdentifier"] for f in result["batchItemFailures"]]


def sent_to(phone: str | None = None, email: str | None = None) -> list[str]:
    if phone:
        return [s["text"] for s in outbox.sms(REGION) if s["to"] == phone]
    return [m["subject"] for m in outbox.mails(REGION) if m["to"] == email]


def log(accounts: AccountsDriver, practice: dict[str, Any]) -> list[dict[str, Any]]:
    response = accounts.call(
        "GET", f"/calendars/{practice['calendar_id']}/deliveries", token=practice["admin"].access_token
    )
    assert response.status == 200
    return list(response.body["items"])


def test_calendars_are_limited_by_the_licence_with_a_message_naming_it(
    accounts: AccountsDriver, practice: dict[str, Any]
) -> None:
    admin, org_id = practice["admin"], practice["org_id"]
    second = accounts.call(
        "POST", f"/organisations/{org_id}/calendars", token=admin.access_token, json_body={"name": "Dr. Zwei"}
    )
    assert second.status == 201
    third = accounts.call(
        "POST", f"/organisations/{org_id}/calendars", token=admin.access_token, json_body={"name": "Dr. Drei"}
    )
    assert third.status == 409
    assert third.error["message"].startswith("Ihre Lizenz umfasst 2 Behandler-Kalender")
    assert accounts.call("DELETE", f"/calendars/{second.body['id']}", token=admin.access_token).status == 204
    again = accounts.call(
        "POST", f"/organisations/{org_id}/calendars", token=admin.access_token, json_body={"name": "Dr. Drei"}
    )
    assert again.status == 201
    names = [
        c["name"]
        for c in accounts.call(
            "GET", f"/organisations/{org_id}/calendars", token=practice["member"].access_token
        ).body["items"]
    ]
    assert names == ["Dr. Anna Schmidt", "Dr. Drei"]


def test_members_read_and_only_admins_manage_calendars(
    accounts: AccountsDriver, practice: dict[str, Any]
) -> None:
    member, calendar_id, org_id = practice["member"], practice["calendar_id"], practice["org_id"]
    assert accounts.call("GET", f"/calendars/{calendar_id}", token=member.access_token).status == 200
    attempts = [
        accounts.call(
            "POST",
            f"/organisations/{org_id}/calendars",
            token=member.access_token,
            json_body={"name": "Meiner"},
        ),
        accounts.call(
            "PATCH", f"/calendars/{calendar_id}", token=member.access_token, json_body={"name": "Umbenannt"}
        ),
        configure(accounts, member, calendar_id, email="x@praxis.example"),
        accounts.call("GET", f"/calendars/{calendar_id}/deliveries", token=member.access_token),
        accounts.call("DELETE", f"/calendars/{calendar_id}", token=member.access_token),
    ]
    assert [a.status for a in attempts] == [403] * 5
    outsider = accounts.account("outsider")
    accounts.organisation(outsider, "Andere Praxis")
    assert accounts.call("GET", f"/calendars/{calendar_id}", token=outsider.access_token).status == 404
    assert configure(accounts, outsider, calendar_id, email="x@praxis.example").status == 404
    assert (
        accounts.call("GET", f"/organisations/{org_id}/calendars", token=outsider.access_token).status == 404
    )


def test_settings_turn_channels_on_and_off_and_validate(
    accounts: AccountsDriver, practice: dict[str, Any]
) -> None:
    admin, calendar_id = practice["admin"], practice["calendar_id"]
    saved = configure(accounts, admin, calendar_id, email="Praxis@Hotmail.com", mobile="0171 2345678")
    assert saved.status == 200
    assert (saved.body["email"], saved.body["mobile"]) == ("praxis@hotmail.com", "+491712345678")
    assert saved.body["email_notifications"] and saved.body["sms_notifications"]
    assert [w["field"] for w in saved.body["warnings"]] == ["email"]
    assert "Spam" in saved.body["warnings"][0]["message"]

    landline = configure(accounts, admin, calendar_id, mobile="030 12345678")
    assert landline.status == 422
    assert landline.error["fields"] == {
        "mobile": "Das ist eine Festnetznummer; SMS können nur an Handynummern gehen."
    }
    bad = configure(accounts, admin, calendar_id, email="kein-at", time_zone="Mars/Olympus")
    assert bad.status == 422 and set(bad.error["fields"]) == {"email", "time_zone"}
    assert (
        accounts.call("GET", f"/calendars/{calendar_id}", token=admin.access_token).body["mobile"]
        == "+491712345678"
    )

    changed = configure(accounts, admin, calendar_id, email="praxis@gmx.example", include_patient_name=True)
    assert changed.status == 200, changed.body
    assert (changed.body["email"], changed.body["warnings"]) == ("praxis@gmx.example", [])
    assert changed.body["sms_notifications"] and changed.body["mobile"] == "+491712345678", (
        "absent: unchanged"
    )

    off = configure(accounts, admin, calendar_id, mobile=None)
    assert (off.body["sms_notifications"], off.body["email_notifications"]) == (False, True), "null: off"
    assert off.body["include_patient_name"] is True and off.body["time_zone"] == "Europe/Berlin"
    refused = configure(accounts, admin, calendar_id, include_patient_name=None, language=None)
    assert refused.status == 422 and set(refused.error["fields"]) == {"include_patient_name", "language"}


def test_events_produce_exactly_what_the_rule_says_and_the_log_shows_why(
    accounts: AccountsDriver, practice: dict[str, Any]
) -> None:
    admin, calendar_id = practice["admin"], practice["calendar_id"]
    phone, email = "+491711234567", accounts.new_email("dr")
    configure(accounts, admin, calendar_id, email=email, mobile="0171 1234567")
    events = [
        event(calendar_id, "Booked", changed_at="2026-09-01T10:00:00+02:00"),
        event(calendar_id, "Cancelled", changed_at="2026-09-08T13:00:00+02:00"),
        event(calendar_id, "Cancelled", changed_at="2026-09-08T11:00:00+02:00"),
        event(
            calendar_id,
            "Rescheduled",
            changed_at="2026-09-08T13:30:00+02:00",
            start="2026-09-10T09:30:00+02:00",
            previous_start=START,
        ),
        event(
            calendar_id,
            "Rescheduled",
            changed_at="2026-09-08T10:00:00+02:00",
            start="2026-09-10T09:30:00+02:00",
            previous_start=START,
        ),
        event(calendar_id, "Booked", changed_at="2026-09-02T10:00:00+02:00", changed_by="practice"),
    ]
    assert consume(accounts, *events) == []
    assert sent_to(phone=phone) == [
        "Neuer Online-Termin Mi 09.09.2026 12:00. Kalender: Dr. Anna Schmidt",
        "Online-Termin abgesagt: Mi 09.09.2026 12:00. Kalender: Dr. Anna Schmidt",
        "Online-Termin verschoben von Mi 09.09.2026 12:00 auf Do 10.09.2026 09:30. Kalender: Dr. Anna Schmidt",
    ]
    assert sent_to(email=email) == [
        "Neuer Online-Termin: Mi 09.09.2026 12:00",
        "Online-Termin abgesagt: Mi 09.09.2026 12:00",
        "Online-Termin verschoben: Do 10.09.2026 09:30",
    ]
    decisions = sorted(
        (d["kind"], d["changed_at"], d["channel"], d["status"], d["reason"]) for d in log(accounts, practice)
    )
    assert ("cancelled", "2026-09-08T09:00:00Z", "sms", "skipped", "more_than_24_hours_before") in decisions
    assert ("booked", "2026-09-02T08:00:00Z", "email", "skipped", "changed_by_practice") in decisions
    assert sum(1 for d in decisions if d[3] == "sent") == 6
    assert all(d["provider_id"] for d in log(accounts, practice) if d["status"] == "sent")


def test_patient_names_only_when_the_practice_turns_them_on(
    accounts: AccountsDriver, practice: dict[str, Any]
) -> None:
    admin, calendar_id = practice["admin"], practice["calendar_id"]
    configure(accounts, admin, calendar_id, mobile="0171 7654321")
    consume(
        accounts, event(calendar_id, "Booked", changed_at="2026-09-01T10:00:00+02:00", event_id="no-name")
    )
    configure(accounts, admin, calendar_id, mobile="0171 7654321", include_patient_name=True, language="en")
    consume(
        accounts, event(calendar_id, "Booked", changed_at="2026-09-01T10:05:00+02:00", event_id="with-name")
    )
    texts = sent_to(phone="+491717654321")
    assert "Eva Neu" not in texts[0]
    assert texts[1] == "New online appointment Wed 09/09/2026 12:00, Eva Neu. Calendar: Dr. Anna Schmidt"


def test_a_channel_that_is_off_is_skipped_and_logged(
    accounts: AccountsDriver, practice: dict[str, Any]
) -> None:
    admin, calendar_id = practice["admin"], practice["calendar_id"]
    configure(accounts, admin, calendar_id, email=accounts.new_email("only-mail"))
    consume(accounts, event(calendar_id, "Booked", changed_at="2026-09-01T10:00:00+02:00"))
    by_channel = {d["channel"]: (d["status"], d["reason"]) for d in log(accounts, practice)}
    assert by_channel == {"email": ("sent", None), "sms": ("skipped", "channel_off")}


def test_each_event_three_times_also_concurrently_sends_once_per_channel(
    accounts: AccountsDriver, practice: dict[str, Any]
) -> None:
    admin, calendar_id = practice["admin"], practice["calendar_id"]
    configure(accounts, admin, calendar_id, email=accounts.new_email("dup"), mobile="0171 5555555")
    booked = event(calendar_id, "Booked", changed_at="2026-09-01T10:00:00+02:00", event_id="dup-1")
    assert consume(accounts, booked, booked) == []
    failures: list[Exception] = []

    def again() -> None:
        try:
            consume(accounts, booked)
        except Exception as error:
            failures.append(error)

    threads = [threading.Thread(target=again) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(sent_to(phone="+491715555555")) == 1
    assert [(d["channel"], d["status"]) for d in log(accounts, practice)].count(("sms", "sent")) == 1


def test_throttled_sends_are_retried_within_ten_minutes_and_then_marked_missed(
    accounts: AccountsDriver, practice: dict[str, Any]
) -> None:
    from notifications.retry import handler as retry

    admin, calendar_id = practice["admin"], practice["calendar_id"]
    configure(accounts, admin, calendar_id, email=accounts.new_email("throttle"), mobile="0171 6666666")
    accounts.clock.current = datetime(2026, 9, 1, 8, 0, 30, tzinfo=UTC)
    accounts.inject("sns", FailingClient(boto3.client("sns"), {"publish": ("Throttling", 2)}))
    first = event(calendar_id, "Booked", changed_at="2026-09-01T10:00:00+02:00", event_id="thr-1")
    second = event(calendar_id, "Booked", changed_at="2026-09-01T10:00:10+02:00", event_id="thr-2")
    assert consume(accounts, first, second) == []
    statuses = {(d["event_id"], d["channel"]): d["status"] for d in log(accounts, practice)}
    assert statuses == {
        ("thr-1", "sms"): "failed",
        ("thr-2", "sms"): "failed",
        ("thr-1", "email"): "sent",
        ("thr-2", "email"): "sent",
    }

    accounts.inject("sns", FailingClient(boto3.client("sns"), {"publish": ("Throttling", 1)}))
    accounts.clock.advance(seconds=20)
    assert retry({}, LocalContext("NotificationsRetryFunction", "r")) == {
        "sent": 1,
        "failing": 1,
        "missed": 0,
    }
    accounts.clock.advance(minutes=11)  # thr-1 failed again; its next try comes after its 10 minutes
    assert retry({}, LocalContext("NotificationsRetryFunction", "r")) == {
        "sent": 0,
        "failing": 0,
        "missed": 1,
    }
    statuses = {(d["event_id"], d["channel"]): (d["status"], d["attempts"]) for d in log(accounts, practice)}
    assert statuses[("thr-2", "sms")] == ("sent", 2)
    assert statuses[("thr-1", "sms")][0] == "missed"
    assert len(sent_to(phone="+491716666666")) == 1


def test_a_failure_in_the_middle_of_a_batch_leaves_the_rest_sent_once(
    accounts: AccountsDriver, practice: dict[str, Any]
) -> None:
    admin, calendar_id = practice["admin"], practice["calendar_id"]
    configure(accounts, admin, calendar_id, mobile="0171 7777777")
    events = [
        event(calendar_id, "Booked", changed_at=f"2026-09-01T10:0{n}:00+02:00", event_id=f"mid-{n}")
        for n in range(3)
    ]
    # The table fails once for the second event's first write: that record fails, the others go on.
    failing = FailingClient(
        boto3.client("dynamodb"), {"get_item": ("ProvisionedThroughputExceededException", 0)}
    )
    accounts.inject("dynamodb", failing)
    from notifications import dependencies

    real_handle = dependencies.notifier().handle
    calls = {"n": 0}

    def flaky(parsed: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("injected failure after the first record")
        return real_handle(parsed)

    dependencies.notifier().handle = flaky  # type: ignore[method-assign]
    failed = consume(accounts, *events)
    assert failed == ["m1"]
    dependencies.notifier().handle = real_handle  # type: ignore[method-assign]
    assert consume(accounts, *events) == []  # the whole batch again, as SQS would redeliver it
    assert len(sent_to(phone="+491717777777")) == 3
    sent = [(d["event_id"], d["status"]) for d in log(accounts, practice) if d["channel"] == "sms"]
    assert sorted(sent) == [("mid-0", "sent"), ("mid-1", "sent"), ("mid-2", "sent")]


def test_a_malformed_event_lands_in_the_dead_letter_queue(
    accounts: AccountsDriver, practice: dict[str, Any]
) -> None:
    sqs = accounts.aws.client("sqs")
    url = accounts.aws.resolver.physical_ids["AppointmentEventsQueue"]
    dlq = accounts.aws.resolver.physical_ids["AppointmentEventsDeadLetterQueue"]
    drain(sqs, url)
    drain(sqs, dlq)
    bus = accounts.aws.resolver.physical_ids["EventBus"]
    broken = event(
        practice["calendar_id"], "Rescheduled", changed_at="2026-09-08T13:00:00+02:00", event_id="broken"
    )
    accounts.aws.client("events").put_events(
        Entries=[
            {
                "Source": "portal.booking",
                "DetailType": "AppointmentRescheduled",
                "EventBusName": bus,
                "Detail": json.dumps(broken["detail"]),
            }
        ]
    )
    from notifications.consumer import handler

    arn = accounts.aws.resolver.attributes["AppointmentEventsQueue"]["Arn"]
    for _redelivery in range(5):
        received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not received:
            break
        result = handler(sqs_event(received, arn, REGION), LocalContext("NotificationsConsumerFunction", "b"))
        assert len(result["batchItemFailures"]) == 1  # no previous_start: refused
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=received[0]["ReceiptHandle"], VisibilityTimeout=0
        )
    dead = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10).get("Messages", [])
    assert [json.loads(m["Body"])["detail"]["metadata"]["event_id"] for m in dead] == ["broken"]


def test_a_throttled_email_is_sent_by_the_next_run(
    accounts: AccountsDriver, practice: dict[str, Any]
) -> None:
    from notifications.retry import handler as retry

    admin, calendar_id = practice["admin"], practice["calendar_id"]
    address = accounts.new_email("ses-throttle")
    configure(accounts, admin, calendar_id, email=address)
    accounts.clock.current = datetime(2026, 9, 1, 8, 0, 5, tzinfo=UTC)
    accounts.inject(
        "sesv2", FailingClient(boto3.client("sesv2"), {"send_email": ("TooManyRequestsException", 1)})
    )
    assert (
        consume(
            accounts, event(calendar_id, "Booked", changed_at="2026-09-01T10:00:00+02:00", event_id="ses-1")
        )
        == []
    )
    assert sent_to(email=address) == []
    accounts.clock.advance(seconds=15)
    assert retry({}, LocalContext("NotificationsRetryFunction", "r")) == {
        "sent": 1,
        "failing": 0,
        "missed": 0,
    }
    assert sent_to(email=address) == ["Neuer Online-Termin: Mi 09.09.2026 12:00"]
    assert retry({}, LocalContext("NotificationsRetryFunction", "r")) == {
        "sent": 0,
        "failing": 0,
        "missed": 0,
    }


def test_changes_after_the_start_and_unknown_actors_notify_nobody_and_agents_read_why(
    accounts: AccountsDriver, practice: dict[str, Any]
) -> None:
    admin, calendar_id = practice["admin"], practice["calendar_id"]
    configure(accounts, admin, calendar_id, email=accounts.new_email("dr"), mobile="0176 5550199")
    events = [
        event(calendar_id, "Cancelled", changed_at="2026-09-09T12:30:00+02:00"),  # after the 12:00 start
        event(calendar_id, "Cancelled", changed_at="2026-10-09T09:00:00+02:00"),  # a clean-up, a month on
        event(
            calendar_id,
            "Rescheduled",
            changed_at="2026-09-09T13:00:00+02:00",
            start="2026-09-12T09:00:00+02:00",
            previous_start=START,
        ),
        event(calendar_id, "Cancelled", changed_at="2026-09-09T10:00:00+02:00", changed_by="booking_robot"),
    ]
    assert consume(accounts, *events) == []
    assert sent_to(phone="+491765550199") == []
    agent = accounts.call("GET", f"/calendars/{calendar_id}/deliveries", token=practice["agent"].access_token)
    assert agent.status == 200  # support answers "why did my SMS not arrive?"
    reasons = sorted({(d["kind"], d["status"], d["reason"]) for d in agent.body["items"]})
    assert reasons == [
        ("cancelled", "skipped", "after_start"),
        ("cancelled", "skipped", "unknown_actor"),
        ("rescheduled", "skipped", "after_start"),
    ]
    member = accounts.call(
        "GET", f"/calendars/{calendar_id}/deliveries", token=practice["member"].access_token
    )
    assert member.status == 403


def test_a_malformed_event_is_logged_without_personal_data_and_counted(
    accounts: AccountsDriver,
    practice: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = event(
        practice["calendar_id"],
        "Rescheduled",
        changed_at="not a time",
        event_id="broken-1",
        patient="Eva Neu",
    )
    capsys.readouterr()
    assert consume(accounts, broken) == ["m0"]
    logged = [r for r in caplog.records if r.getMessage() == "malformed appointment event"]
    assert len(logged) == 1
    assert logged[0].event_id == "broken-1"  # type: ignore[attr-defined]
    assert "detail.data.changed_at" in logged[0].fields  # type: ignore[attr-defined]
    assert "Eva Neu" not in str(logged[0].__dict__)
    out = capsys.readouterr().out
    metrics = [json.loads(line) for line in out.splitlines() if line.startswith("{") and '"_aws"' in line]
    assert [m["MalformedAppointmentEvents"] for m in metrics if "MalformedAppointmentEvents" in m] == [[1.0]]
