"""API models of the inbox domain."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from shared.validation import InputModel, Multiline, OutputModel

Kind = Literal["ticket", "marketing", "invoice"]


class Unsubscribed(OutputModel):
    message: str = Field(examples=["Sie erhalten keine Neuigkeiten mehr per E-Mail."])


class Message(OutputModel):
    id: str
    kind: Kind
    subject: str
    body: str
    created_at: str
    read: bool
    ticket_id: str | None = Field(default=None, description="For ticket messages: GET /tickets/{ticket_id}")
    case_number: str | None = None
    link: str | None = Field(default=None, description="For invoices: where to get the document")
    body_html: str | None = Field(
        default=None,
        description="News and agents' answers: the body's Markdown as safe HTML (raw HTML escaped); "
        "`body` is its readable text",
    )


class InboxPage(OutputModel):
    items: list[Message]
    unread: int
    next_cursor: str | None = None


class Feed(OutputModel):
    items: list[Message] = Field(description="New messages since the cursor, oldest first")
    unread: int
    cursor: str = Field(description="Send it back as `since` in the next poll")


class UnreadCount(OutputModel):
    unread: int


class ReadChange(InputModel):
    read: bool


class Preferences(InputModel):
    marketing_emails: bool = Field(
        description="Marketing and platform news by e-mail (ticket and invoice mails always)"
    )


class BroadcastCreate(InputModel):
    subject: str = Field(min_length=3, max_length=200, examples=["Neu: Online-Terminbuchung per App"])
    body: Annotated[str, Multiline()] = Field(min_length=10, max_length=20000)
    organisation_ids: list[Annotated[str, Field(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$")]] = Field(
        default_factory=list, max_length=500, description="Empty: everyone; else only these organisations"
    )


class Broadcast(OutputModel):
    id: str
    subject: str
    organisation_ids: list[str]
    created_at: str
