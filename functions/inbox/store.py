"""DynamoDB access of the inbox domain: this store and its parts (inbox/broadcasts_store.py,
inbox/privacy_store.py) are the only modules that build its keys (the partitions several use:
inbox/keys.py).

  USER#<user>        MSG#<message id>   a message (a ULID taken when it is stored: the read watermark
                                        compares with it)
  SEEN#<user>        <event id>         this user got a message for this event or broadcast (TTL):
                                        a repeated event adds nothing
  USER#<user>        PREFS              e-mail preferences (marketing opt-out)
  USER#<user>        STATE              unread count, read watermark, broadcast sync point
  BROADCASTS         BROADCAST#<id>     a broadcast, written once whatever its audience
  DELIVERY#<key>     TO#<sha256(addr)>  one e-mail to one address for one event: sent at most once (TTL)
  NAMED#<sha256(id)> <user>             this user's inbox has messages that may name the person with this
                                        account id, address or name (TTL): an erasure rewrites them
  SEEN#<user>        NAMED#<sha256(id)> the same pointer back (TTL): this user's erasure deletes both
  IDEMPOTENCY        <key>              powertools idempotency records of the event consumer (TTL)
Because "MSG#…" < "PREFS" < "STATE", one Query of a user's partition, newest first, returns the state,
the preferences and the newest messages together.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from inbox.broadcasts_store import BroadcastsStore
from inbox.keys import named_id, seen_partition, user_partition
from inbox.privacy_store import PrivacyStore
from inbox.records import Kind, MessageRecord, Page, StateRecord, state_record
from shared.cursors import CursorCodec
from shared.dynamo import (
    cancellation_reasons,
    conditional_put,
    from_item,
    key,
    put_new_part,
    record,
    to_item,
)
from shared.errors import Conflict
from shared.ids import token_digest
from shared.retention import expires_epoch

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class InboxStore(BroadcastsStore, PrivacyStore):
    def __init__(
        self, client: DynamoDBClient, table: str, cursors: CursorCodec | None = None, message_days: int = 730
    ) -> None:
        self._db = client
        self._table = table
        self._cursors = cursors or CursorCodec.disabled()
        self._message_days = message_days  # a message (its copy of a mail) is kept this long

    # --- messages ----------------------------------------------------------------------------

    def _message_put(self, user_id: str, message: MessageRecord) -> Any:
        expires = expires_epoch(message.created_at, self._message_days)
        return put_new_part(
            self._table,
            {
                **key(user_partition(user_id), f"MSG#{message.message_id}"),
                **to_item({**dataclasses.asdict(message), "expires_at": expires}),
            },
        )

    def _count(
        self, user_id: str, delta: int, extra_set: str = "", values: dict[str, Any] | None = None
    ) -> Any:
        return {
            "Update": {
                "TableName": self._table,
                "Key": key(user_partition(user_id), "STATE"),
                "UpdateExpression": "ADD unread :d" + (f" SET {extra_set}" if extra_set else ""),
                "ExpressionAttributeValues": to_item({":d": delta, **(values or {})}),
            }
        }

    def _seen(self, user_id: str, source_id: str, expires_epoch: int) -> Any:
        return put_new_part(
            self._table, {**key(seen_partition(user_id), source_id), **to_item({"expires_at": expires_epoch})}
        )

    def add_message(
        self,
        user_id: str,
        message: MessageRecord,
        source_id: str,
        expires_epoch: int,
        named: list[str] | None = None,
    ) -> bool:
        """Stores a new unread message and counts it; False when this event already gave one (a repeat).
        `named`: the people (account ids, addresses, names) the message may name; their digests point
        to this inbox, so an erasure finds the copies to rewrite."""
        # each pointer twice: from the person named to this inbox, and back (this inbox's erasure
        # finds the pointers that lead to it)
        marks: list[Any] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {**item_key, **to_item({"expires_at": expires_epoch})},
                }
            }
            for n in dict.fromkeys(named or [])
            for item_key in (
                key(named_id(n), user_id),
                key(seen_partition(user_id), named_id(n)),
            )
        ]
        try:
            self._db.transact_write_items(
                TransactItems=[
                    self._seen(user_id, source_id, expires_epoch),
                    self._message_put(user_id, message),
                    self._count(user_id, 1),
                    *marks,
                ]
            )
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if reasons and reasons[0] == "ConditionalCheckFailed":
                return False
            raise
        return True

    def page(self, user_id: str, *, limit: int, cursor: str | None, kind: Kind | None = None) -> Page:
        """State, preferences and the newest messages: one Query of the user's partition."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": user_partition(user_id)}},
            "ScanIndexForward": False,
            "Limit": limit + 2,
            "ConsistentRead": True,
        }
        if kind:
            request["FilterExpression"] = "attribute_not_exists(kind) OR kind = :k"
            request["ExpressionAttributeValues"][":k"] = {"S": kind}
        scope = f"inbox\n{kind or ''}"
        start = self._cursors.decode(cursor, scope, {"PK", "SK"}, ("PK", user_partition(user_id)))
        if start:
            request["ExclusiveStartKey"] = start
            request["Limit"] = limit
        response = self._db.query(**request)
        items = [from_item(i) for i in response.get("Items", [])]
        state = state_record(next((i for i in items if i["SK"] == "STATE"), None))
        prefs = next((i for i in items if i["SK"] == "PREFS"), {})
        messages = [record(MessageRecord, i) for i in items if i["SK"].startswith("MSG#")]
        return Page(
            state,
            bool(prefs.get("marketing_emails", True)),
            messages,
            self._cursors.encode(response.get("LastEvaluatedKey"), scope),
        )

    def state(self, user_id: str) -> StateRecord:
        item = self._db.get_item(
            TableName=self._table, Key=key(user_partition(user_id), "STATE"), ConsistentRead=True
        ).get("Item")
        return state_record(from_item(item) if item else None)

    def newer(
        self, user_id: str, after_message_id: str, limit: int
    ) -> tuple[StateRecord, list[MessageRecord]]:
        """Messages after a cursor, oldest first, with the state: one Query (the feed)."""
        response = self._db.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk AND SK > :after",
            ExpressionAttributeValues={
                ":pk": {"S": user_partition(user_id)},
                ":after": {"S": f"MSG#{after_message_id}"},
            },
            ConsistentRead=True,
        )
        items = [from_item(i) for i in response.get("Items", [])]
        state = state_record(next((i for i in items if i["SK"] == "STATE"), None))
        messages = [record(MessageRecord, i) for i in items if i["SK"].startswith("MSG#")]
        return state, messages[:limit]

    def search(
        self, user_id: str, folded_query: str, *, limit: int, cursor: str | None
    ) -> tuple[list[MessageRecord], str | None]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :m)",
            "FilterExpression": "contains(search_text, :q)",
            "ExpressionAttributeValues": to_item(
                {":pk": user_partition(user_id), ":m": "MSG#", ":q": folded_query}
            ),
            "ScanIndexForward": False,
            "Limit": limit * 4,
        }
        scope = f"inbox-search\n{folded_query}"
        start = self._cursors.decode(cursor, scope, {"PK", "SK"}, ("PK", user_partition(user_id)))
        if start:
            request["ExclusiveStartKey"] = start
        response = self._db.query(**request)
        found = [record(MessageRecord, from_item(i)) for i in response.get("Items", [])]
        return found, self._cursors.encode(response.get("LastEvaluatedKey"), scope)

    def messages_and_state(self, user_id: str, message_id: str) -> tuple[MessageRecord | None, StateRecord]:
        response = self._db.batch_get_item(
            RequestItems={
                self._table: {
                    "Keys": [
                        key(user_partition(user_id), f"MSG#{message_id}"),
                        key(user_partition(user_id), "STATE"),
                    ],
                    "ConsistentRead": True,
                }
            }
        )
        message, state = None, None
        for raw in response.get("Responses", {}).get(self._table, []):
            values = from_item(raw)
            if values["SK"] == "STATE":
                state = values
            else:
                message = record(MessageRecord, values)
        return message, state_record(state)

    def set_read(
        self, user_id: str, message: MessageRecord, state: StateRecord, read: bool, flag_at: str
    ) -> None:
        """Flags one message, and moves the unread count with it, unless either changed meanwhile."""
        flag_condition = "attribute_not_exists(flag_at)" if message.flag_at is None else "flag_at = :old"
        values: dict[str, Any] = {":r": read, ":f": flag_at}
        if message.flag_at is not None:
            values[":old"] = message.flag_at
        state_update = self._count(user_id, -1 if read else 1)
        state_update["Update"]["ConditionExpression"] = (
            "read_before = :rb" if state.read_before else "attribute_not_exists(read_before)"
        )
        if state.read_before:
            state_update["Update"]["ExpressionAttributeValues"].update(to_item({":rb": state.read_before}))
        try:
            self._db.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": key(user_partition(user_id), f"MSG#{message.message_id}"),
                            "UpdateExpression": "SET read_flag = :r, flag_at = :f",
                            "ConditionExpression": flag_condition,
                            "ExpressionAttributeValues": to_item(values),
                        }
                    },
                    state_update,
                ]
            )
        except ClientError as error:
            if cancellation_reasons(error):
                raise Conflict("request.conflict_retry") from None
            raise

    def mark_all_read(self, user_id: str, watermark: str) -> None:
        """One write, whatever the inbox's size: everything up to the watermark counts as read."""
        self._db.update_item(
            TableName=self._table,
            Key=key(user_partition(user_id), "STATE"),
            UpdateExpression="SET unread = :zero, read_before = :w",
            ExpressionAttributeValues=to_item({":zero": 0, ":w": watermark}),
        )

    def set_marketing_emails(self, user_id: str, wanted: bool) -> None:
        self._db.put_item(
            TableName=self._table,
            Item={**key(user_partition(user_id), "PREFS"), **to_item({"marketing_emails": wanted})},
        )

    def marketing_opt_outs(self, user_ids: list[str]) -> set[str]:
        if not user_ids:
            return set()
        keys = [key(user_partition(u), "PREFS") for u in dict.fromkeys(user_ids)]
        found = set()
        for start in range(0, len(keys), 100):
            response = self._db.batch_get_item(
                RequestItems={self._table: {"Keys": keys[start : start + 100]}}
            )
            for raw in response.get("Responses", {}).get(self._table, []):
                values = from_item(raw)
                if not values.get("marketing_emails", True):
                    found.add(values["PK"].removeprefix("USER#"))
        return found

    # --- a user's copies of broadcasts -----------------------------------------------------

    def deliver_broadcasts(
        self, user_id: str, copies: list[MessageRecord], synced_at: str, previous: str
    ) -> bool:
        """The user's copies of new broadcasts (at most 99) and the new sync point, in one transaction;
        False when another request synced first (nothing is then counted twice)."""
        update = self._count(user_id, len(copies), "synced_at = :s", {":s": synced_at, ":prev": previous})
        update["Update"]["ConditionExpression"] = (
            "attribute_not_exists(synced_at) OR synced_at = :prev" if previous == "" else "synced_at = :prev"
        )
        try:
            self._db.transact_write_items(
                TransactItems=[*(self._message_put(user_id, m) for m in copies), update]
            )
        except ClientError as error:
            if cancellation_reasons(error):
                return False
            raise
        return True

    # --- deliveries (e-mail once) ------------------------------------------------------------

    def claim_delivery(self, delivery_key: str, address: str, expires_epoch: int) -> bool:
        """Claims one e-mail to one address for one event; False when it was sent (or is being sent)."""
        return conditional_put(
            self._db,
            self._table,
            {
                **key(f"DELIVERY#{delivery_key}", f"TO#{token_digest(address)}"),
                **to_item({"status": "sending", "expires_at": expires_epoch}),
            },
            "attribute_not_exists(PK) OR #s = :failed",
            {"#s": "status"},
            to_item({":failed": "failed"}),
        )

    def finish_delivery(self, delivery_key: str, address: str, status: str, provider_id: str = "") -> None:
        self._db.update_item(
            TableName=self._table,
            Key=key(f"DELIVERY#{delivery_key}", f"TO#{token_digest(address)}"),
            UpdateExpression="SET #s = :s, provider_id = :p",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=to_item({":s": status, ":p": provider_id}),
        )
