"""The accounts store's organisations part: organisations, members, invitations, licences."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Literal

from botocore.exceptions import ClientError

from accounts.records import (
    InvitationRecord,
    MemberRecord,
    OrganisationRecord,
    OrganisationView,
    TokenRecord,
    UserRecord,
)
from shared.cursors import CursorCodec
from shared.directory import (
    invitation_key,
    member_key,
    organisation_key,
    organisation_name_keys,
    organisation_partition,
    token_key,
    user_key,
)
from shared.dynamo import (
    batch_get_all,
    cancellation_reasons,
    from_item,
    is_conditional_failure,
    query_all,
    record,
    to_item,
)
from shared.errors import Conflict, LinkInvalid, NotFound

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

ORG_LIST_PAGE = 50


def _user(values: dict[str, Any]) -> UserRecord:
    return record(UserRecord, values)


def _organisation(values: dict[str, Any]) -> OrganisationRecord:
    return record(OrganisationRecord, values)


def _member(values: dict[str, Any]) -> MemberRecord:
    return record(MemberRecord, values)


def _invitation(values: dict[str, Any]) -> InvitationRecord:
    return record(InvitationRecord, values)


class OrganisationsStore:
    """The organisations part of AccountsStore (which gives it the client, the table and the token parts)."""

    _db: DynamoDBClient
    _table: str
    _cursors: CursorCodec

    def _token_put(self, record: TokenRecord) -> Any:
        raise NotImplementedError

    def _token_consume(self, digest: str) -> Any:
        raise NotImplementedError

    # --- organisations -----------------------------------------------------------------------

    def create_organisation(self, org: OrganisationRecord, founder: UserRecord, joined_at: str) -> None:
        try:
            self._db.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": {
                                **organisation_key(org.org_id),
                                **to_item(
                                    {
                                        **_org_attributes(org),
                                        **organisation_name_keys(org.name, org.org_id),
                                    }
                                ),
                            },
                            "ConditionExpression": "attribute_not_exists(PK)",
                        }
                    },
                    self._member_put(
                        MemberRecord(
                            org.org_id, founder.user_id, founder.full_name, founder.email, "admin", joined_at
                        )
                    ),
                    self._profile_join(founder.user_id, org.org_id, org.name, "admin"),
                ]
            )
        except ClientError as error:
            if cancellation_reasons(error):
                raise Conflict("organisation.already_member") from None
            raise

    def _member_put(self, member: MemberRecord) -> Any:
        return {
            "Put": {
                "TableName": self._table,
                "Item": {
                    **member_key(member.org_id, member.user_id),
                    **to_item(dataclasses.asdict(member)),
                },
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        }

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

    def get_organisation_view(self, org_id: str) -> OrganisationView | None:
        """The organisation, its members and pending invitations: one Query of its item collection."""
        items = query_all(
            self._db,
            TableName=self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": organisation_partition(org_id)}},
            ConsistentRead=True,
        )
        meta = next((i for i in items if i["SK"] == "META"), None)
        if meta is None:
            return None
        return OrganisationView(
            organisation=_organisation(meta),
            members=[_member(i) for i in items if i["SK"].startswith("MEMBER#")],
            invitations=[_invitation(i) for i in items if i["SK"].startswith("INVITE#")],
        )

    def get_members_and_organisation(
        self, org_id: str, user_ids: list[str]
    ) -> tuple[dict[str, MemberRecord], OrganisationRecord | None]:
        """Some memberships and the organisation in one BatchGetItem (the caller's, a target's)."""
        keys = [organisation_key(org_id)] + [member_key(org_id, u) for u in dict.fromkeys(user_ids)]
        members: dict[str, MemberRecord] = {}
        org: OrganisationRecord | None = None
        for values in batch_get_all(self._db, self._table, keys):
            if values["SK"] == "META":
                org = _organisation(values)
            else:
                members[values["user_id"]] = _member(values)
        return members, org

    def rename_organisation(self, view: OrganisationView, name: str) -> None:
        """Renames, and the name copied into each member's profile with it (100 items a transaction)."""
        org_id = view.organisation.org_id
        items: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": organisation_key(org_id),
                    "UpdateExpression": "SET #n = :n, GSI1SK = :s",
                    "ConditionExpression": "attribute_exists(PK)",
                    "ExpressionAttributeNames": {"#n": "name"},
                    "ExpressionAttributeValues": to_item(
                        {":n": name, ":s": organisation_name_keys(name, org_id)["GSI1SK"]}
                    ),
                }
            }
        ]
        items.extend(
            {
                "Update": {
                    "TableName": self._table,
                    "Key": user_key(member.user_id),
                    "UpdateExpression": "SET organisation_name = :n",
                    "ConditionExpression": "organisation_id = :o",
                    "ExpressionAttributeValues": to_item({":n": name, ":o": org_id}),
                }
            }
            for member in view.members
        )
        for start in range(0, len(items), 100):
            self._db.transact_write_items(TransactItems=items[start : start + 100])  # type: ignore[arg-type]

    def set_licence(self, org_id: str, licensed: int) -> None:
        try:
            self._db.update_item(
                TableName=self._table,
                Key=organisation_key(org_id),
                UpdateExpression="SET licensed_practitioners = :l",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues=to_item({":l": licensed}),
            )
        except ClientError as error:
            if is_conditional_failure(error):
                raise NotFound("organisation.not_found") from None
            raise

    def list_organisations(
        self, name_prefix: str, cursor: str | None, limit: int = ORG_LIST_PAGE
    ) -> tuple[list[OrganisationRecord], str | None]:
        condition, values = "GSI1PK = :p", {":p": "ORGS"}
        if name_prefix:  # DynamoDB refuses an empty string in a key condition
            condition += " AND begins_with(GSI1SK, :s)"
            values[":s"] = name_prefix.casefold()
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "GSI1",
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": to_item(values),
            "Limit": limit,
        }
        scope = f"organisations\n{name_prefix}"
        start = self._cursors.decode(cursor, scope, {"PK", "SK", "GSI1PK", "GSI1SK"}, ("GSI1PK", "ORGS"))
        if start:
            request["ExclusiveStartKey"] = start
        response = self._db.query(**request)
        orgs = [_organisation(from_item(i)) for i in response.get("Items", [])]
        return orgs, self._cursors.encode(response.get("LastEvaluatedKey"), scope)

    # --- invitations and membership changes -------------------------------------------------

    def create_invitation(self, invitation: InvitationRecord, token: TokenRecord) -> None:
        self._db.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": {
                            **invitation_key(invitation.org_id, invitation.invitation_id),
                            **to_item(dataclasses.asdict(invitation)),
                        },
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
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
        return _invitation(from_item(item)) if item else None

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


def _user_attributes(user: UserRecord) -> dict[str, Any]:
    """What a new profile stores (organisation fields come later, with a membership)."""
    values = dataclasses.asdict(user)
    for joined_later in ("organisation_id", "organisation_name", "role"):
        values.pop(joined_later)
    return values


def _org_attributes(org: OrganisationRecord) -> dict[str, Any]:
    return dataclasses.asdict(org)
