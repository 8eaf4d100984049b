"""The connections table (one per stage).

PK                    SK        what
TICKET#<sha256>       TICKET    a one-time connect ticket: user, organisation, expiry (TTL)
CONN#<connection id>  CONN      an open connection: user, organisation, calendars shown, TTL;
                                GSI1 `USER#<user>` (a user's tabs and devices),
                                GSI2 `ORG#<org>` (an organisation's signed-in members)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from shared.dynamo import from_item, is_conditional_failure, key, query_all, to_item


@dataclass(frozen=True)
class Connection:
    connection_id: str
    user_id: str
    organisation_id: str | None = None
    calendars: list[str] | None = field(default=None)  # None: all of the organisation's


class ConnectionsStore:
    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table

    def put_ticket(self, digest: str, user_id: str, issued_epoch: int, expires_epoch: int) -> None:
        self._db.put_item(
            TableName=self._table,
            Item={
                **key(f"TICKET#{digest}", "TICKET"),
                **to_item({"user_id": user_id, "issued_at": issued_epoch, "expires_at": expires_epoch}),
            },
        )

    def take_ticket(self, digest: str, now_epoch: int) -> tuple[str, int] | None:
        """(user, when issued) of a ticket still valid, which it uses up; None for any other."""
        try:
            old = self._db.delete_item(
                TableName=self._table,
                Key=key(f"TICKET#{digest}", "TICKET"),
                ConditionExpression="expires_at > :now",
                ExpressionAttributeValues=to_item({":now": now_epoch}),
                ReturnValues="ALL_OLD",
            ).get("Attributes")
        except ClientError as error:
            if is_conditional_failure(error):
                return None  # unknown, used or expired
            raise
        if not old:
            return None
        values = from_item(old)
        return str(values["user_id"]), int(values.get("issued_at") or 0)

    def put_connection(self, connection: Connection, expires_epoch: int) -> None:
        values: dict[str, Any] = {
            "user_id": connection.user_id,
            "expires_at": expires_epoch,
            "GSI1PK": f"USER#{connection.user_id}",
            "GSI1SK": connection.connection_id,
        }
        if connection.organisation_id:
            values |= {
                "organisation_id": connection.organisation_id,
                "GSI2PK": f"ORG#{connection.organisation_id}",
                "GSI2SK": connection.connection_id,
            }
        self._db.put_item(
            TableName=self._table, Item={**key(f"CONN#{connection.connection_id}", "CONN"), **to_item(values)}
        )

    def show_calendars(self, connection_id: str, calendars: list[str]) -> None:
        self._db.update_item(
            TableName=self._table,
            Key=key(f"CONN#{connection_id}", "CONN"),
            UpdateExpression="SET calendars = :c",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues=to_item({":c": calendars}),
        )

    def delete_connection(self, connection_id: str) -> None:
        self._db.delete_item(TableName=self._table, Key=key(f"CONN#{connection_id}", "CONN"))

    def _by(self, index: str, partition: str) -> list[Connection]:
        items = query_all(
            self._db,
            TableName=self._table,
            IndexName=index,
            KeyConditionExpression=f"{index}PK = :p",
            ExpressionAttributeValues={":p": {"S": partition}},
        )
        return [_connection(i) for i in items]

    def of_user(self, user_id: str) -> list[Connection]:
        return self._by("GSI1", f"USER#{user_id}")

    def of_organisation(self, organisation_id: str) -> list[Connection]:
        return self._by("GSI2", f"ORG#{organisation_id}")

    def all(self) -> list[Connection]:
        items = []
        request: dict[str, Any] = {
            "TableName": self._table,
            "FilterExpression": "begins_with(PK, :c)",
            "ExpressionAttributeValues": {":c": {"S": "CONN#"}},
        }
        while True:
            page = self._db.scan(**request)
            items += page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return [_connection(from_item(i)) for i in items]


def _connection(values: dict[str, Any]) -> Connection:
    return Connection(
        connection_id=str(values["PK"]).removeprefix("CONN#"),
        user_id=str(values["user_id"]),
        organisation_id=values.get("organisation_id"),
        calendars=list(values["calendars"]) if values.get("calendars") is not None else None,
    )
