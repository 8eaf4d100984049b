"""The tickets store's lists: what the indexes hold under a person, an organisation, an address or an
assignee, as pages of summaries (newest activity first) or as whole tickets (claiming, export, erasure)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from shared.cursors import CursorCodec
from shared.dynamo import batch_get_all, from_item, query_all, record
from tickets.keys import UNASSIGNED, by_status, owner, ticket_key
from tickets.records import SummaryRecord, TicketRecord
from tickets.rules import StatusFilter

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# What a list shows (SummaryRecord): a projection keeps pages small to read and to decode.
_SUMMARY_NAMES = {f"#{f.name}": f.name for f in dataclasses.fields(SummaryRecord)}  # status is reserved
_SUMMARY = ", ".join(_SUMMARY_NAMES)


class ListsStore:
    """The lists part of TicketsStore (which gives it the client, the table and the cursors)."""

    _db: DynamoDBClient
    _table: str
    _cursors: CursorCodec

    # --- whole tickets -----------------------------------------------------------------------

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
            for i in batch_get_all(self._db, self._table, [ticket_key(t) for t in ids[start : start + 100]])
        ]

    def unclaimed_tickets(self, email: str) -> list[TicketRecord]:
        """The tickets an address filed without an account (anonymous form, mail)."""
        found = self._tickets_in("GSI9", f"UNCLAIMED#{email}")
        return [t for t in found if t.requester_id is None and t.requester_email == email]

    def tickets_of_organisation(self, organisation_id: str) -> list[TicketRecord]:
        return self._tickets_in("GSI2", f"OWNER#{owner(organisation_id, None)}")

    def tickets_shared_with(self, email: str) -> list[TicketRecord]:
        """The tickets an address is in copy of, whole."""
        return [t for t in self._tickets_in("GSI9", f"SHARED#{email}") if email in t.cc]

    # --- lists (pages of summaries) ----------------------------------------------------------

    def requester_tickets(
        self, user_id: str, status: StatusFilter, *, limit: int, cursor: str | None, request_type: str | None
    ) -> tuple[list[SummaryRecord], str | None]:
        """ "Created by me": the requester's own index, newest activity first."""
        index, partition, only = by_status("GSI7", "GSI6", f"REQUESTER#{user_id}", status)
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
        index, partition, only = by_status("GSI2", "GSI1", f"OWNER#{owner(organisation_id, None)}", status)
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
                [ticket_key(i) for i in ids],
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
        unassigned: bool = False,
    ) -> tuple[list[SummaryRecord], str | None]:
        """Every ticket, one assignee's, or (`unassigned`) nobody's."""
        if unassigned or assignee is not None:
            whose = UNASSIGNED if unassigned else assignee
            index, partition, only = by_status("GSI8", "GSI4", f"ASSIGNEE#{whose}", status)
        else:
            index, partition, only = by_status("GSI5", "GSI3", "TICKETS", status)
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
