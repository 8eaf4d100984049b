"""The tickets domain's records, as its store reads and writes them (no DynamoDB here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class TicketRecord:
    ticket_id: str
    case_number: str
    request_type: str
    subject: str
    description: str
    status: str
    requester_name: str
    requester_email: str
    requester_language: str
    created_at: str
    last_activity_at: str
    requester_id: str | None = None
    organisation_id: str | None = None
    company: str | None = None
    customer_number: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    cc: list[str] = field(default_factory=list)
    assignee_id: str | None = None
    assignee_name: str | None = None
    last_comment_at: str | None = None
    last_comment_by_id: str | None = None
    last_comment_by_name: str | None = None
    reply_count: int = 0
    interaction_count: int = 0
    follow_up_of: str | None = None
    follow_ups: list[str] = field(default_factory=list)
    via: Literal["portal", "email"] = "portal"  # how the request came in
    # A mail to the support address that looked like a continuation (case number in the subject, an
    # answer to one of our mails) without a valid reply token: that ticket's case number, for agents.
    possibly_about: str | None = None
    version: int = 1


@dataclass(frozen=True)
class TimelineRecord:
    entry_id: str
    kind: Literal["reply", "note", "status", "assignment", "follow_up"]
    at: str
    author_id: str | None = None
    author_name: str | None = None
    author_is_agent: bool = False
    body: str | None = None
    from_status: str | None = None
    to_status: str | None = None
    assignee_id: str | None = None
    assignee_name: str | None = None
    linked_ticket_id: str | None = None
    attachment_ids: list[str] = field(default_factory=list)
    internal: bool = False
    via: Literal["portal", "email"] = "portal"


@dataclass(frozen=True)
class AttachmentRecord:
    attachment_id: str
    owner_id: str
    filename: str
    content_type: str
    size: int
    state: Literal["pending", "clean", "rejected"]
    created_at: str
    object_key: str
    reason: str | None = None
    ticket_id: str | None = None


@dataclass(frozen=True)
class TicketView:
    ticket: TicketRecord
    timeline: list[TimelineRecord]
    attachments: list[AttachmentRecord]


@dataclass(frozen=True)
class SummaryRecord:
    """What a list shows of a ticket: read with a projection, not the whole item."""

    ticket_id: str
    case_number: str
    request_type: str
    subject: str
    status: str
    requester_name: str
    requester_email: str
    created_at: str
    last_activity_at: str
    requester_id: str | None = None
    organisation_id: str | None = None
    assignee_id: str | None = None
    assignee_name: str | None = None
    reply_count: int = 0


@dataclass(frozen=True)
class Additions:
    """What a change adds to a ticket, written in the same transaction as the ticket itself."""

    entries: list[TimelineRecord] = field(default_factory=list)
    uploads: list[AttachmentRecord] = field(default_factory=list)  # clean uploads, moved into the ticket
    files: list[AttachmentRecord] = field(default_factory=list)  # attachments that never were uploads
    mail_id: str | None = None  # a received mail handled: its second delivery fails the change
    shared: list[str] = field(default_factory=list)  # addresses put in copy ("shared with me" lists)
    unshared: list[str] = field(default_factory=list)  # addresses taken out of copy
    mail_expires_epoch: int = 0
