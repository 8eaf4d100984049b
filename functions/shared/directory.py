"""The accounts table's keys, and the one reader of it for every other domain.

The accounts domain owns the table and is the only writer (accounts/store.py builds its items with
the key functions below); tickets, inbox, notifications and kb read profiles, e-mail claims and
memberships only through `Directory`, which returns typed records. Key strings exist here and in the
template's IAM conditions (`dynamodb:LeadingKeys`), nowhere else.

The session check (shared.sessions) reads the caller's profile at the start of every signed-in request;
the first `profile()` of that user in the same request takes that read instead of making another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from shared.dynamo import batch_get_all, from_item, key, query_all, record
from shared.ids import token_digest

Role = Literal["admin", "member"]
USERS_INDEX = "GSI2"  # every user, for broadcasts
ORGANISATIONS_INDEX = "GSI1"  # organisations by name, for agents


def user_key(user_id: str) -> dict[str, Any]:
    return key(f"USER#{user_id}", "PROFILE")


def erased_key(user_id: str) -> dict[str, Any]:
    """An erased account's marker (a digest of its id, kept a day): its tokens still in flight end."""
    return key(f"ERASED#{token_digest(user_id)}", "ERASED")


def email_key(email: str) -> dict[str, Any]:
    return key(f"EMAIL#{email}", "EMAIL")


def organisation_key(org_id: str) -> dict[str, Any]:
    return key(f"ORG#{org_id}", "META")


def member_key(org_id: str, user_id: str) -> dict[str, Any]:
    return key(f"ORG#{org_id}", f"MEMBER#{user_id}")


def invitation_key(org_id: str, invitation_id: str) -> dict[str, Any]:
    return key(f"ORG#{org_id}", f"INVITE#{invitation_id}")


def token_key(digest: str) -> dict[str, Any]:
    return key(f"TOKEN#{digest}", "TOKEN")


def organisation_partition(org_id: str) -> str:
    """The item collection of an organisation: its META, members and invitations."""
    return f"ORG#{org_id}"


def users_index_keys(created_at: str, user_id: str) -> dict[str, str]:
    return {"GSI2PK": "USERS", "GSI2SK": f"{created_at}#{user_id}"}


def organisation_name_keys(name: str, org_id: str) -> dict[str, str]:
    return {"GSI1PK": "ORGS", "GSI1SK": f"{name.casefold()}#{org_id}"}  # a name, not an identifier


@dataclass(frozen=True)
class Profile:
    user_id: str
    email: str
    full_name: str
    language: Literal["de", "en"] = "de"
    organisation_id: str | None = None
    organisation_name: str | None = None
    role: Role | None = None
    sessions_valid_after: int = 0
    session_jtis: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Member:
    org_id: str
    user_id: str
    full_name: str
    email: str
    role: Role
    joined_at: str


def _profile(values: dict[str, Any]) -> Profile:
    values = dict(values)
    values["session_jtis"] = frozenset(values.get("session_jtis") or ())
    if values.get("language") not in ("de", "en"):
        values["language"] = "de"
    return record(Profile, values)


_remembered: dict[str, dict[str, Any] | None] = {}


def remember(user_id: str, values: dict[str, Any] | None) -> None:
    """This request's consistent read of the caller's profile (one request at a time, as Lambda runs)."""
    _remembered.clear()
    _remembered[user_id] = values


def forget() -> None:
    _remembered.clear()


def read_profile_item(
    client: Any, table: str, user_id: str, *, consistent: bool = False
) -> dict[str, Any] | None:
    """The profile item's attributes; the request's remembered read of it when there is one."""
    if user_id in _remembered:
        return _remembered.pop(user_id)
    item = client.get_item(TableName=table, Key=user_key(user_id), ConsistentRead=consistent).get("Item")
    return from_item(item) if item else None


class Directory:
    """Read-only look-ups in the accounts table (IAM limits each function to the keys it reads)."""

    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table

    def profile(self, user_id: str) -> Profile | None:
        values = read_profile_item(self._db, self._table, user_id)
        return _profile(values) if values else None

    def user_id_for_email(self, email: str) -> str | None:
        item = self._db.get_item(TableName=self._table, Key=email_key(email)).get("Item")
        return str(from_item(item)["user_id"]) if item else None

    def profiles(self, user_ids: list[str]) -> list[Profile]:
        keys = [user_key(u) for u in dict.fromkeys(user_ids)]
        found: list[Profile] = []
        for start in range(0, len(keys), 100):
            found += [_profile(v) for v in batch_get_all(self._db, self._table, keys[start : start + 100])]
        return found

    def members(self, org_id: str) -> list[Member]:
        items = query_all(
            self._db,
            TableName=self._table,
            KeyConditionExpression="PK = :p AND begins_with(SK, :m)",
            ExpressionAttributeValues={":p": {"S": organisation_partition(org_id)}, ":m": {"S": "MEMBER#"}},
        )
        return [record(Member, i) for i in items]

    def profile_and_licence(self, user_id: str, org_id: str) -> tuple[Profile | None, int | None]:
        """The caller's profile and the organisation's licensed calendars: one call."""
        found = {
            i["PK"]: i
            for i in batch_get_all(self._db, self._table, [user_key(user_id), organisation_key(org_id)])
        }
        profile = found.get(f"USER#{user_id}")
        org = found.get(organisation_partition(org_id))
        return (
            _profile(profile) if profile else None,
            int(org["licensed_practitioners"]) if org else None,
        )

    def users_page(
        self, cursor: dict[str, Any] | None, limit: int
    ) -> tuple[list[Profile], dict[str, Any] | None]:
        """One page of every user (the broadcast sender's walk); the next page's start, or None."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": USERS_INDEX,
            "KeyConditionExpression": "GSI2PK = :p",
            "ExpressionAttributeValues": {":p": {"S": "USERS"}},
            "Limit": limit,
        }
        if cursor:
            request["ExclusiveStartKey"] = cursor
        response = self._db.query(**request)
        return [_profile(from_item(i)) for i in response.get("Items", [])], response.get("LastEvaluatedKey")
