"""The delivery protocol under the faults that really happen: sandbox death before, during and after a
send, DynamoDB answers lost after they were applied, providers that time out after accepting, throttling
for the whole ten minutes, overlapping retry runs, events out of order. Real handler, real retry run,
DynamoDB Local and moto behind fault-injecting wrappers, a simulated clock.

What must hold: each channel is sent exactly once, or (unknown provider outcome) at most twice, or is
reported missed; the delivery log tells the truth in every case.
"""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from infra.local import outbox
from infra.local.lambda_runtime import LocalContext
from tests.conftest import REGION
from tests.functional.conftest import AccountsDriver
from tests.functional.test_notifications import configure, consume, event, log, practice  # noqa: F401
from tests.support.faults import Fault, Faulty, SandboxDied, is_claim, item_status

_numbers = itertools.count(1)
CHANGED = "2026-09-01T10:00:00+02:00"  # 08:00 UTC


def _phone() -> tuple[str, str]:
    n = next(_numbers)
    return f"0171 40{n:05d}", f"+4917140{n:05d}"


@pytest.fixture
def calendar(accounts: AccountsDriver, practice: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    typed, e164 = _phone()
    email = accounts.new_email("praxis")
    configure(accounts, practice["admin"], practice["calendar_id"], email=email, mobile=typed)
    accounts.clock.current = datetime(2026, 9, 1, 8, 0, 5, tzinfo=UTC)
    return {**practice, "phone": e164, "email": email}


def sms(calendar: dict[str, Any]) -> list[str]:
    return [s["text"] for s in outbox.sms(REGION) if s["to"] == calendar["phone"]]


def mails(calendar: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in outbox.mails(REGION) if m["to"] == calendar["email"]]


def retry() -> dict[str, int]:
    from notifications.retry import handler

    return dict(handler({}, LocalContext("NotificationsRetryFunction", "r")))


def states(accounts: AccountsDriver, calendar: dict[str, Any]) -> dict[str, tuple[str, int]]:
    return {d["channel"]: (d["status"], d["resends"]) for d in log(accounts, calendar)}


def booked(calendar: dict[str, Any], event_id: str) -> dict[str, Any]:
    return event(calendar["calendar_id"], "Booked", changed_at=CHANGED, event_id=event_id)


def _dynamodb(accounts: AccountsDriver, *faults: Fault) -> Faulty:
    faulty = Faulty(boto3.client("dynamodb"), *faults)
    accounts.inject("dynamodb", faulty)
    return faulty


def _provider(accounts: AccountsDriver, service: str, *faults: Fault) -> Faulty:
    faulty = Faulty(boto3.client(service), *faults)
    accounts.inject(service, faulty)
    return faulty


def test_death_between_claim_and_send_is_taken_over_after_the_lease_and_sent_once(
    accounts: AccountsDriver, calendar: dict[str, Any]
) -> None:
    _dynamodb(accounts, Fault("put_item", "die_after", when=lambda k: is_claim(k) and "#sms" in str(k)))
    with pytest.raises(SandboxDied):
        consume(accounts, booked(calendar, "death-1"))
    assert states(accounts, calendar)["sms"] == ("sending", 0)  # held, not lost: it has a lease
    assert consume(accounts, booked(calendar, "death-1")) == []  # SQS delivers again: someone holds it
    assert retry()["sent"] == 0  # the lease has not passed
    accounts.clock.advance(seconds=61)
    assert retry() == {"sent": 1, "failing": 0, "missed": 0}  # the mail went out before the death
    assert len(sms(calendar)) == 1 and len(mails(calendar)) == 1  # nothing had gone out: one copy
    assert states(accounts, calendar) == {"sms": ("sent", 1), "email": ("sent", 0)}
    accounts.clock.advance(seconds=61)
    assert retry() == {"sent": 0, "failing": 0, "missed": 0}


def test_a_claim_applied_whose_answer_was_lost_still_sends_once(
    accounts: AccountsDriver, calendar: dict[str, Any]
) -> None:
    _dynamodb(accounts, Fault("put_item", "lost_answer", when=lambda k: is_claim(k) and "#sms" in str(k)))
    assert consume(accounts, booked(calendar, "lost-1")) == []
    assert len(sms(calendar)) == 1
    assert states(accounts, calendar)["sms"] == ("sent", 0)


def test_lost_answers_on_every_step_change_nothing(
    accounts: AccountsDriver, calendar: dict[str, Any]
) -> None:
    _dynamodb(
        accounts,
        Fault("put_item", "lost_answer", when=item_status("sending"), times=2),
        Fault("put_item", "lost_answer", when=item_status("sent"), times=2),
    )
    assert consume(accounts, booked(calendar, "lost-2")) == []
    assert len(sms(calendar)) == 1 and len(mails(calendar)) == 1
    assert states(accounts, calendar) == {"sms": ("sent", 0), "email": ("sent", 0)}


@pytest.mark.parametrize("service", ["sns", "sesv2"])
def test_a_provider_that_accepted_and_timed_out_sends_one_more_copy_at_most(
    accounts: AccountsDriver, calendar: dict[str, Any], service: str
) -> None:
    operation = "publish" if service == "sns" else "send_email"
    channel = "sms" if service == "sns" else "email"
    provider = _provider(accounts, service, Fault(operation, "accepted_then_timeout", times=2))
    assert consume(accounts, booked(calendar, f"timeout-{service}")) == []
    assert provider.calls.count(operation) == 1  # no transparent SDK retry of a send
    assert states(accounts, calendar)[channel] == ("uncertain", 0)
    accounts.clock.advance(seconds=31)
    assert retry()["failing"] == 1  # resent once; that one timed out as well
    assert states(accounts, calendar)[channel] == ("uncertain", 1)
    for _ in range(10):  # never a third copy
        accounts.clock.advance(seconds=60)
        retry()
    copies = sms(calendar) if service == "sns" else [m["subject"] for m in mails(calendar)]
    assert len(copies) == 2
    assert states(accounts, calendar)[channel] == ("missed", 1)
    if service == "sesv2":  # both copies carry one Message-ID: mail programs show one message
        assert len({m["message_id"] for m in mails(calendar)}) == 1


def test_death_after_the_provider_accepted_is_resent_once_when_the_lease_passes(
    accounts: AccountsDriver, calendar: dict[str, Any]
) -> None:
    _provider(accounts, "sns", Fault("publish", "die_after"))
    with pytest.raises(SandboxDied):
        consume(accounts, booked(calendar, "death-2"))
    assert states(accounts, calendar)["sms"] == ("sending", 0)
    accounts.clock.advance(seconds=61)
    assert retry()["sent"] >= 1
    assert states(accounts, calendar)["sms"] == ("sent", 1)
    assert len(sms(calendar)) == 2  # the documented window: the first copy's fate was unknown


def test_a_send_whose_outcome_could_not_be_recorded_is_told_truthfully_and_the_other_channel_goes_on(
    accounts: AccountsDriver, calendar: dict[str, Any]
) -> None:
    _dynamodb(
        accounts,
        Fault(
            "put_item",
            "error",
            when=lambda k: item_status("sent")(k) and "#sms" in str(k),
            code="ProvisionedThroughputExceededException",
            status=400,
        ),
    )
    assert consume(accounts, booked(calendar, "record-1")) == []
    assert states(accounts, calendar) == {"sms": ("sending", 0), "email": ("sent", 0)}  # not "pending"
    accounts.clock.advance(seconds=61)
    retry()
    assert states(accounts, calendar)["sms"] == ("sent", 1)
    assert len(sms(calendar)) <= 2 and len(mails(calendar)) == 1


def test_one_channels_store_error_does_not_stop_the_other(
    accounts: AccountsDriver, calendar: dict[str, Any]
) -> None:
    _dynamodb(
        accounts,
        Fault(
            "put_item",
            "error",
            when=lambda k: is_claim(k) and "#email" in str(k),
            code="ProvisionedThroughputExceededException",
            status=400,
        ),
    )
    assert consume(accounts, booked(calendar, "channel-1")) == ["m0"]  # the record fails, SQS redelivers
    assert len(sms(calendar)) == 1 and mails(calendar) == []
    assert consume(accounts, booked(calendar, "channel-1")) == []
    assert len(sms(calendar)) == 1 and len(mails(calendar)) == 1


def test_throttling_for_the_whole_ten_minutes_is_reported_missed(
    accounts: AccountsDriver, calendar: dict[str, Any]
) -> None:
    _provider(accounts, "sns", Fault("publish", "error", code="Throttling", status=400, times=1000))
    assert consume(accounts, booked(calendar, "throttle-1")) == []
    missed = 0
    for _ in range(11):
        accounts.clock.advance(seconds=60)
        missed += retry()["missed"]
    assert missed == 1
    assert sms(calendar) == []
    delivery = next(d for d in log(accounts, calendar) if d["channel"] == "sms")
    assert delivery["status"] == "missed" and "Throttling" in delivery["reason"]
    assert delivery["attempts"] >= 4  # 15 s, 30 s, 60 s, then every 2 minutes


def test_overlapping_retry_runs_send_once(accounts: AccountsDriver, calendar: dict[str, Any]) -> None:
    from notifications import dependencies

    _provider(accounts, "sns", Fault("publish", "error", code="Throttling", status=400))
    assert consume(accounts, booked(calendar, "overlap-1")) == []
    accounts.clock.advance(seconds=20)
    notifier = dependencies.notifier()
    stale = next(
        d
        for d in notifier.store.due("2026-09-01T08:10:00Z")
        if d.event_id == "overlap-1" and d.channel == "sms"
    )
    first = notifier._send(stale, accounts.clock.now())
    second = notifier._send(stale, accounts.clock.now())  # another run read the same state before
    assert (first.status, second.status) == ("sent", "failed")
    assert len(sms(calendar)) == 1
    results: list[dict[str, int]] = []
    threads = [threading.Thread(target=lambda: results.append(retry())) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sms(calendar)) == 1


def test_an_older_event_arriving_late_is_superseded_and_sends_nothing(
    accounts: AccountsDriver, calendar: dict[str, Any]
) -> None:
    calendar_id = calendar["calendar_id"]
    cancelled = event(
        calendar_id,
        "Cancelled",
        changed_at="2026-09-09T10:05:00+02:00",
        event_id="order-cancel",
        appointment_id="apt-order",
    )
    booking = event(
        calendar_id,
        "Booked",
        changed_at="2026-09-09T10:00:00+02:00",
        event_id="order-book",
        appointment_id="apt-order",
    )
    accounts.clock.current = datetime(2026, 9, 9, 8, 6, tzinfo=UTC)
    assert consume(accounts, cancelled, booking) == []
    assert sms(calendar) == ["Online-Termin abgesagt: Mi 09.09.2026 12:00. Kalender: Dr. Anna Schmidt"]
    reasons = {(d["event_id"], d["channel"]): (d["status"], d["reason"]) for d in log(accounts, calendar)}
    assert reasons[("order-book", "sms")] == ("skipped", "superseded")
    assert reasons[("order-cancel", "sms")] == ("sent", None)
    assert consume(accounts, cancelled) == []  # the newest again: claimed, nothing resent
    assert len(sms(calendar)) == 1
