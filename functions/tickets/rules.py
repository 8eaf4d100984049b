"""Ticket status rules, pure: which transitions exist and what a reply does to the status."""

from __future__ import annotations

from typing import Literal

Status = Literal["open", "in_progress", "waiting", "closed"]
# open: open, in progress and waiting; waiting: waiting for the customer's answer (within open)
StatusFilter = Literal["open", "waiting", "closed", "all"]
OPEN_STATUSES: frozenset[str] = frozenset({"open", "in_progress", "waiting"})


def group(status: str) -> Literal["OPEN", "CLOSED"]:
    """The list a status belongs to: everything but closed counts as open."""
    return "CLOSED" if status == "closed" else "OPEN"


def agent_may_set(current: str, new: str) -> bool:
    """Agents move freely among open statuses and may close; a closed ticket stays closed (follow-up)."""
    return current != "closed" and new != current


def after_customer_reply(current: str) -> str:
    """A customer's answer to a question we asked puts the ticket back on our desk."""
    return "in_progress" if current == "waiting" else current
