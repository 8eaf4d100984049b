"""The accounts store's memberships part: invitations, joining, leaving, roles, and the counters an
organisation keeps of its members and admins (keys from shared/directory.py)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Literal

from botocore.exceptions import ClientError

from accounts.records import InvitationRecord, MemberRecord, TokenRecord, UserRecord, invitation_record
from shared.directory import invitation_key, member_key, organisation_key, token_key, user_key
from shared.dynamo import cancellation_reasons, from_item, put_new_part, to_item
from shared.errors import Conflict, LinkInvalid

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class MembershipsStore:
    """The memberships part of AccountsStore (which gives it the client, the table and the token parts)."""

    _db: DynamoDBClient
    _table: str

    if TYPE_CHECKING:  # AccountsStore's own (declared for the type checker only, nothing to shadow them)

        def _token_put(self, record: TokenRecord) -> Any: ...

        def _token_consume(self, digest: str) -> Any: ...

    # --- the parts of a new membership ------------------------------------------------------

    def _member_put(self, member: MemberRecord) -> Any:
        return put_new_part(
            self._table, {**member_key(member.org_id, member.user_id), **to_item(dataclasses.asdict(member))}
        )

    def _profile_join(self, user_id: str, org_id: str, org_name: str, role: str) -> Any:
        return {
            "Update": {
                "TableName": self._table,
                "Key": user_key(user_id),
                "UpdateExpression": "SET organisation_id = :o, organisation_name = :n, #r = :r",
                "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(organisation_id)",
                "ExpressionAttributeNames": {"#r": "role"},
                "ExpressionAttributeValues": to_item({":o": org_id, ":n": org_name, ":r": role}),
            }
        }

    # --- invitations -------------------------------------------------------------------------

    def create_invitation(self, invitation: InvitationRecord, token: TokenRecord) -> None:
        self._db.transact_write_items(
            TransactItems=[
                put_new_part(
                    self._table,
                    {
                        **invitation_key(invitation.org_id, invitation.invitation_id),
                        **to_item(dataclasses.asdict(invitation)),
                    },
                ),
                self._token_put(token),
                {
                    "ConditionCheck": {
                        "TableName": self._table,
                        "Key": organisation_key(invitation.org_id),
                        "ConditionExpression": "attribute_exists(PK)",
                    }
                },
            ]
        )

    def get_invitation(self, org_id: str, invitation_id: str) -> InvitationRecord | None:
        item = self._db.get_item(
            TableName=self._table, Key=invitation_key(org_id, invitation_id), ConsistentRead=True
        ).get("Item")
        return invitation_record(from_item(item)) if item else None

    def revoke_invitation(self, invitation: InvitationRecord) -> None:
        self._db.transact_write_items(
            TransactItems=[
                {
                    "Delete": {
                        "TableName": self._table,
                        "Key": invitation_key(invitation.org_id, invitation.invitation_id),
                    }
                },
                {"Delete": {"TableName": self._table, "Key": token_key(invitation.token_digest)}},
            ]
        )

    def accept_invitation(
        self, invitation: InvitationRecord, user: UserRecord, org_name: str, joined_at: str
    ) -> None:
        """Spends the token and the invitation, adds the membership, counts it: all or nothing."""
        admin_increment = 1 if invitation.role == "admin" else 0
        try:
            self._db.transact_write_items(
                TransactItems=[
                    self._token_consume(invitation.token_digest),
                    {
                        "Delete": {
                            "TableName": self._table,
                            "Key": invitation_key(invitation.org_id, invitation.invitation_id),
                            "ConditionExpression": "token_digest = :d",
                            "ExpressionAttributeValues": to_item({":d": invitation.token_digest}),
                        }
                    },
                    self._member_put(
                        MemberRecord(
                            invitation.org_id,
                            user.user_id,
                            user.full_name,
                            user.email,
                            invitation.role,
                            joined_at,
                        )
                    ),
                    self._profile_join(user.user_id, invitation.org_id, org_name, invitation.role),
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": organisation_key(invitation.org_id),
                            "UpdateExpression": "ADD member_count :one, admin_count :a",
                            "ConditionExpression": "attribute_exists(PK)",
                            "ExpressionAttributeValues": to_item({":one": 1, ":a": admin_increment}),
                        }
                    },
                ]
            )
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if not reasons:
                raise
            if reasons[0] != "None" or reasons[1] != "None" or reasons[4] != "None":
                raise LinkInvalid("link.invalid") from None
            raise Conflict("organisation.already_member") from None

    # --- membership changes ------------------------------------------------------------------

    def remove_member(self, member: MemberRecord, *, keep_an_admin: bool = True) -> None:
        """Ends a membership; the last admin only with `keep_an_admin=False` (an erasure of the
        organisation's only member)."""
        items: list[dict[str, Any]] = [
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": member_key(member.org_id, member.user_id),
                    "ConditionExpression": "#r = :r",
                    "ExpressionAttributeNames": {"#r": "role"},
                    "ExpressionAttributeValues": to_item({":r": member.role}),
                }
            },
            {
                "Update": {
                    "TableName": self._table,
                    "Key": user_key(member.user_id),
                    "UpdateExpression": "REMOVE organisation_id, organisation_name, #r",
                    "ConditionExpression": "organisation_id = :o",
                    "ExpressionAttributeNames": {"#r": "role"},
                    "ExpressionAttributeValues": to_item({":o": member.org_id}),
                }
            },
            self._count_change(
                member.org_id,
                members=-1,
                admins=-1 if member.role == "admin" else 0,
                keep_an_admin=keep_an_admin,
            ),
        ]
        self._run_membership_change(items)

    def change_role(self, member: MemberRecord, role: Literal["admin", "member"]) -> None:
        if role == member.role:
            return
        items: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": member_key(member.org_id, member.user_id),
                    "UpdateExpression": "SET #r = :new",
                    "ConditionExpression": "#r = :old",
                    "ExpressionAttributeNames": {"#r": "role"},
                    "ExpressionAttributeValues": to_item({":new": role, ":old": member.role}),
                }
            },
            {
                "Update": {
                    "TableName": self._table,
                    "Key": user_key(member.user_id),
                    "UpdateExpression": "SET #r = :new",
                    "ConditionExpression": "organisation_id = :o",
                    "ExpressionAttributeNames": {"#r": "role"},
                    "ExpressionAttributeValues": to_item({":new": role, ":o": member.org_id}),
                }
            },
            self._count_change(member.org_id, members=0, admins=1 if role == "admin" else -1),
        ]
        self._run_membership_change(items)

    def _count_change(self, org_id: str, *, members: int, admins: int, keep_an_admin: bool = True) -> Any:
        """Keeps the counters; removing or demoting an admin requires another admin to remain."""
        condition = "attribute_exists(PK)"
        keep_an_admin = keep_an_admin and admins < 0
        if keep_an_admin:
            condition += " AND admin_count > :one"
        return {
            "Update": {
                "TableName": self._table,
                "Key": organisation_key(org_id),
                "UpdateExpression": "ADD member_count :m, admin_count :a",
                "ConditionExpression": condition,
                "ExpressionAttributeValues": to_item(
                    {":m": members, ":a": admins, **({":one": 1} if keep_an_admin else {})}
                ),
            }
        }

    def _run_membership_change(self, items: list[dict[str, Any]]) -> None:
        try:
            self._db.transact_write_items(TransactItems=items)  # type: ignore[arg-type]
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if not reasons:
                raise
            if reasons[2] == "ConditionalCheckFailed" and reasons[0] == "None" and reasons[1] == "None":
                raise Conflict("organisation.last_admin") from None
            raise Conflict("request.conflict_retry") from None
