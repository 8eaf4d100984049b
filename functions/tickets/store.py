"""DynamoDB access of the tickets domain: the only module that builds its keys.

  TYPES            TYPE#<key>          a request type (its definition as a map)
  COUNTER          CASE_NUMBER         the last case number handed out
  CASE#<SR-n>      CASE                unique case number -> ticket id
  TICKET#<id>      META                the ticket, with the list indexes' keys (GSI1..GSI5)
  TICKET#<id>      EVENT#<ulid>        a timeline entry (reply, note, status, assignment, follow-up)
  TICKET#<id>      ATTACHMENT#<id>     an attachment of the ticket (clean when attached)
  UPLOAD#<user>    ATTACHMENT#<id>     an upload not yet attached, with its scan state (TTL)
  RATE#...         WINDOW#<start>      rate-limit windows (shared.ratelimit)
A ticket and its timeline are one item collection: the detail is one Query. Every change rewrites
the ticket with a version check, in one transaction with what it adds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from botocore.exceptions import ClientError

from shared import directory
from shared.cursors import CursorCodec
from shared.dynamo import (
    batch_get_all,
    cancellation_reasons,
    from_item,
    is_conditional_failure,
    key,
    query_all,
    record,
    to_item,
)
from shared.errors import Conflict
from tickets.request_types import RequestType
from tickets.rules import group

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

CASE_PREFIX = "SR-"
MAX_COUNTER_ATTEMPTS = 5


def _no_cursors() -> bytes:
    raise RuntimeError("this store was built without a cursor codec")


@dataclass(frozen=True)
class TicketRecord:
    ticket_id: str
    case_number: str
    request_type: str
    subject: str
    description: str
    status: str
    requester_name: str
    requester_email: str
    requester_language: str
    created_at: str
    last_activity_at: str
    requester_id: str | None = None
    organisation_id: str | None = None
    company: str | None = None
    customer_number: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    cc: list[str] = field(default_factory=list)
    assignee_id: str | None = None
    assignee_name: str | None = None
    last_comment_at: str | None = None
    last_comment_by_id: str | None = None
    last_comment_by_name: str | None = None
    reply_count: int = 0
    interaction_count: int = 0
    follow_up_of: str | None = None
    follow_ups: list[str] = field(default_factory=list)
    version: int = 1


@dataclass(frozen=True)
class TimelineRecord:
    entry_id: str
    kind: Literal["reply", "note", "status", "assignment", "follow_up"]
    at: str
    author_id: str | None = None
    author_name: str | None = None
    author_is_agent: bool = False
    body: str | None = None
    from_status: str | None = None
    to_status: str | None = None
    assignee_id: str | None = None
    assignee_name: str | None = None
    linked_ticket_id: str | None = None
    attachment_ids: list[str] = field(default_factory=list)
    internal: bool = False
    via: Literal["portal", "email"] = "portal"


@dataclass(frozen=True)
class AttachmentRecord:
    attachment_id: str
    owner_id: str
    filename: str
    content_type: str
    size: int
    state: Literal["pending", "clean", "rejected"]
    created_at: str
    object_key: str
    reason: str | None = None
    ticket_id: str | None = None


@dataclass(frozen=True)
class TicketView:
    ticket: TicketRecord
    timeline: list[TimelineRecord]
    attachments: list[AttachmentRecord]


def _ticket_key(ticket_id: str) -> dict[str, Any]:
    return key(f"TICKET#{ticket_id}", "META")


def _index_keys(ticket: TicketRecord) -> dict[str, str]:
    """Where the ticket is listed: its owner (organisation, or the requester alone) and the agents' views."""
    activity = f"{ticket.last_activity_at}#{ticket.ticket_id}"
    status_group = group(ticket.status)
    keys = {
        "GSI3PK": f"TICKETS#{status_group}",
        "GSI3SK": activity,
        "GSI4PK": f"ASSIGNEE#{ticket.assignee_id or 'NONE'}#{status_group}",
        "GSI4SK": activity,
        "GSI5PK": "TICKETS",
        "GSI5SK": activity,
    }
    if ticket.requester_id:
        keys.update(
            {
                "GSI6PK": f"REQUESTER#{ticket.requester_id}#{status_group}",
                "GSI6SK": activity,
                "GSI7PK": f"REQUESTER#{ticket.requester_id}",
                "GSI7SK": activity,
            }
        )
    owner = owner_key(ticket.organisation_id, ticket.requester_id)
    if owner:
        keys.update(
            {
                "GSI1PK": f"OWNER#{owner}#{status_group}",
                "GSI1SK": activity,
                "GSI2PK": f"OWNER#{owner}",
                "GSI2SK": activity,
            }
        )
    return keys


