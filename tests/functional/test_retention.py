"""Retention: nothing personal is kept forever by accident. A ticket closed for longer than the retention
is deleted with its timeline, files, CC and case-number items; open and recently closed ones stay;
inbox messages and delivery log entries carry their TTL from the template's periods."""

from __future__ import annotations

from typing import Any

from infra.local.lambda_runtime import LocalContext
from tests.functional.conftest import AccountsDriver, submit
from tests.functional.test_attachments import PDF, upload


def run_retention() -> dict[str, int]:
    from tickets.retention import handler

    return dict(handler({"source": "aws.scheduler"}, LocalContext("TicketsRetentionFunction", "daily")))


def test_a_ticket_closed_longer_than_the_retention_is_deleted_with_its_files(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    customer, agent = people["colleague"], people["agent"]
    attachment_id, _ = upload(accounts, customer, PDF, "befund.pdf", "application/pdf")
    old = submit(accounts, customer, attachment_ids=[attachment_id], cc=["kollege@praxis-alt.example"])
    still_open = submit(accounts, customer)
    assert accounts.call("POST", f"/tickets/{old['id']}/close", token=customer.access_token).status == 200
    shown = accounts.call("GET", f"/tickets/{old['id']}", token=agent.access_token).body
    object_key = accounts.aws.client("dynamodb").get_item(
        TableName=accounts.aws.resolver.physical_ids["TicketsTable"],
        Key={"PK": {"S": f"TICKET#{old['id']}"}, "SK": {"S": f"ATTACHMENT#{attachment_id}"}},
    )["Item"]["object_key"]["S"]
    assert shown["attachments"]

    accounts.clock.advance(days=1094)  # not yet: 1,095 days is the template's default
    run_retention()
    assert accounts.call("GET", f"/tickets/{old['id']}", token=agent.access_token).status == 200
    recent = submit(accounts, customer)
    accounts.call("POST", f"/tickets/{recent['id']}/close", token=customer.access_token)
    accounts.clock.advance(days=2)
    run_retention()

    assert accounts.call("GET", f"/tickets/{old['id']}", token=agent.access_token).status == 404
    assert accounts.call("GET", f"/tickets/{still_open['id']}", token=agent.access_token).status == 200
    assert accounts.call("GET", f"/tickets/{recent['id']}", token=agent.access_token).status == 200
    table = accounts.aws.resolver.physical_ids["TicketsTable"]
    left = accounts.aws.client("dynamodb").query(
        TableName=table,
        KeyConditionExpression="PK = :p",
        ExpressionAttributeValues={":p": {"S": f"TICKET#{old['id']}"}},
    )["Items"]
    assert left == []
    case = accounts.aws.client("dynamodb").get_item(
        TableName=table, Key={"PK": {"S": f"CASE#{old['case_number']}"}, "SK": {"S": "CASE"}}
    )
    assert "Item" not in case
    bucket = accounts.aws.resolver.physical_ids["AttachmentsBucket"]
    listed = accounts.aws.client("s3").list_objects_v2(Bucket=bucket, Prefix=object_key).get("Contents", [])
    assert listed == []


def test_inbox_messages_and_delivery_logs_carry_their_retention(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    from datetime import datetime

    from tests.functional.test_inbox import Events

    events = Events(accounts)
    customer = people["colleague"]
    submit(accounts, customer)
    assert events.deliver() == []
    inbox_table = accounts.aws.resolver.physical_ids["InboxTable"]
    [message] = [
        i
        for i in accounts.aws.client("dynamodb").query(
            TableName=inbox_table,
            KeyConditionExpression="PK = :p AND begins_with(SK, :m)",
            ExpressionAttributeValues={":p": {"S": f"USER#{customer.user_id}"}, ":m": {"S": "MSG#"}},
        )["Items"]
    ][:1]
    created = datetime.fromisoformat(message["created_at"]["S"].replace("Z", "+00:00"))
    kept_days = (int(message["expires_at"]["N"]) - created.timestamp()) / 86400
    assert round(kept_days) == 730  # the template's InboxMessageRetentionDays
