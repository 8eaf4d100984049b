"""Tickets under contention and failure: concurrent case numbers, concurrent edits, throttling."""

from __future__ import annotations

from typing import Any

import boto3

from tests.functional.conftest import AccountsDriver, submit, ticket_body
from tests.support.failing import FailingClient


def test_a_submission_that_lost_the_race_for_a_case_number_takes_the_next(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    before = int(submit(accounts, people["admin"])["case_number"][3:])
    # Another submission committed the number this one read: the counter's condition fails once.
    accounts.inject(
        "dynamodb",
        FailingClient(
            boto3.client("dynamodb"),
            {"transact_write_items": ("TransactionCanceledException", 1)},
            reasons=["ConditionalCheckFailed", "None", "None"],
        ),
    )
    retried = submit(accounts, people["admin"])
    assert int(retried["case_number"][3:]) == before + 1


def test_a_concurrent_change_to_the_same_ticket_gets_409_and_changes_nothing(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    ticket = submit(accounts, people["admin"])
    accounts.inject(
        "dynamodb",
        FailingClient(
            boto3.client("dynamodb"),
            {"transact_write_items": ("TransactionCanceledException", 1)},
            reasons=["ConditionalCheckFailed", "None"],
        ),
    )
    conflict = accounts.call(
        "POST",
        f"/tickets/{ticket['id']}/replies",
        token=people["admin"].access_token,
        json_body={"body": "Hallo"},
    )
    assert conflict.status == 409
    assert conflict.error["code"] == "conflict"
    fresh = accounts.call("GET", f"/tickets/{ticket['id']}", token=people["admin"].access_token).body
    assert fresh["reply_count"] == 0 and fresh["timeline"] == []


def test_throttling_that_outlasts_retries_gives_503_and_stores_nothing(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    accounts.inject(
        "dynamodb",
        FailingClient(boto3.client("dynamodb"), {"transact_write_items": ("ThrottlingException", 1)}),
    )
    throttled = accounts.call("POST", "/tickets", token=people["admin"].access_token, json_body=ticket_body())
    assert throttled.status == 503
    assert throttled.headers["retry-after"] == "2"
    mine = accounts.call("GET", "/tickets", token=people["admin"].access_token)
    assert mine.body["items"] == []
