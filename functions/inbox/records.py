"""The inbox domain's records, as its store reads and writes them, and the page it reads (no DynamoDB
here)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["ticket", "marketing", "invoice"]


@dataclass(frozen=True)
class MessageRecord:
    message_id: str
    kind: Kind
    subject: str
    body: str
    created_at: str
    search_text: str
    ticket_id: str | None = None
    case_number: str | None = None
    link: str | None = None
    body_html: str | None = None  # Markdown rendered safely (broadcasts, agents' answers)
    read_flag: bool | None = None
    flag_at: str | None = None


@dataclass(frozen=True)
class StateRecord:
    unread: int = 0
    read_before: str = ""
    synced_at: str = ""
    exists: bool = False

    def is_read(self, message: MessageRecord) -> bool:
        """A flag set after the last "mark all read" wins; otherwise that watermark decides."""
        if message.read_flag is not None and (message.flag_at or "") > self.read_before:
            return message.read_flag
        return message.message_id <= self.read_before


@dataclass(frozen=True)
class BroadcastRecord:
    broadcast_id: str
    subject: str
    body: str
    created_at: str
    created_by: str
    organisation_ids: list[str] = dataclasses.field(default_factory=list)

    def reaches(self, organisation_id: str | None) -> bool:
        return not self.organisation_ids or (
            organisation_id is not None and organisation_id in self.organisation_ids
        )


@dataclass(frozen=True)
class Page:
    state: StateRecord
    marketing_emails: bool
    messages: list[MessageRecord]
    next_cursor: str | None


def state_record(values: dict[str, Any] | None) -> StateRecord:
    """The state item's attributes as a record; a user without one has the initial state."""
    if not values:
        return StateRecord()
    return StateRecord(
        unread=int(values.get("unread", 0)),
        read_before=values.get("read_before", ""),
        synced_at=values.get("synced_at", ""),
        exists=True,
    )
