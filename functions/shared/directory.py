"""Read-only look-ups in the accounts table for the domains that IAM allows to read profiles
(tickets, inbox, notifications, kb): the accounts domain owns the data, the others never write it.

The session check (shared.sessions) reads the caller's profile at the start of every signed-in request;
the first `profile()` of that user in the same request takes that read instead of making another.
"""

from __future__ import annotations

from typing import Any

from shared.dynamo import from_item, key

_remembered: dict[str, dict[str, Any] | None] = {}


def remember(user_id: str, values: dict[str, Any] | None) -> None:
    """This request's consistent read of the caller's profile (one request at a time, as Lambda runs)."""
    _remembered.clear()
    _remembered[user_id] = values


def forget() -> None:
    _remembered.clear()


def read_profile(
    client: Any, accounts_table: str, user_id: str, *, consistent: bool
) -> dict[str, Any] | None:
    item = client.get_item(
        TableName=accounts_table, Key=key(f"USER#{user_id}", "PROFILE"), ConsistentRead=consistent
    ).get("Item")
    return from_item(item) if item else None


def profile(client: Any, accounts_table: str, user_id: str) -> dict[str, Any] | None:
    if user_id in _remembered:
        return _remembered.pop(user_id)
    return read_profile(client, accounts_table, user_id, consistent=False)


def user_id_for_email(client: Any, accounts_table: str, email: str) -> str | None:
    item = client.get_item(TableName=accounts_table, Key=key(f"EMAIL#{email}", "EMAIL")).get("Item")
    return str(from_item(item)["user_id"]) if item else None
