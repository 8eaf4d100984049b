"""The inbox table's partitions that its store and the store's privacy part both build (the table
is drawn in inbox/store.py's docstring)."""

from __future__ import annotations

from shared.ids import token_digest


def user_partition(user_id: str) -> str:
    """A user's messages, state and preferences."""
    return f"USER#{user_id}"


def seen_partition(user_id: str) -> str:
    """What a user got already (events, broadcasts), and the pointers back from the people named."""
    return f"SEEN#{user_id}"


def named_id(identity: str) -> str:
    """A person who may be named in messages (account id, address or name), hashed: the partition of
    the pointers to the inboxes naming them, and the key of each pointer back."""
    return f"NAMED#{token_digest(identity)}"
