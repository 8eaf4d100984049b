"""The inbox store's privacy part: a person's data for an export, their inbox forgotten, and the
messages of other inboxes that name an erased person rewritten."""

from __future__ import annotations

from typing import TYPE_CHECKING

from inbox.folding import searchable
from inbox.keys import named_id, seen_partition, user_partition
from inbox.records import MessageRecord, StateRecord, state_record
from shared.dynamo import delete_all, key, query_all, record, to_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class PrivacyStore:
    """The privacy part of InboxStore (which gives it the client and the table)."""

    _db: DynamoDBClient
    _table: str

    def everything_of(self, user_id: str) -> tuple[list[MessageRecord], StateRecord, bool]:
        """Every message of a person, their state and whether they want marketing mails."""
        items = query_all(
            self._db,
            TableName=self._table,
            KeyConditionExpression="PK = :p",
            ExpressionAttributeValues={":p": {"S": user_partition(user_id)}},
            ConsistentRead=True,
        )
        messages = [record(MessageRecord, i) for i in items if str(i["SK"]).startswith("MSG#")]
        state = state_record(next((i for i in items if i["SK"] == "STATE"), None))
        prefs = next((i for i in items if i["SK"] == "PREFS"), None) or {}
        return messages, state, bool(prefs.get("marketing_emails", True))

    def forget(self, user_id: str) -> int:
        """Deletes a person's partition (messages, state, preferences) and their seen-markers."""
        deleted = 0
        for partition in (user_partition(user_id), seen_partition(user_id)):
            keys = query_all(
                self._db,
                TableName=self._table,
                KeyConditionExpression="PK = :p",
                ExpressionAttributeValues={":p": {"S": partition}},
                ProjectionExpression="PK, SK",
            )
            # the pointers from people named in this inbox's messages to it go too
            keys += [{"PK": str(k["SK"]), "SK": user_id} for k in keys if str(k["SK"]).startswith("NAMED#")]
            delete_all(self._db, self._table, keys)
            deleted += len(keys)
        return deleted

    def named_in(self, identities: list[str]) -> set[str]:
        """The inboxes holding messages that may name one of these people; the pointers are deleted."""
        found: set[str] = set()
        for identity in identities:
            items = query_all(
                self._db,
                TableName=self._table,
                KeyConditionExpression="PK = :p",
                ExpressionAttributeValues={":p": {"S": named_id(identity)}},
                ProjectionExpression="PK, SK",
            )
            found |= {str(i["SK"]) for i in items}
            delete_all(self._db, self._table, items)
        return found

    def scrub(self, user_id: str, names: list[str], replacement: str) -> int:
        """Rewrites the messages of one inbox that name a person (an erased one): each name becomes the
        replacement in subject and text, and the search text follows. Returns how many changed."""
        items = query_all(
            self._db,
            TableName=self._table,
            KeyConditionExpression="PK = :p AND begins_with(SK, :m)",
            ExpressionAttributeValues={":p": {"S": user_partition(user_id)}, ":m": {"S": "MSG#"}},
        )
        changed = 0
        for item in items:
            values = {f: str(item.get(f) or "") for f in ("subject", "body", "body_html")}
            if not any(n in v for n in names for v in values.values()):
                continue
            for name in names:
                values = {f: v.replace(name, replacement) for f, v in values.items()}
            html = {":h": values["body_html"]} if values["body_html"] else {}
            self._db.update_item(
                TableName=self._table,
                Key=key(str(item["PK"]), str(item["SK"])),
                UpdateExpression="SET subject = :s, body = :b, search_text = :t"
                + (", body_html = :h" if html else ""),
                ExpressionAttributeValues=to_item(
                    {
                        ":s": values["subject"],
                        ":b": values["body"],
                        ":t": searchable(
                            values["subject"], values["body"], str(item.get("case_number") or "")
                        ),
                        **html,
                    }
                ),
            )
            changed += 1
        return changed
