"""The inbox store's broadcasts part: the one partition every broadcast is written to once, whatever
its audience, and read from by each inbox that syncs (its copies are the store's)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from inbox.records import BroadcastRecord
from shared.dynamo import from_item, key, query_all, record, to_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class BroadcastsStore:
    """The broadcasts part of InboxStore (which gives it the client and the table)."""

    _db: DynamoDBClient
    _table: str

    def put_broadcast(self, broadcast: BroadcastRecord) -> None:
        self._db.put_item(
            TableName=self._table,
            Item={
                **key("BROADCASTS", f"BROADCAST#{broadcast.broadcast_id}"),
                **to_item(dataclasses.asdict(broadcast)),
            },
            ConditionExpression="attribute_not_exists(PK)",
        )

    def get_broadcast(self, broadcast_id: str) -> BroadcastRecord | None:
        item = self._db.get_item(
            TableName=self._table, Key=key("BROADCASTS", f"BROADCAST#{broadcast_id}")
        ).get("Item")
        return record(BroadcastRecord, from_item(item)) if item else None

    def latest_broadcast_id(self) -> str:
        response = self._db.query(
            TableName=self._table,
            KeyConditionExpression="PK = :p",
            ExpressionAttributeValues={":p": {"S": "BROADCASTS"}},
            ScanIndexForward=False,
            Limit=1,
            ProjectionExpression="broadcast_id",
        )
        items = response.get("Items", [])
        return str(from_item(items[0])["broadcast_id"]) if items else ""

    def broadcasts_after(self, broadcast_id: str) -> list[BroadcastRecord]:
        items = query_all(
            self._db,
            TableName=self._table,
            KeyConditionExpression="PK = :p AND SK > :after",
            ExpressionAttributeValues={
                ":p": {"S": "BROADCASTS"},
                ":after": {"S": f"BROADCAST#{broadcast_id}"},
            },
        )
        return [record(BroadcastRecord, i) for i in items]
