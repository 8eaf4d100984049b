"""DynamoDB access of the notifications domain: the only module that builds its keys.

  CALENDAR#<id>   CONFIG                          a calendar with its notification settings
                                                  (GSI1: ORG#<org> / CALENDAR#<created>#<id>)
  ORG#<org>       CALENDAR_COUNT                  calendars in use, checked against the licence
  CALENDAR#<id>   DELIVERY#<changed>#<event>#<ch> one channel of one event: pending, sending, sent,
                                                  skipped (why), failed (why), uncertain, missed; while
                                                  not final, on GSI1 as RETRY / <due>#<event>#<channel>
  APPOINTMENT#<calendar>#<appointment>  ORDER     the newest change applied to an appointment (TTL)
Every change of a delivery is conditional on the state it was read in (status and attempt id), so two
runs never both act on one delivery (the protocol: notifications/delivery.py, docs/decisions.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from botocore.exceptions import ClientError

from shared.calendar_usage import COUNT_ATTRIBUTE, counter_key
from shared.cursors import CursorCodec
from shared.dynamo import (
    attributes,
    cancellation_reasons,
    from_item,
    is_conditional_failure,
    key,
    put_new,
    put_new_part,
    query_all,
    record,
    to_item,
)
from shared.errors import Conflict, NotFound
from shared.retention import expires_epoch

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

Channel = Literal["email", "sms"]
Status = Literal["pending", "sending", "sent", "skipped", "failed", "uncertain", "missed"]
FINAL: frozenset[str] = frozenset({"sent", "skipped", "missed"})


@dataclass(frozen=True)
class CalendarRecord:
    calendar_id: str
    org_id: str
    name: str
    created_at: str
    email: str | None = None
    mobile: str | None = None
    include_patient_name: bool = False
    time_zone: str = "Europe/Berlin"
    language: Literal["de", "en"] = "de"


@dataclass(frozen=True)
class DeliveryRecord:
    calendar_id: str
    event_id: str
    channel: Channel
    kind: str
    changed_at: str
    status: Status
    created_at: str
    updated_at: str
    reason: str | None = None
    recipient: str | None = None
    subject: str | None = None
    text: str | None = None
    html: str | None = None
    attempts: int = 0
    next_attempt_at: str | None = None
    provider_id: str | None = None
    reference_id: str | None = None
    language: Literal["de", "en"] = "de"
    attempt_id: str | None = None  # who holds the delivery now (a claim, or one attempt to send)
    lease_until: str | None = None  # pending or sending: after this, another run may take it over
    resends: int = 0  # sends made after an unknown outcome (at most one)
    due_at: str | None = None  # when a retry run should look at it again (not final)

    @property
    def sort_key(self) -> str:
        return f"DELIVERY#{self.changed_at}#{self.event_id}#{self.channel}"


def _calendar_key(calendar_id: str) -> dict[str, Any]:
    return key(f"CALENDAR#{calendar_id}", "CONFIG")


_counter_key = counter_key


class NotificationsStore:
    def __init__(
        self, client: DynamoDBClient, table: str, cursors: CursorCodec | None = None, delivery_days: int = 90
    ) -> None:
        self._delivery_days = delivery_days
        self._db = client
        self._table = table
        self._cursors = cursors or CursorCodec.disabled()

    # --- calendars ---------------------------------------------------------------------------

    def _calendar_item(self, calendar: CalendarRecord) -> dict[str, Any]:
        return {
            **_calendar_key(calendar.calendar_id),
            **to_item(
                {
                    **attributes(calendar),
                    "GSI1PK": f"ORG#{calendar.org_id}",
                    "GSI1SK": f"CALENDAR#{calendar.created_at}#{calendar.calendar_id}",
                }
            ),
        }

    def create_calendar(self, calendar: CalendarRecord, licensed: int) -> None:
        """Counts the calendar against the licence and stores it, together; Conflict at the limit."""
        try:
            self._db.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": _counter_key(calendar.org_id),
                            "UpdateExpression": "ADD #c :one",
                            "ConditionExpression": "attribute_not_exists(#c) OR #c < :licensed",
                            "ExpressionAttributeNames": {"#c": COUNT_ATTRIBUTE},
                            "ExpressionAttributeValues": to_item({":one": 1, ":licensed": licensed}),
                        }
                    },
                    put_new_part(self._table, self._calendar_item(calendar)),
                ]
            )
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise Conflict("calendar.licence_exhausted", count=licensed) from None
            raise

    def get_calendar(self, calendar_id: str) -> CalendarRecord | None:
        item = self._db.get_item(
            TableName=self._table, Key=_calendar_key(calendar_id), ConsistentRead=True
        ).get("Item")
        return record(CalendarRecord, from_item(item)) if item else None

    def save_calendar(self, calendar: CalendarRecord) -> None:
        try:
            self._db.put_item(
                TableName=self._table,
                Item=self._calendar_item(calendar),
                ConditionExpression="attribute_exists(PK)",
            )
        except ClientError as error:
            if is_conditional_failure(error):
                raise NotFound("calendar.not_found") from None
            raise

    def delete_calendar(self, calendar: CalendarRecord) -> None:
        try:
            self._db.transact_write_items(
                TransactItems=[
                    {
                        "Delete": {
                            "TableName": self._table,
                            "Key": _calendar_key(calendar.calendar_id),
                            "ConditionExpression": "attribute_exists(PK)",
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": _counter_key(calendar.org_id),
                            "UpdateExpression": "ADD #c :minus",
                            "ExpressionAttributeNames": {"#c": COUNT_ATTRIBUTE},
                            "ExpressionAttributeValues": to_item({":minus": -1}),
                        }
                    },
                ]
            )
        except ClientError as error:
            if cancellation_reasons(error):
                raise NotFound("calendar.not_found") from None
            raise

    def calendars(self, org_id: str) -> list[CalendarRecord]:
        items = query_all(
            self._db,
            TableName=self._table,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :p AND begins_with(GSI1SK, :c)",
            ExpressionAttributeValues=to_item({":p": f"ORG#{org_id}", ":c": "CALENDAR#"}),
        )
        return [record(CalendarRecord, i) for i in items]

    # --- deliveries --------------------------------------------------------------------------

    def _delivery_item(self, delivery: DeliveryRecord) -> dict[str, Any]:
        # the log holds the practitioner's address or number and the text: kept for a while, then gone
        values: dict[str, Any] = {
            **attributes(delivery),
            "expires_at": expires_epoch(delivery.created_at, self._delivery_days),
        }
        if delivery.status not in FINAL and delivery.due_at:
            values.update(
                {"GSI1PK": "RETRY", "GSI1SK": f"{delivery.due_at}#{delivery.event_id}#{delivery.channel}"}
            )
        return {**key(f"CALENDAR#{delivery.calendar_id}", delivery.sort_key), **to_item(values)}

    def get_delivery(self, calendar_id: str, sort_key: str) -> DeliveryRecord | None:
        item = self._db.get_item(
            TableName=self._table, Key=key(f"CALENDAR#{calendar_id}", sort_key), ConsistentRead=True
        ).get("Item")
        return record(DeliveryRecord, from_item(item)) if item else None

    def _same_as_written(self, delivery: DeliveryRecord) -> bool:
        """After a refused conditional write: did an earlier try of this very write go through (DynamoDB
        applied it, the answer was lost, the SDK's retry then met its own item)?"""
        stored = self.get_delivery(delivery.calendar_id, delivery.sort_key)
        return (
            stored is not None
            and stored.status == delivery.status
            and stored.attempt_id == delivery.attempt_id
            and stored.attempts == delivery.attempts
        )

    def claim(self, delivery: DeliveryRecord) -> bool:
        """Records a delivery's first state (pending or skipped); False when this event and channel has
        one already (a repeated or concurrent event)."""
        if put_new(self._db, self._table, self._delivery_item(delivery)):
            return True
        return self._same_as_written(delivery)

    def transition(self, delivery: DeliveryRecord, expected: DeliveryRecord) -> bool:
        """Writes the delivery's next state if it is still in the state `expected` was read in (status,
        holder and attempts); False when another run moved it meanwhile."""
        values: dict[str, Any] = {":s": expected.status, ":n": expected.attempts}
        condition = "#s = :s AND attempts = :n AND "
        if expected.attempt_id is None:
            condition += "attribute_not_exists(attempt_id)"
        else:
            condition += "attempt_id = :a"
            values[":a"] = expected.attempt_id
        try:
            self._db.put_item(
                TableName=self._table,
                Item=self._delivery_item(delivery),
                ConditionExpression=condition,
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues=to_item(values),
            )
        except ClientError as error:
            if is_conditional_failure(error):
                return self._same_as_written(delivery)
            raise
        return True

    def apply_in_order(
        self, calendar_id: str, appointment_id: str, changed_at: str, event_id: str, expires_epoch: int
    ) -> bool:
        """Records this change as the appointment's newest; False when a newer one was applied before
        (an older event arriving late). The same change again (a redelivery) is applied again."""
        try:
            self._db.update_item(
                TableName=self._table,
                Key=key(f"APPOINTMENT#{calendar_id}#{appointment_id}", "ORDER"),
                UpdateExpression="SET changed_at = :c, event_id = :e, expires_at = :x",
                ConditionExpression=(
                    "attribute_not_exists(changed_at) OR changed_at < :c OR (changed_at = :c AND event_id = :e)"
                ),
                ExpressionAttributeValues=to_item({":c": changed_at, ":e": event_id, ":x": expires_epoch}),
            )
        except ClientError as error:
            if is_conditional_failure(error):
                return False
            raise
        return True

    def deliveries(
        self, calendar_id: str, cursor: str | None, limit: int
    ) -> tuple[list[DeliveryRecord], str | None]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :p AND begins_with(SK, :d)",
            "ExpressionAttributeValues": to_item({":p": f"CALENDAR#{calendar_id}", ":d": "DELIVERY#"}),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        scope = "deliveries"
        start = self._cursors.decode(cursor, scope, {"PK", "SK"}, ("PK", f"CALENDAR#{calendar_id}"))
        if start:
            request["ExclusiveStartKey"] = start
        response = self._db.query(**request)
        found = [record(DeliveryRecord, from_item(i)) for i in response.get("Items", [])]
        return found, self._cursors.encode(response.get("LastEvaluatedKey"), scope)

    def all_deliveries(self, calendar_id: str) -> list[DeliveryRecord]:
        """A calendar's whole delivery log (90 days at most: TTL), for a practitioner's export or erasure."""
        items = query_all(
            self._db,
            TableName=self._table,
            KeyConditionExpression="PK = :p AND begins_with(SK, :d)",
            ExpressionAttributeValues=to_item({":p": f"CALENDAR#{calendar_id}", ":d": "DELIVERY#"}),
        )
        return [record(DeliveryRecord, i) for i in items]

    def delete_delivery(self, delivery: DeliveryRecord) -> None:
        self._db.delete_item(
            TableName=self._table, Key=key(f"CALENDAR#{delivery.calendar_id}", delivery.sort_key)
        )

    def due(self, now_iso: str) -> list[DeliveryRecord]:
        """Every delivery that is not final and due by now (index: eventually consistent; callers
        re-read each before acting)."""
        items = query_all(
            self._db,
            TableName=self._table,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :r AND GSI1SK <= :now",
            ExpressionAttributeValues=to_item({":r": "RETRY", ":now": f"{now_iso}~"}),
        )
        return [record(DeliveryRecord, i) for i in items]
