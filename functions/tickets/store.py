"""DynamoDB access of the tickets domain: this store and its parts (tickets/lists_store.py,
tickets/privacy_store.py) are the only modules that call the table, and tickets/keys.py the only one
that builds its keys. The service asks in its own words ("the requester's open tickets", "save this
ticket with these entries") and gets records back.

  TYPES            TYPE#<key>          a request type (its definition as a map)
  COUNTER          CASE_NUMBER         the last case number handed out
  CASE#<SR-n>      CASE                unique case number -> ticket id
  TICKET#<id>      META                the ticket, with the list indexes' keys (GSI1..GSI8; GSI9:
                                       UNCLAIMED#<address> while filed without an account)
  TICKET#<id>      EVENT#<ulid>        a timeline entry (reply, note, status, assignment, follow-up)
  TICKET#<id>      ATTACHMENT#<id>     an attachment of the ticket (clean when attached)
  TICKET#<id>      CC#<address>        an address in copy (GSI9: SHARED#<address>, "shared with me")
  UPLOAD#<user>    ATTACHMENT#<id>     an upload not yet attached, with its scan state (TTL)
  INBOUND#<mail>   MAIL                a received mail handled (TTL), so a second delivery changes nothing
  RATE#...         WINDOW#<start>      rate-limit windows (shared.ratelimit)
Indexes (all newest activity first): GSI1 an owner's tickets by status group, GSI2 an owner's tickets,
GSI3 every ticket by status group, GSI4 an assignee's by status group, GSI5 every ticket, GSI6 a
requester's by status group, GSI7 a requester's, GSI8 an assignee's, GSI9 the tickets an address is
in copy of or filed without an account. The owner is the organisation, or the requester alone.
A ticket and its timeline are one item collection: the detail is one Query. Every change rewrites the
ticket with a version check, in one transaction with what it adds.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from shared.cursors import CursorCodec
from shared.dynamo import (
    batch_get_all,
    cancellation_reasons,
    conditional_put,
    from_item,
    is_conditional_failure,
    key,
    put_new,
    put_new_part,
    query_all,
    record,
    to_item,
)
from shared.errors import Conflict
from tickets import request_types
from tickets.keys import (
    attachment_item,
    case_item,
    cc_item,
    cc_key,
    entry_item,
    mail_item,
    mail_key,
    ticket_item,
    ticket_key,
    upload_item,
    upload_key,
)
from tickets.lists_store import ListsStore
from tickets.privacy_store import PrivacyStore
from tickets.records import Additions, AttachmentRecord, TicketRecord, TicketView, TimelineRecord
from tickets.request_types import RequestType

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

CASE_PREFIX = "SR-"
MAX_COUNTER_ATTEMPTS = 5


class TicketsStore(ListsStore, PrivacyStore):
    def __init__(self, client: DynamoDBClient, table: str, cursors: CursorCodec | None = None) -> None:
        self._db = client
        self._table = table
        self._cursors = cursors or CursorCodec.disabled()

    # --- request types ---------------------------------------------------------------------

    def request_types(self) -> list[RequestType]:
        response = self._db.query(
            TableName=self._table,
            KeyConditionExpression="PK = :p",
            ExpressionAttributeValues={":p": {"S": "TYPES"}},
        )
        return [request_types.stored(from_item(i)["definition"]) for i in response.get("Items", [])]

    def request_type(self, type_key: str) -> RequestType | None:
        item = self._db.get_item(TableName=self._table, Key=key("TYPES", f"TYPE#{type_key}")).get("Item")
        return request_types.stored(from_item(item)["definition"]) if item else None

    def put_request_type(self, request_type: RequestType, *, create: bool) -> None:
        item = {
            **key("TYPES", f"TYPE#{request_type.key}"),
            **to_item({"definition": request_type.model_dump(mode="json")}),
        }
        written = conditional_put(
            self._db,
            self._table,
            item,
            "attribute_not_exists(PK)" if create else "attribute_exists(PK)",
        )
        if not written:
            raise Conflict("request_type.exists" if create else "request_type.not_found")

    # --- tickets ---------------------------------------------------------------------------

    def _parts(self, ticket: TicketRecord, additions: Additions) -> list[Any]:
        """The transaction parts of what a change adds to the ticket's item collection."""
        ticket_id = ticket.ticket_id
        parts: list[Any] = [
            {"Put": {"TableName": self._table, "Item": cc_item(ticket, a)}} for a in additions.shared
        ]
        parts += [
            {"Delete": {"TableName": self._table, "Key": cc_key(ticket_id, a)}} for a in additions.unshared
        ]
        parts += [put_new_part(self._table, entry_item(ticket_id, entry)) for entry in additions.entries]
        for upload in additions.uploads:
            parts.append(
                {
                    "Delete": {
                        "TableName": self._table,
                        "Key": upload_key(upload.owner_id, upload.attachment_id),
                        "ConditionExpression": "#s = :clean",
                        "ExpressionAttributeNames": {"#s": "state"},
                        "ExpressionAttributeValues": to_item({":clean": "clean"}),
                    }
                }
            )
        parts += [
            put_new_part(self._table, attachment_item(ticket_id, attachment))
            for attachment in [*additions.uploads, *additions.files]
        ]
        if additions.mail_id:
            parts.append(
                put_new_part(
                    self._table, mail_item(additions.mail_id, ticket_id, additions.mail_expires_epoch)
                )
            )
        return parts

    def create_ticket(
        self, make: Callable[[str], TicketRecord], additions: Additions | None = None, start: int = 10000
    ) -> TicketRecord:
        """Hands out the next case number and stores the ticket in the same transaction.

        `make(case_number)` builds the ticket; the counter moves only if the transaction commits, and
        a concurrent submission that took the same number makes this one retry with the next.
        """
        for _attempt in range(MAX_COUNTER_ATTEMPTS):
            counter = self._db.get_item(
                TableName=self._table, Key=key("COUNTER", "CASE_NUMBER"), ConsistentRead=True
            ).get("Item")
            current = int(from_item(counter)["value"]) if counter else None
            number = (current + 1) if current is not None else start
            ticket = make(f"{CASE_PREFIX}{number}")
            counter_update: Any = {
                "Update": {
                    "TableName": self._table,
                    "Key": key("COUNTER", "CASE_NUMBER"),
                    "UpdateExpression": "SET #v = :n",
                    "ConditionExpression": "attribute_not_exists(#v)" if current is None else "#v = :c",
                    "ExpressionAttributeNames": {"#v": "value"},
                    "ExpressionAttributeValues": to_item(
                        {":n": number, **({":c": current} if current is not None else {})}
                    ),
                }
            }
            try:
                self._db.transact_write_items(
                    TransactItems=[
                        counter_update,
                        put_new_part(self._table, case_item(ticket)),
                        put_new_part(self._table, ticket_item(ticket)),
                        *self._parts(
                            ticket, dataclasses.replace(additions or Additions(), shared=list(ticket.cc))
                        ),
                    ]
                )
                return ticket
            except ClientError as error:
                reasons = cancellation_reasons(error)
                if reasons and reasons[0] == "ConditionalCheckFailed":
                    continue  # another submission took this number
                if reasons and "ConditionalCheckFailed" in reasons[3:]:
                    raise Conflict("request.conflict_retry") from None
                raise
        raise Conflict("request.conflict_retry")

    def save(self, ticket: TicketRecord, expected_version: int, additions: Additions | None = None) -> None:
        """Writes the changed ticket if nobody changed it since it was read, with what the change adds."""
        put: Any = {
            "Put": {
                "TableName": self._table,
                "Item": ticket_item(ticket),
                "ConditionExpression": "version = :v",
                "ExpressionAttributeValues": to_item({":v": expected_version}),
            }
        }
        try:
            self._db.transact_write_items(TransactItems=[put, *self._parts(ticket, additions or Additions())])
        except ClientError as error:
            if cancellation_reasons(error):
                raise Conflict("request.conflict_retry") from None
            raise

    def get_ticket(self, ticket_id: str) -> TicketRecord | None:
        item = self._db.get_item(TableName=self._table, Key=ticket_key(ticket_id), ConsistentRead=True).get(
            "Item"
        )
        return record(TicketRecord, from_item(item)) if item else None

    def get_view(self, ticket_id: str) -> TicketView | None:
        """The ticket, its timeline and attachments: one Query of its item collection."""
        items = query_all(
            self._db,
            TableName=self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": f"TICKET#{ticket_id}"}},
            ConsistentRead=True,
        )
        meta = next((i for i in items if i["SK"] == "META"), None)
        if meta is None:
            return None
        return TicketView(
            ticket=record(TicketRecord, meta),
            timeline=[record(TimelineRecord, i) for i in items if i["SK"].startswith("EVENT#")],
            attachments=[record(AttachmentRecord, i) for i in items if i["SK"].startswith("ATTACHMENT#")],
        )

    def ticket_id_for_case(self, case_number: str) -> str | None:
        item = self._db.get_item(TableName=self._table, Key=key(f"CASE#{case_number}", "CASE")).get("Item")
        return str(item["ticket_id"]["S"]) if item else None

    # --- uploads and received mail ---------------------------------------------------------

    def put_upload(self, upload: AttachmentRecord, expires_epoch: int) -> None:
        put_new(self._db, self._table, upload_item(upload, expires_epoch))

    def uploads(self, owner_id: str, attachment_ids: list[str]) -> dict[str, AttachmentRecord]:
        if not attachment_ids:
            return {}
        keys = [upload_key(owner_id, a) for a in dict.fromkeys(attachment_ids)]
        uploads = [record(AttachmentRecord, v) for v in batch_get_all(self._db, self._table, keys)]
        return {u.attachment_id: u for u in uploads}

    def set_upload_state(
        self,
        owner_id: str,
        attachment_id: str,
        state: str,
        size: int,
        reason: str | None,
        object_key: str | None = None,
    ) -> bool:
        """Records a scan's verdict once (and where the judged bytes are); False when the upload is
        unknown or was already scanned."""
        values = {":s": state, ":z": size, ":pending": "pending", ":r": reason, ":k": object_key}
        sets = ["#s = :s", "#z = :z"] + [
            f"{n} = {v}" for n, v in (("reason", ":r"), ("object_key", ":k")) if values[v] is not None
        ]
        try:
            self._db.update_item(
                TableName=self._table,
                Key=upload_key(owner_id, attachment_id),
                UpdateExpression="SET " + ", ".join(sets),
                ConditionExpression="attribute_exists(PK) AND #s = :pending",
                ExpressionAttributeNames={"#s": "state", "#z": "size"},
                ExpressionAttributeValues=to_item(values),
            )
        except ClientError as error:
            if is_conditional_failure(error):
                return False
            raise
        return True

    def mail_handled(self, mail_id: str) -> bool:
        item = self._db.get_item(TableName=self._table, Key=mail_key(mail_id), ConsistentRead=True).get(
            "Item"
        )
        return item is not None
