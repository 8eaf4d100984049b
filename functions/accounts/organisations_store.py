"""The accounts store's organisations part: an organisation (created with its founder's membership),
its view, name, licence, and the agents' list of every organisation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from accounts.memberships_store import MembershipsStore
from accounts.records import (
    MemberRecord,
    OrganisationRecord,
    OrganisationView,
    UserRecord,
    invitation_record,
    member_record,
    organisation_attributes,
    organisation_record,
)
from shared.cursors import CursorCodec
from shared.directory import (
    member_key,
    organisation_key,
    organisation_name_keys,
    organisation_partition,
    user_key,
)
from shared.dynamo import (
    batch_get_all,
    cancellation_reasons,
    from_item,
    is_conditional_failure,
    put_new_part,
    query_all,
    to_item,
)
from shared.errors import Conflict, NotFound

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

ORG_LIST_PAGE = 50


class OrganisationsStore(MembershipsStore):
    """The organisations part of AccountsStore (which gives it the client, the table, the cursors and
    the token parts); a new organisation's membership is the memberships part's."""

    _db: DynamoDBClient
    _table: str
    _cursors: CursorCodec

    # --- organisations -----------------------------------------------------------------------

    def create_organisation(self, org: OrganisationRecord, founder: UserRecord, joined_at: str) -> None:
        try:
            self._db.transact_write_items(
                TransactItems=[
                    put_new_part(
                        self._table,
                        {
                            **organisation_key(org.org_id),
                            **to_item(
                                {
                                    **organisation_attributes(org),
                                    **organisation_name_keys(org.name, org.org_id),
                                }
                            ),
                        },
                    ),
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
            organisation=organisation_record(meta),
            members=[member_record(i) for i in items if i["SK"].startswith("MEMBER#")],
            invitations=[invitation_record(i) for i in items if i["SK"].startswith("INVITE#")],
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
                org = organisation_record(values)
            else:
                members[values["user_id"]] = member_record(values)
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
        orgs = [organisation_record(from_item(i)) for i in response.get("Items", [])]
        return orgs, self._cursors.encode(response.get("LastEvaluatedKey"), scope)
