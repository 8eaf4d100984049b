"""DynamoDB access of the accounts domain: the only module that builds its keys.

Single table, item collections:
  USER#<user_id>   PROFILE            the profile (organisation and role copied here for authorisation)
  EMAIL#<email>    EMAIL              unique e-mail -> user id
  ORG#<org_id>     META               the organisation (GSI1: ORGS / <name>#<org_id>, for agents)
  ORG#<org_id>     MEMBER#<user_id>   a membership with the member's name and e-mail copied in
  ORG#<org_id>     INVITE#<inv_id>    a pending invitation
  TOKEN#<sha256>   TOKEN              a single-use link (activation, password reset, invitation), TTL
  RATE#...         WINDOW#<start>     rate-limit windows (shared.ratelimit), TTL
  AUDIT#<user_id>  <at>#<event>       an act of the audit trail (kind and time), TTL 3 years
  EXPORT#<id>, ERASURE#<id>           privacy requests (accounts/privacy_store.py)
docs/data-model.md lists every access pattern.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from accounts.organisations_store import OrganisationsStore
from accounts.privacy_store import PrivacyStore
from accounts.records import (
    InvitationRecord,
    MemberRecord,
    OrganisationRecord,
    OrganisationView,
    TokenKind,
    TokenRecord,
    UserRecord,
    user_attributes,
    user_record,
)
from shared import directory
from shared.cursors import CursorCodec
from shared.directory import (
    email_key,
    member_key,
    token_key,
    user_key,
    users_index_keys,
)
from shared.dynamo import (
    cancellation_reasons,
    from_item,
    is_conditional_failure,
    key,
    put_new_part,
    query_all,
    to_item,
)
from shared.errors import Conflict, LinkInvalid
from shared.retention import expires_epoch

AUDIT_DAYS = 1095  # the audit trail of an account's acts (docs/privacy.md)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


__all__ = [
    "AccountsStore",
    "InvitationRecord",
    "MemberRecord",
    "OrganisationRecord",
    "OrganisationView",
    "TokenKind",
    "TokenRecord",
    "UserRecord",
]


class AccountsStore(OrganisationsStore, PrivacyStore):
    def __init__(self, client: DynamoDBClient, table: str, cursors: CursorCodec | None = None) -> None:
        self._db = client
        self._table = table
        self._cursors = cursors or CursorCodec.disabled()

    # --- single-use tokens -------------------------------------------------------------------

    def _token_put(self, record: TokenRecord) -> Any:
        return put_new_part(
            self._table,
            {
                **token_key(record.digest),
                **to_item({"kind": record.kind, "expires_at": record.expires_epoch, "data": record.data}),
            },
        )

    def put_token(self, record: TokenRecord) -> None:
        put = self._token_put(record)["Put"]
        self._db.put_item(**put)

    def get_token(self, digest: str, kind: TokenKind, now_epoch: int) -> TokenRecord:
        """The token if it exists, is of this kind and has not expired; LinkInvalid otherwise."""
        response = self._db.get_item(TableName=self._table, Key=token_key(digest), ConsistentRead=True)
        if "Item" not in response:
            raise LinkInvalid("link.invalid")
        values = from_item(response["Item"])
        if values["kind"] != kind or values["expires_at"] <= now_epoch:
            raise LinkInvalid("link.invalid")
        return TokenRecord(digest, kind, values["expires_at"], values.get("data") or {})

    def _token_consume(self, digest: str) -> Any:
        return {
            "Delete": {
                "TableName": self._table,
                "Key": token_key(digest),
                "ConditionExpression": "attribute_exists(PK)",
            }
        }

    def consume_token(self, digest: str) -> None:
        try:
            self._db.delete_item(
                TableName=self._table,
                Key=token_key(digest),
                ConditionExpression="attribute_exists(PK)",
            )
        except ClientError as error:
            if is_conditional_failure(error):
                raise LinkInvalid("link.invalid") from None
            raise

    # --- users -------------------------------------------------------------------------------

    def user_id_for_email(self, email: str) -> str | None:
        response = self._db.get_item(TableName=self._table, Key=email_key(email))
        item = response.get("Item")
        return str(from_item(item)["user_id"]) if item else None

    def end_sessions(self, user_id: str, valid_after: int, cut_ms: int) -> None:
        """Tokens issued before `valid_after` (epoch seconds) stop working; `cut_ms` is when, to the
        millisecond (shared.sessions)."""
        try:
            self._db.update_item(
                TableName=self._table,
                Key=user_key(user_id),
                UpdateExpression="SET sessions_valid_after = :v, sessions_cut_ms = :ms REMOVE session_jtis",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues=to_item({":v": valid_after, ":ms": cut_ms}),
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise

    def keep_session(self, user_id: str, jti: str, issued_at: int, began_ms: int) -> None:
        """A token of a sign-in that began after a cut but was issued in the cut's second: let it
        through by its id. Nothing is written for any other token."""
        try:
            self._db.update_item(
                TableName=self._table,
                Key=user_key(user_id),
                UpdateExpression="ADD session_jtis :j",
                ConditionExpression="attribute_exists(PK) AND sessions_valid_after > :iat"
                " AND (attribute_not_exists(sessions_cut_ms) OR sessions_cut_ms < :began)",
                ExpressionAttributeValues={
                    ":j": {"SS": [jti]},
                    ":iat": {"N": str(issued_at)},
                    ":began": {"N": str(began_ms)},
                },
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise

    def get_user(self, user_id: str) -> UserRecord | None:
        """The profile; for the caller, the session check's read of it (shared.directory)."""
        values = directory.read_profile_item(self._db, self._table, user_id)
        return user_record(values) if values else None

    def create_user(self, user: UserRecord, activation_digest: str) -> None:
        """Profile, e-mail claim and the spent activation token in one transaction."""
        try:
            self._db.transact_write_items(
                TransactItems=[self._token_consume(activation_digest), *self._new_user(user)]
            )
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise LinkInvalid("link.invalid") from None
            if reasons:
                raise Conflict("account.exists") from None
            raise

    def create_federated_user(self, user: UserRecord) -> None:
        """The profile of a first Google or Facebook sign-in, with its e-mail claim, together; Conflict
        when the address belongs to another account already (it never takes one over)."""
        try:
            self._db.transact_write_items(TransactItems=self._new_user(user))
        except ClientError as error:
            if cancellation_reasons(error):
                raise Conflict("account.exists") from None
            raise

    def _new_user(self, user: UserRecord) -> list[Any]:
        """The transaction parts of a new person: the address claimed (unique) and the profile."""
        # GSI2 lists every user (the inbox's broadcast sender reads it in pages).
        profile = {**user_attributes(user), **users_index_keys(user.created_at, user.user_id)}
        return [
            put_new_part(self._table, {**email_key(user.email), **to_item({"user_id": user.user_id})}),
            put_new_part(self._table, {**user_key(user.user_id), **to_item(profile)}),
        ]

    def sessions_valid_after(self, user_id: str) -> int:
        """The profile's session cut (shared.sessions): links issued before it are void."""
        values = directory.read_profile_item(self._db, self._table, user_id, consistent=True)
        return int((values or {}).get("sessions_valid_after") or 0)

    def record_act(self, user_id: str, act: str, at: str, event_id: str) -> None:
        """An act of the audit trail (its kind and time, no content), kept 3 years; once per event."""
        try:
            self._db.put_item(
                TableName=self._table,
                Item={
                    **key(f"AUDIT#{user_id}", f"{at}#{event_id}"),
                    **to_item({"act": act, "at": at, "expires_at": expires_epoch(at, AUDIT_DAYS)}),
                },
                ConditionExpression="attribute_not_exists(PK)",
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise

    def acts(self, user_id: str) -> list[tuple[str, str]]:
        items = query_all(
            self._db,
            TableName=self._table,
            KeyConditionExpression="PK = :p",
            ExpressionAttributeValues={":p": {"S": f"AUDIT#{user_id}"}},
            ConsistentRead=True,
        )
        return [(str(i["act"]), str(i["at"])) for i in items]

    def change_email(self, user: UserRecord, new_email: str, digest: str) -> None:
        """The new address claimed, the old one released, profile and membership changed and the link
        spent, together: LinkInvalid for a spent link, Conflict when another account has the address."""
        items: list[dict[str, Any]] = [
            self._token_consume(digest),
            put_new_part(self._table, {**email_key(new_email), **to_item({"user_id": user.user_id})}),
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": email_key(user.email),
                    "ConditionExpression": "user_id = :u",
                    "ExpressionAttributeValues": to_item({":u": user.user_id}),
                }
            },
            {
                "Update": {
                    "TableName": self._table,
                    "Key": user_key(user.user_id),
                    "UpdateExpression": "SET email = :e",
                    "ConditionExpression": "attribute_exists(PK)",
                    "ExpressionAttributeValues": to_item({":e": new_email}),
                }
            },
        ]
        if user.organisation_id:
            items.append(self._membership_copy(user.organisation_id, user.user_id, "email", new_email))
        try:
            self._db.transact_write_items(TransactItems=items)  # type: ignore[arg-type]
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise LinkInvalid("link.invalid") from None
            if reasons and reasons[1] == "ConditionalCheckFailed":
                raise Conflict("account.exists") from None
            if reasons:
                raise Conflict("request.conflict_retry") from None
            raise

    def update_profile(self, user: UserRecord, full_name: str | None, language: str | None) -> None:
        """Changes the profile and, for a member, the name copied into the membership, together."""
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        sets: list[str] = []
        if full_name is not None:
            names["#n"] = "full_name"
            values[":n"] = full_name
            sets.append("#n = :n")
        if language is not None:
            names["#l"] = "language"
            values[":l"] = language
            sets.append("#l = :l")
        if not sets:
            return
        items: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": user_key(user.user_id),
                    "UpdateExpression": "SET " + ", ".join(sets),
                    "ConditionExpression": "attribute_exists(PK)",
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": to_item(values),
                }
            }
        ]
        if full_name is not None and user.organisation_id:
            items.append(self._membership_copy(user.organisation_id, user.user_id, "full_name", full_name))
        try:
            self._db.transact_write_items(TransactItems=items)  # type: ignore[arg-type]
        except ClientError as error:
            if cancellation_reasons(error):
                raise Conflict("request.conflict_retry") from None
            raise

    def _membership_copy(self, org_id: str, user_id: str, attribute: str, value: str) -> dict[str, Any]:
        """The transaction part that changes a profile attribute's copy in the person's membership."""
        return {
            "Update": {
                "TableName": self._table,
                "Key": member_key(org_id, user_id),
                "UpdateExpression": f"SET {attribute} = :v",
                "ConditionExpression": "attribute_exists(PK)",
                "ExpressionAttributeValues": to_item({":v": value}),
            }
        }
