"""DynamoDB items of the privacy requests (the accounts table; keys built here only):

EXPORT#<id>    REQUEST   an export: whose, when, which domains' parts are in, ready or not (TTL;
                         GSI1: EXPORTS#<user> / <requested>, an erasure finds them)
ERASURE#<id>   REQUEST   an erasure: the address, name and account it erases while it runs (the
                         domains' retries need them), which domains confirmed; once every domain has
                         confirmed only the dates remain (GSI1: ERASURES / <requested>#<id>, agents)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from botocore.exceptions import ClientError

from shared.directory import email_key, erased_key, organisation_key, user_key
from shared.dynamo import from_item, is_conditional_failure, key, to_item
from shared.retention import expires_epoch

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

EXPORT_DAYS = 8  # the request outlives its archive (7 days in the bucket) by a day
ERASURE_DAYS = 1095  # the proof that an erasure was done (dates only), as long as the audit trail


@dataclass(frozen=True)
class ExportRecord:
    export_id: str
    user_id: str
    requested_at: str
    deadline_at: str
    status: Literal["pending", "ready"] = "pending"
    parts: dict[str, str] = field(default_factory=dict)
    ready_at: str | None = None


@dataclass(frozen=True)
class ErasureRecord:
    erasure_id: str
    requested_at: str
    requested_by: Literal["self", "agent"]
    status: Literal["in_progress", "completed"] = "in_progress"
    parts: dict[str, str] = field(default_factory=dict)
    completed_at: str | None = None
    # while it runs only
    email: str | None = None
    user_id: str | None = None
    full_name: str | None = None
    organisation_ids: list[str] = field(default_factory=list)


def _export_key(export_id: str) -> dict[str, Any]:
    return key(f"EXPORT#{export_id}", "REQUEST")


def _erasure_key(erasure_id: str) -> dict[str, Any]:
    return key(f"ERASURE#{erasure_id}", "REQUEST")


def _values(item: dict[str, Any], prefix: str) -> dict[str, Any]:
    values = from_item(item)
    values[f"{prefix}_id"] = str(values.pop("PK")).removeprefix(f"{prefix.upper()}#")
    for name in ("SK", "GSI1PK", "GSI1SK", "expires_at"):
        values.pop(name, None)
    return values


class PrivacyStore:
    _db: DynamoDBClient
    _table: str

    # --- exports -------------------------------------------------------------------------------

    def put_export(self, export: ExportRecord) -> None:
        item = {
            "user_id": export.user_id,
            "requested_at": export.requested_at,
            "deadline_at": export.deadline_at,
            "status": export.status,
            "parts": {},
            "expires_at": expires_epoch(export.requested_at, EXPORT_DAYS),
            "GSI1PK": f"EXPORTS#{export.user_id}",
            "GSI1SK": export.requested_at,
        }
        self._db.put_item(TableName=self._table, Item={**_export_key(export.export_id), **to_item(item)})

    def get_export(self, export_id: str) -> ExportRecord | None:
        item = self._db.get_item(TableName=self._table, Key=_export_key(export_id), ConsistentRead=True).get(
            "Item"
        )
        return ExportRecord(**_values(item, "export")) if item else None

    def exports_of(self, user_id: str) -> list[str]:
        """The ids of a person's exports (an erasure deletes them with their archives)."""
        response = self._db.query(
            TableName=self._table,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :p",
            ExpressionAttributeValues={":p": {"S": f"EXPORTS#{user_id}"}},
            ProjectionExpression="PK",
        )
        return [str(i["PK"]["S"]).removeprefix("EXPORT#") for i in response.get("Items", [])]

    def delete_export(self, export_id: str) -> None:
        self._db.delete_item(TableName=self._table, Key=_export_key(export_id))

    def forget_founder(self, org_id: str, user_id: str) -> None:
        """The organisation no longer names an erased person as the one who created it."""
        try:
            self._db.update_item(
                TableName=self._table,
                Key=organisation_key(org_id),
                UpdateExpression="SET created_by = :erased",
                ConditionExpression="created_by = :u",
                ExpressionAttributeValues=to_item({":u": user_id, ":erased": "erased"}),
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise

    def _part_done(self, request_key: dict[str, Any], domain: str, at: str) -> dict[str, Any] | None:
        """Notes a domain's part (once: a repeat keeps the first time); the request as it is now, None
        when it is gone (expired)."""
        try:
            response = self._db.update_item(
                TableName=self._table,
                Key=request_key,
                UpdateExpression="SET parts.#d = if_not_exists(parts.#d, :at)",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeNames={"#d": domain},
                ExpressionAttributeValues=to_item({":at": at}),
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if is_conditional_failure(error):
                return None
            raise
        return dict(response["Attributes"])

    def export_part_done(self, export_id: str, domain: str, at: str) -> ExportRecord | None:
        item = self._part_done(_export_key(export_id), domain, at)
        return ExportRecord(**_values(item, "export")) if item else None

    def export_ready(self, export_id: str, at: str) -> bool:
        """Marks the archive made; False when another run did it first (that run mails)."""
        try:
            self._db.update_item(
                TableName=self._table,
                Key=_export_key(export_id),
                UpdateExpression="SET #s = :ready, ready_at = :at",
                ConditionExpression="#s = :pending",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues=to_item({":ready": "ready", ":pending": "pending", ":at": at}),
            )
        except ClientError as error:
            if is_conditional_failure(error):
                return False
            raise
        return True

    # --- erasures ------------------------------------------------------------------------------

    def put_erasure(self, erasure: ErasureRecord) -> None:
        item: dict[str, Any] = {
            "requested_at": erasure.requested_at,
            "requested_by": erasure.requested_by,
            "status": erasure.status,
            "parts": {},
            "email": erasure.email,
            "user_id": erasure.user_id,
            "full_name": erasure.full_name,
            "organisation_ids": erasure.organisation_ids,
            "GSI1PK": "ERASURES",
            "GSI1SK": f"{erasure.requested_at}#{erasure.erasure_id}",
            "expires_at": expires_epoch(erasure.requested_at, ERASURE_DAYS),
        }
        self._db.put_item(
            TableName=self._table,
            Item={
                **_erasure_key(erasure.erasure_id),
                **to_item({k: v for k, v in item.items() if v is not None}),
            },
        )

    def get_erasure(self, erasure_id: str) -> ErasureRecord | None:
        item = self._db.get_item(
            TableName=self._table, Key=_erasure_key(erasure_id), ConsistentRead=True
        ).get("Item")
        return ErasureRecord(**_values(item, "erasure")) if item else None

    def erasures(self, limit: int = 100) -> list[ErasureRecord]:
        response = self._db.query(
            TableName=self._table,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :p",
            ExpressionAttributeValues={":p": {"S": "ERASURES"}},
            ScanIndexForward=False,
            Limit=limit,
        )
        return [ErasureRecord(**_values(i, "erasure")) for i in response.get("Items", [])]

    def erasure_part_done(self, erasure_id: str, domain: str, at: str) -> ErasureRecord | None:
        item = self._part_done(_erasure_key(erasure_id), domain, at)
        return ErasureRecord(**_values(item, "erasure")) if item else None

    def erasure_completed(self, erasure_id: str, at: str) -> bool:
        """Every domain confirmed: whose it was is forgotten, the dates stay. False if done before."""
        try:
            self._db.update_item(
                TableName=self._table,
                Key=_erasure_key(erasure_id),
                UpdateExpression="SET #s = :done, completed_at = :at "
                "REMOVE email, user_id, full_name, organisation_ids",
                ConditionExpression="#s = :running",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues=to_item(
                    {":done": "completed", ":running": "in_progress", ":at": at}
                ),
            )
        except ClientError as error:
            if is_conditional_failure(error):
                return False
            raise
        return True

    # --- the account itself ------------------------------------------------------------------

    def mark_erased(self, user_id: str, now_epoch: int) -> None:
        """A marker that ends the account's tokens still in flight (a digest of its id, kept a day)."""
        self._db.put_item(
            TableName=self._table,
            Item={**erased_key(user_id), **to_item({"expires_at": now_epoch + 86400})},
        )

    def delete_account(self, user_id: str, email: str) -> None:
        """The profile and the address's claim (a membership is left first, by its own transaction).
        Idempotent; the claim only while it still names this account."""
        self._db.delete_item(TableName=self._table, Key=user_key(user_id))
        try:
            self._db.delete_item(
                TableName=self._table,
                Key=email_key(email),
                ConditionExpression="user_id = :u",
                ExpressionAttributeValues=to_item({":u": user_id}),
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise
