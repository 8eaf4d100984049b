"""Read-only look-ups in the accounts table for the domains that IAM allows to read profiles
(tickets, inbox): the accounts domain owns the data, the others never write it."""

from __future__ import annotations

from typing import Any

from shared.dynamo import from_item, key


def profile(client: Any, accounts_table: str, user_id: str) -> dict[str, Any] | None:
    item = client.get_item(TableName=accounts_table, Key=key(f"USER#{user_id}", "PROFILE")).get("Item")
    return from_item(item) if item else None


def user_id_for_email(client: Any, accounts_table: str, email: str) -> str | None:
    item = client.get_item(TableName=accounts_table, Key=key(f"EMAIL#{email}", "EMAIL")).get("Item")
    return str(from_item(item)["user_id"]) if item else None
