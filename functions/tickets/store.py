"""DynamoDB access of the tickets domain: the only module that builds its keys, index names and
transaction parts. The service asks in its own words ("the requester's open tickets", "save this
ticket with these entries") and gets records back.

  TYPES            TYPE#<key>          a request type (its definition as a map)
  COUNTER          CASE_NUMBER         the last case number handed out
  CASE#<SR-n>      CASE                unique case number -> ticket id
  TICKET#<id>      META                the ticket, with the list indexes' keys (GSI1..GSI8)
  TICKET#<id>      EVENT#<ulid>        a timeline entry (reply, note, status, assignment, follow-up)
  TICKET#<id>      ATTACHMENT#<id>     an attachment of the ticket (clean when attached)
  TICKET#<id>      CC#<address>        an address in copy (GSI9: SHARED#<address>, "shared with me")
  UPLOAD#<user>    ATTACHMENT#<id>     an upload not yet attached, with its scan state (TTL)
  INBOUND#<mail>   MAIL                a received mail handled (TTL), so a second delivery changes nothing
  RATE#...         WINDOW#<start>      rate-limit windows (shared.ratelimit)
Indexes (all newest activity first): GSI1 an owner's tickets by status group, GSI2 an owner's tickets,
GSI3 every ticket by status group, GSI4 an assignee's by status group, GSI5 every ticket, GSI6 a
requester's by status group, GSI7 a requester's, GSI8 an assignee's. The owner is the organisation, or the requester alone.
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
    delete_all,
    from_item,
    is_conditional_failure,
    key,
    put_new,
    query_all,
    record,
    to_item,
)
from shared.errors import Conflict
from tickets import request_types
from tickets.records import (
    Additions,
    AttachmentRecord,
    SummaryRecord,
    TicketRecord,
    TicketView,
    TimelineRecord,
)
from tickets.request_types import RequestType
from tickets.rules import StatusFilter, group

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

CASE_PREFIX = "SR-"
MAX_COUNTER_ATTEMPTS = 5
UNASSIGNED = "NONE"
# What a list shows (SummaryRecord): a projection keeps pages small to read and to decode.
_SUMMARY_NAMES = {f"#{f.name}": f.name for f in dataclasses.fields(SummaryRecord)}  # status is reserved
_SUMMARY = ", ".join(_SUMMARY_NAMES)


def _ticket_key(ticket_id: str) -> dict[str, Any]:
    return key(f"TICKET#{ticket_id}", "META")


def _owner(organisation_id: str | None, requester_id: str | None) -> str | None:
    if organisation_id:
        return f"ORG#{organisation_id}"
    if requester_id:
        return f"USER#{requester_id}"
    return None


def _index_keys(ticket: TicketRecord) -> dict[str, str]:
    """Where the ticket is listed: its owner (organisation, or the requester alone) and the agents' views."""
    activity = f"{ticket.last_activity_at}#{ticket.ticket_id}"
    status_group = group(ticket.status)
    keys = {
        "GSI3PK": f"TICKETS#{status_group}",
        "GSI3SK": activity,
        "GSI4PK": f"ASSIGNEE#{ticket.assignee_id or UNASSIGNED}#{status_group}",
        "GSI4SK": activity,
        "GSI8PK": f"ASSIGNEE#{ticket.assignee_id or UNASSIGNED}",
        "GSI8SK": activity,
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
    elif ticket.requester_email:  # filed without an account: the account its address activates takes it over
        keys.update({"GSI9PK": f"UNCLAIMED#{ticket.requester_email}", "GSI9SK": activity})
    owner = _owner(ticket.organisation_id, ticket.requester_id)
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


def _by_status(
    all_index: str, grouped_index: str, partition: str, status: StatusFilter
) -> tuple[str, str, str | None]:
    """The index and partition of a status filter, and the one status a page keeps (for "waiting":
    the open group, filtered)."""
    if status == "all":
        return all_index, partition, None
    if status == "waiting":
        return grouped_index, f"{partition}#OPEN", "waiting"
    return grouped_index, f"{partition}#{status.upper()}", None


class TicketsStore:
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

    def _ticket_item(self, ticket: TicketRecord) -> dict[str, Any]:
        return {
            **_ticket_key(ticket.ticket_id),
            **to_item({**dataclasses.asdict(ticket), **_index_keys(ticket)}),
        }

    def _put_new(self, item: dict[str, Any]) -> Any:
        return {
            "Put": {"TableName": self._table, "Item": item, "ConditionExpression": "attribute_not_exists(PK)"}
        }

    def _parts(self, ticket: TicketRecord, additions: Additions) -> list[Any]:
        """The transaction parts of what a change adds to the ticket's item collection."""
        ticket_id = ticket.ticket_id
        parts: list[Any] = []
        for address in additions.shared:
            parts.append(
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": {
                            **key(f"TICKET#{ticket_id}", f"CC#{address}"),
                            **to_item(
                                {
                                    "ticket_id": ticket_id,
                                    "GSI9PK": f"SHARED#{address}",
                                    "GSI9SK": f"{ticket.last_activity_at}#{ticket_id}",
                                }
                            ),
                        },
                    }
                }
            )
        for address in additions.unshared:
            parts.append(
                {"Delete": {"TableName": self._table, "Key": key(f"TICKET#{ticket_id}", f"CC#{address}")}}
            )
        for entry in additions.entries:
            parts.append(
                self._put_new(
                    {
                        **key(f"TICKET#{ticket_id}", f"EVENT#{entry.entry_id}"),
                        **to_item(dataclasses.asdict(entry)),
                    }
                )
            )
        for upload in additions.uploads:
            parts.append(
                {
                    "Delete": {
                        "TableName": self._table,
                        "Key": key(f"UPLOAD#{upload.owner_id}", f"ATTACHMENT#{upload.attachment_id}"),
                        "ConditionExpression": "#s = :clean",
                        "ExpressionAttributeNames": {"#s": "state"},
                        "ExpressionAttributeValues": to_item({":clean": "clean"}),
                    }
                }
            )
        for attachment in [*additions.uploads, *additions.files]:
            attached = dataclasses.replace(attachment, ticket_id=ticket_id)
            parts.append(
                self._put_new(
                    {
                        **key(f"TICKET#{ticket_id}", f"ATTACHMENT#{attachment.attachment_id}"),
                        **to_item(dataclasses.asdict(attached)),
                    }
                )
            )
        if additions.mail_id:
            parts.append(
                self._put_new(
                    {
                        **key(f"INBOUND#{additions.mail_id}", "MAIL"),
                        **to_item({"ticket_id": ticket_id, "expires_at": additions.mail_expires_epoch}),
                    }
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
                        self._put_new(
                            {
                                **key(f"CASE#{ticket.case_number}", "CASE"),
                                **to_item({"ticket_id": ticket.ticket_id}),
                            }
                        ),
                        self._put_new(self._ticket_item(ticket)),
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
                "Item": self._ticket_item(ticket),
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
        item = self._db.get_item(TableName=self._table, Key=_ticket_key(ticket_id), ConsistentRead=True).get(
            "Item"
        )
        return record(TicketRecord, from_item(item)) if item else None

    def tickets_of_requester(self, user_id: str) -> list[TicketRecord]:
        """Every ticket the person filed, whole."""
        return self._tickets_in("GSI7", f"REQUESTER#{user_id}")

    def _tickets_in(self, index: str, partition: str) -> list[TicketRecord]:
        """The whole tickets an index lists under a partition: a Query of their keys, then their items
        read consistently (an index is eventually consistent), 100 per BatchGetItem."""
        ids = [
            str(i["PK"]).removeprefix("TICKET#")
            for i in query_all(
                self._db,
                TableName=self._table,
                IndexName=index,
                KeyConditionExpression=f"{index}PK = :p",
                ExpressionAttributeValues={":p": {"S": partition}},
                ProjectionExpression="PK",
            )
        ]
        return [
            record(TicketRecord, i)
            for start in range(0, len(ids), 100)
            for i in batch_get_all(self._db, self._table, [_ticket_key(t) for t in ids[start : start + 100]])
        ]

    def ticket_id_for_case(self, case_number: str) -> str | None:
        item = self._db.get_item(TableName=self._table, Key=key(f"CASE#{case_number}", "CASE")).get("Item")
        return str(item["ticket_id"]["S"]) if item else None

    def unclaimed_tickets(self, email: str) -> list[TicketRecord]:
        """The tickets an address filed without an account (anonymous form, mail)."""
        found = self._tickets_in("GSI9", f"UNCLAIMED#{email}")
        return [t for t in found if t.requester_id is None and t.requester_email == email]

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

    # --- retention -------------------------------------------------------------------------

    def closed_before(self, cutoff: str, limit: int) -> list[str]:
        """Tickets closed with no activity since before `cutoff` (ISO), oldest first: one Query."""
        response = self._db.query(
            TableName=self._table,
            IndexName="GSI3",
            KeyConditionExpression="GSI3PK = :p AND GSI3SK < :c",
            ExpressionAttributeValues={":p": {"S": "TICKETS#CLOSED"}, ":c": {"S": cutoff}},
            ProjectionExpression="PK",
            Limit=limit,
        )
        return [i["PK"]["S"].removeprefix("TICKET#") for i in response.get("Items", [])]

    def purge(self, ticket_id: str) -> list[str]:
        """Deletes the ticket's whole item collection and its case number; returns the object keys of
        its files (the caller deletes them). The META item goes last: a run that stops half way finds
        the ticket again next time."""
        view = self.get_view(ticket_id)
        if view is None:
            return []
        items = query_all(
            self._db,
            TableName=self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": f"TICKET#{ticket_id}"}},
            ProjectionExpression="PK, SK",
        )
        keys = [i for i in items if i["SK"] != "META"] + [
            {"PK": f"CASE#{view.ticket.case_number}", "SK": "CASE"}
        ]
        delete_all(self._db, self._table, keys)
        self._db.delete_item(TableName=self._table, Key=_ticket_key(ticket_id))
        return [a.object_key for a in view.attachments if a.object_key]

    # --- a person's data (export, erasure) ----------------------------------------------------

    def tickets_of_organisation(self, organisation_id: str) -> list[TicketRecord]:
        return self._tickets_in("GSI2", f"OWNER#{_owner(organisation_id, None)}")

    def tickets_shared_with(self, email: str) -> list[TicketRecord]:
        """The tickets an address is in copy of, whole."""
        return [t for t in self._tickets_in("GSI9", f"SHARED#{email}") if email in t.cc]

    def rename_authors(self, ticket_id: str, entry_ids: list[str], name: str) -> None:
        """Timeline entries lose their author's id and get this name (an erased person's)."""
        for entry_id in entry_ids:
            self._db.update_item(
                TableName=self._table,
                Key=key(f"TICKET#{ticket_id}", f"EVENT#{entry_id}"),
                UpdateExpression="SET author_name = :n REMOVE author_id",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues=to_item({":n": name}),
            )

    def disown_attachments(self, ticket_id: str, attachment_ids: list[str]) -> None:
        """Attachments of a ticket no longer name who uploaded them (an erased person)."""
        for attachment_id in attachment_ids:
            self._db.update_item(
                TableName=self._table,
                Key=key(f"TICKET#{ticket_id}", f"ATTACHMENT#{attachment_id}"),
                UpdateExpression="SET owner_id = :erased",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues=to_item({":erased": "erased"}),
            )

    def delete_uploads(self, owner_id: str) -> list[str]:
        """Uploads a person never attached: their items go, their object keys are returned."""
        items = query_all(
            self._db,
            TableName=self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": f"UPLOAD#{owner_id}"}},
        )
        delete_all(self._db, self._table, items)
        return [str(i["object_key"]) for i in items if i.get("object_key")]

    # --- lists -----------------------------------------------------------------------------

    def requester_tickets(
        self, user_id: str, status: StatusFilter, *, limit: int, cursor: str | None, request_type: str | None
    ) -> tuple[list[SummaryRecord], str | None]:
        """ "Created by me": the requester's own index, newest activity first."""
        index, partition, only = _by_status("GSI7", "GSI6", f"REQUESTER#{user_id}", status)
        return self._page(index, partition, limit, cursor, request_type, only_status=only)

    def organisation_tickets(
        self,
        organisation_id: str,
        status: StatusFilter,
        *,
        limit: int,
        cursor: str | None,
        request_type: str | None,
        creator: str | None,
    ) -> tuple[list[SummaryRecord], str | None]:
        index, partition, only = _by_status("GSI2", "GSI1", f"OWNER#{_owner(organisation_id, None)}", status)
        return self._page(index, partition, limit, cursor, request_type, creator, only_status=only)

    def shared_tickets(
        self, email: str, status: StatusFilter, *, limit: int, cursor: str | None, request_type: str | None
    ) -> tuple[list[SummaryRecord], str | None]:
        """The tickets an address is in copy of, newest shared first: a Query of its CC items and one
        BatchGetItem of their tickets; status and type narrow the page (it may hold fewer)."""
        scope = f"shared\n{status}\n{request_type or ''}"
        partition = f"SHARED#{email}"
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "GSI9",
            "KeyConditionExpression": "GSI9PK = :p",
            "ExpressionAttributeValues": {":p": {"S": partition}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        start = self._cursors.decode(cursor, scope, {"PK", "SK", "GSI9PK", "GSI9SK"}, ("GSI9PK", partition))
        if start:
            request["ExclusiveStartKey"] = start
        response = self._db.query(**request)
        ids = [i["PK"]["S"].removeprefix("TICKET#") for i in response.get("Items", [])]
        found = {
            t["ticket_id"]: record(SummaryRecord, t)
            for t in batch_get_all(
                self._db,
                self._table,
                [_ticket_key(i) for i in ids],
                projection=_SUMMARY,
                names=dict(_SUMMARY_NAMES),
            )
        }
        wanted = {
            "all": None,
            "open": {"open", "in_progress", "waiting"},
            "waiting": {"waiting"},
            "closed": {"closed"},
        }[status]
        tickets = [
            found[i]
            for i in ids
            if i in found
            and (wanted is None or found[i].status in wanted)
            and (not request_type or found[i].request_type == request_type)
        ]
        return tickets, self._cursors.encode(response.get("LastEvaluatedKey"), scope)

    def agent_tickets(
        self,
        status: StatusFilter,
        *,
        assignee: str | None,
        limit: int,
        cursor: str | None,
        request_type: str | None,
    ) -> tuple[list[SummaryRecord], str | None]:
        """Every ticket, or one assignee's (`UNASSIGNED` for nobody's)."""
        if assignee is not None:
            index, partition, only = _by_status("GSI8", "GSI4", f"ASSIGNEE#{assignee}", status)
        else:
            index, partition, only = _by_status("GSI5", "GSI3", "TICKETS", status)
        return self._page(index, partition, limit, cursor, request_type, only_status=only)

    def _page(
        self,
        index: str,
        partition: str,
        limit: int,
        cursor: str | None,
        request_type: str | None,
        requester_id: str | None = None,
        *,
        only_status: str | None = None,
    ) -> tuple[list[SummaryRecord], str | None]:
        """Newest activity first, one Query; type, creator and a single status narrow the page by a
        filter."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": index,
            "KeyConditionExpression": f"{index}PK = :p",
            "ExpressionAttributeValues": {":p": {"S": partition}},
            "ProjectionExpression": _SUMMARY,
            "ExpressionAttributeNames": dict(_SUMMARY_NAMES),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        filters = []
        if request_type:
            filters.append("#request_type = :t")
            request["ExpressionAttributeValues"][":t"] = {"S": request_type}
        if requester_id:
            filters.append("#requester_id = :r")
            request["ExpressionAttributeValues"][":r"] = {"S": requester_id}
        if only_status:
            filters.append("#status = :s")
            request["ExpressionAttributeValues"][":s"] = {"S": only_status}
        if filters:
            request["FilterExpression"] = " AND ".join(filters)
        scope = f"tickets\n{request_type or ''}\n{requester_id or ''}\n{only_status or ''}"
        start = self._cursors.decode(
            cursor, scope, {"PK", "SK", f"{index}PK", f"{index}SK"}, (f"{index}PK", partition)
        )
        if start:
            request["ExclusiveStartKey"] = start
        response = self._db.query(**request)
        tickets = [record(SummaryRecord, from_item(i)) for i in response.get("Items", [])]
        return tickets, self._cursors.encode(response.get("LastEvaluatedKey"), scope)

    # --- uploads and received mail ---------------------------------------------------------

    def put_upload(self, upload: AttachmentRecord, expires_epoch: int) -> None:
        put_new(
            self._db,
            self._table,
            {
                **key(f"UPLOAD#{upload.owner_id}", f"ATTACHMENT#{upload.attachment_id}"),
                **to_item({**dataclasses.asdict(upload), "expires_at": expires_epoch}),
            },
        )

    def uploads(self, owner_id: str, attachment_ids: list[str]) -> dict[str, AttachmentRecord]:
        if not attachment_ids:
            return {}
        keys = [key(f"UPLOAD#{owner_id}", f"ATTACHMENT#{a}") for a in dict.fromkeys(attachment_ids)]
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

    def mail_handled(self, mail_id: str) -> bool:
        item = self._db.get_item(
            TableName=self._table, Key=key(f"INBOUND#{mail_id}", "MAIL"), ConsistentRead=True
        ).get("Item")
        return item is not None
