"""The tickets store's retention and erasure part: closed tickets purged after the retention period,
and an erased person's traces (authorship, attachments' owner, uploads never attached) removed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.dynamo import delete_all, key, query_all, to_item
from tickets.keys import ticket_key
from tickets.records import TicketView

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class PrivacyStore:
    """The retention and erasure part of TicketsStore (which gives it the client, the table and the
    ticket's view)."""

    _db: DynamoDBClient
    _table: str

    if TYPE_CHECKING:  # TicketsStore's own (declared for the type checker only, nothing to shadow it)

        def get_view(self, ticket_id: str) -> TicketView | None: ...

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
        self._db.delete_item(TableName=self._table, Key=ticket_key(ticket_id))
        return [a.object_key for a in view.attachments if a.object_key]

    # --- a person's traces (erasure) ---------------------------------------------------------

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