def owner_key(organisation_id: str | None, requester_id: str | None) -> str | None:
    if organisation_id:
        return f"ORG#{organisation_id}"
    if requester_id:
        return f"USER#{requester_id}"
    return None


class TicketsStore:
    def __init__(
        self, client: DynamoDBClient, table: str, accounts_table: str, cursors: CursorCodec | None = None
    ) -> None:
        self._db = client
        self._table = table
        self._accounts_table = accounts_table
        self._cursors = cursors or CursorCodec(_no_cursors)

    # --- request types ---------------------------------------------------------------------

    def request_types(self) -> list[RequestType]:
        response = self._db.query(
            TableName=self._table,
            KeyConditionExpression="PK = :p",
            ExpressionAttributeValues={":p": {"S": "TYPES"}},
        )
        return [RequestType.model_validate(from_item(i)["definition"]) for i in response.get("Items", [])]

    def request_type(self, type_key: str) -> RequestType | None:
        item = self._db.get_item(TableName=self._table, Key=key("TYPES", f"TYPE#{type_key}")).get("Item")
        return RequestType.model_validate(from_item(item)["definition"]) if item else None

    def put_request_type(self, request_type: RequestType, *, create: bool) -> None:
        try:
            self._db.put_item(
                TableName=self._table,
                Item={
                    **key("TYPES", f"TYPE#{request_type.key}"),
                    **to_item({"definition": request_type.model_dump(mode="json")}),
                },
                ConditionExpression="attribute_not_exists(PK)" if create else "attribute_exists(PK)",
            )
        except ClientError as error:
            if is_conditional_failure(error):
                raise Conflict("request_type.exists" if create else "request_type.not_found") from None
            raise

    # --- profiles (read-only, accounts table) ----------------------------------------------

    def profile(self, user_id: str) -> dict[str, Any] | None:
        return directory.profile(self._db, self._accounts_table, user_id)

    def user_id_for_email(self, email: str) -> str | None:
        return directory.user_id_for_email(self._db, self._accounts_table, email)

    # --- inbound e-mail ----------------------------------------------------------------------

    def inbound_guard(self, mail_id: str, ticket_id: str, expires_epoch: int) -> Any:
        """A transaction part that fails when this mail was handled before (SES or Lambda retried)."""
        return {
            "Put": {
                "TableName": self._table,
                "Item": {
                    **key(f"INBOUND#{mail_id}", "MAIL"),
                    **to_item({"ticket_id": ticket_id, "expires_at": expires_epoch}),
                },
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        }

    def inbound_seen(self, mail_id: str) -> bool:
        item = self._db.get_item(
            TableName=self._table, Key=key(f"INBOUND#{mail_id}", "MAIL"), ConsistentRead=True
        ).get("Item")
        return item is not None

    def attach_new(self, ticket_id: str, attachment: AttachmentRecord) -> Any:
        """A transaction part that adds an attachment which never was an upload (from an e-mail)."""
        return {
            "Put": {
                "TableName": self._table,
                "Item": {
                    **key(f"TICKET#{ticket_id}", f"ATTACHMENT#{attachment.attachment_id}"),
                    **to_item(dataclasses.asdict(attachment)),
                },
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        }

    # --- tickets ---------------------------------------------------------------------------

    def _ticket_item(self, ticket: TicketRecord) -> dict[str, Any]:
        return {
            **_ticket_key(ticket.ticket_id),
            **to_item({**dataclasses.asdict(ticket), **_index_keys(ticket)}),
        }

    def _entry_put(self, ticket_id: str, entry: TimelineRecord) -> Any:
        return {
            "Put": {
                "TableName": self._table,
                "Item": {
                    **key(f"TICKET#{ticket_id}", f"EVENT#{entry.entry_id}"),
                    **to_item(dataclasses.asdict(entry)),
                },
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        }

    def create_ticket(self, make: Any, extra: list[Any] | None = None, start: int = 10000) -> TicketRecord:
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
            ticket: TicketRecord = make(f"{CASE_PREFIX}{number}")
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
                        {
                            "Put": {
                                "TableName": self._table,
                                "Item": {
                                    **key(f"CASE#{ticket.case_number}", "CASE"),
                                    **to_item({"ticket_id": ticket.ticket_id}),
                                },
                                "ConditionExpression": "attribute_not_exists(PK)",
                            }
                        },
                        {
                            "Put": {
                                "TableName": self._table,
                                "Item": self._ticket_item(ticket),
                                "ConditionExpression": "attribute_not_exists(PK)",
                            }
                        },
                        *(extra or []),
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

    def save(self, ticket: TicketRecord, expected_version: int, extra: list[Any] | None = None) -> None:
        """Writes the changed ticket if nobody changed it since it was read, with what the change adds."""
        put: Any = {
            "Put": {
                "TableName": self._table,
                "Item": self._ticket_item(ticket),
                "ConditionExpression": "version = :v",
                "ExpressionAttributeValues": to_item({":v": expected_version}),
            }
        }
        try:
            self._db.transact_write_items(TransactItems=[put, *(extra or [])])
        except ClientError as error:
            if cancellation_reasons(error):
                raise Conflict("request.conflict_retry") from None
            raise

    def entry(self, ticket_id: str, entry: TimelineRecord) -> Any:
        return self._entry_put(ticket_id, entry)

    def attach(self, ticket_id: str, upload: AttachmentRecord) -> list[Any]:
        """Moves a clean upload into the ticket's collection (in the caller's transaction)."""
        attached = dataclasses.replace(upload, ticket_id=ticket_id)
        return [
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": key(f"UPLOAD#{upload.owner_id}", f"ATTACHMENT#{upload.attachment_id}"),
                    "ConditionExpression": "#s = :clean",
                    "ExpressionAttributeNames": {"#s": "state"},
                    "ExpressionAttributeValues": to_item({":clean": "clean"}),
                }
            },
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {
                        **key(f"TICKET#{ticket_id}", f"ATTACHMENT#{upload.attachment_id}"),
                        **to_item(dataclasses.asdict(attached)),
                    },
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
        ]

    def get_ticket(self, ticket_id: str) -> TicketRecord | None:
        item = self._db.get_item(TableName=self._table, Key=_ticket_key(ticket_id), ConsistentRead=True).get(
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

    def list_tickets(
        self,
        index: str,
        partition: str,
        *,
        limit: int,
        cursor: str | None,
        request_type: str | None = None,
        requester_id: str | None = None,
    ) -> tuple[list[TicketRecord], str | None]:
        """Newest activity first, one Query; type and creator narrow the page by a filter."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": index,
            "KeyConditionExpression": f"{index}PK = :p",
            "ExpressionAttributeValues": {":p": {"S": partition}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        filters = []
        if request_type:
            filters.append("request_type = :t")
            request["ExpressionAttributeValues"][":t"] = {"S": request_type}
        if requester_id:
            filters.append("requester_id = :r")
            request["ExpressionAttributeValues"][":r"] = {"S": requester_id}
        if filters:
            request["FilterExpression"] = " AND ".join(filters)
        scope = f"tickets\n{request_type or ''}\n{requester_id or ''}"
        start = self._cursors.decode(
            cursor, scope, {"PK", "SK", f"{index}PK", f"{index}SK"}, (f"{index}PK", partition)
        )
        if start:
            request["ExclusiveStartKey"] = start
        response = self._db.query(**request)
        tickets = [record(TicketRecord, from_item(i)) for i in response.get("Items", [])]
        return tickets, self._cursors.encode(response.get("LastEvaluatedKey"), scope)

    # --- attachments ---------------------------------------------------------------------

    def put_upload(self, upload: AttachmentRecord, expires_epoch: int) -> None:
        self._db.put_item(
            TableName=self._table,
            Item={
                **key(f"UPLOAD#{upload.owner_id}", f"ATTACHMENT#{upload.attachment_id}"),
                **to_item({**dataclasses.asdict(upload), "expires_at": expires_epoch}),
            },
            ConditionExpression="attribute_not_exists(PK)",
        )

    def uploads(self, owner_id: str, attachment_ids: list[str]) -> dict[str, AttachmentRecord]:
        if not attachment_ids:
            return {}
        keys = [key(f"UPLOAD#{owner_id}", f"ATTACHMENT#{a}") for a in dict.fromkeys(attachment_ids)]
        uploads = [record(AttachmentRecord, v) for v in batch_get_all(self._db, self._table, keys)]
        found = {u.attachment_id: u for u in uploads}
        return found

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
                Key=key(f"UPLOAD#{owner_id}", f"ATTACHMENT#{attachment_id}"),
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
