"""API models of the tickets domain."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from shared.validation import ACCEPTED, Email, InputModel, Multiline, OutputModel
from tickets.request_types import FIELD_KEY, MAX_NUMBER, FieldDefinition, LocalText, RequestType
from tickets.rules import Status

MAX_ATTACHMENT_BYTES = 4 * 1024 * 1024  # what the upload policy and the scan allow (settings may lower it)

Subject = Annotated[
    str, Field(min_length=3, max_length=200, examples=["Terminbenachrichtigung kommt nicht an"])
]
Description = Annotated[
    str,
    Multiline(),
    Field(min_length=10, max_length=20000, examples=["Seit gestern erhalte ich keine SMS mehr, wenn ..."]),
]
Body = Annotated[str, Multiline(), Field(min_length=1, max_length=20000)]
AttachmentId = Annotated[str, Field(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$", description="An upload's id")]
AttachmentIds = Annotated[list[AttachmentId], Field(default_factory=list, max_length=10)]
UploadToken = Annotated[
    str,
    Field(
        min_length=32,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="The upload token of an anonymous form: whoever holds it may see and attach its files",
    ),
]


def _keys_as_property_names(schema: dict[str, Any]) -> None:
    """`propertyNames` + `additionalProperties` instead of pydantic's `patternProperties`: the same
    rule, in the form client generators read (openapi-python-client makes a map of it)."""
    (pattern, values), *_ = schema.pop("patternProperties").items()
    schema["propertyNames"] = {"pattern": pattern}
    schema["additionalProperties"] = values


# The request type's own fields: its keys, each a text (a select's value, a date as YYYY-MM-DD) or a
# whole number; GET /request-types says which a type has. Checked against the type in the same 422.
FieldValue = (
    Annotated[str, Field(max_length=20000)] | Annotated[int, Field(gt=-MAX_NUMBER, lt=MAX_NUMBER)] | None
)
TypeFields = Annotated[
    dict[Annotated[str, Field(pattern=FIELD_KEY)], FieldValue],
    Multiline(),
    Field(
        max_length=30,
        description="The request type's own fields, by key (see GET /request-types)",
        json_schema_extra=_keys_as_property_names,
    ),
]


def _consented(value: bool) -> bool:
    if value is not True:
        raise PydanticCustomError("consent_required", "the privacy policy must be accepted")
    return value


class AnonymousSubmission(InputModel):
    request_type: str = Field(max_length=40, examples=["bug_report"])
    email: Email
    full_name: str = Field(min_length=2, max_length=120)
    company: str = Field(min_length=2, max_length=200, examples=["Praxis Dr. Schmidt"])
    customer_number: str | None = Field(default=None, max_length=40)
    subject: Subject
    description: Description
    fields: TypeFields = Field(default_factory=dict)
    privacy_consent: Annotated[bool, AfterValidator(_consented)] = Field(
        description="Must be true: the privacy policy was accepted", json_schema_extra=ACCEPTED
    )
    language: Literal["de", "en"] = "de"
    attachment_ids: AttachmentIds = Field(description="Clean files uploaded with POST /attachments/anonymous")
    upload_token: UploadToken | None = Field(default=None, description="Required with attachment_ids")


class Submission(InputModel):
    """A signed-in customer's ticket: name, e-mail and organisation come from the account."""

    request_type: str = Field(max_length=40)
    company: str | None = Field(default=None, max_length=200)
    customer_number: str | None = Field(default=None, max_length=40)
    subject: Subject
    description: Description
    fields: TypeFields = Field(default_factory=dict)
    cc: list[Email] = Field(default_factory=list, max_length=10)
    attachment_ids: AttachmentIds


class TicketEdit(InputModel):
    subject: Subject | None = None
    description: Description | None = None
    fields: TypeFields | None = None


class ReplyCreate(InputModel):
    body: Body
    attachment_ids: AttachmentIds


class NoteCreate(InputModel):
    body: Body


class FollowUpCreate(InputModel):
    subject: Subject | None = None
    description: Description
    cc: list[Email] | None = Field(
        default=None,
        max_length=10,
        description="Who is in copy of the follow-up. Left out: everyone of the original (its requester "
        "and its CCs, without you); an empty list: nobody.",
    )


class CcAdd(InputModel):
    email: Email


class AssigneeChange(InputModel):
    assignee_id: str | None = Field(
        description='An agent\'s user id, "me" for the caller (as the list filter takes it), or null to unassign',
        max_length=64,
    )


class StatusChange(InputModel):
    status: Status


class UploadRequest(InputModel):
    filename: str = Field(min_length=1, max_length=200, examples=["befund.pdf"])
    content_type: Literal["image/jpeg", "image/png", "application/pdf"]
    size: int = Field(ge=1, le=MAX_ATTACHMENT_BYTES, description="Bytes; at most 4 MB")


class AnonymousUploadRequest(UploadRequest):
    upload_token: UploadToken | None = Field(
        default=None,
        description="Another file of the same form: the token the first slot gave; absent: a new form. "
        "A token never given out opens a new form under it (it reaches only its own files)",
    )


class UploadSlot(OutputModel):
    attachment_id: str
    url: str
    fields: dict[str, str] = Field(description="Form fields to send with the file in a multipart POST")
    expires_in: int


class AnonymousUploadSlot(UploadSlot):
    upload_token: str = Field(
        description="Keep it with the form: send it with further files, when asking a file's state "
        "(header Upload-Token) and with the request (upload_token)"
    )


class Download(OutputModel):
    url: str
    expires_in: int


class Submitted(OutputModel):
    message: str
    case_number: str


class Person(OutputModel):
    user_id: str | None = None
    full_name: str
    email: str | None = Field(
        default=None,
        description="A requester's address, shown to agents and the ticket's own people; null for a "
        "timeline entry's author, an assignee and the last commenter (a person's address is not kept "
        "with what they wrote)",
    )


class Attachment(OutputModel):
    id: str
    filename: str
    content_type: str
    size: int
    state: Literal["pending", "clean", "rejected"]
    reason: str | None = None


class TimelineEntry(OutputModel):
    id: str
    kind: Literal["reply", "note", "status", "assignment", "follow_up"]
    at: str
    author: Person | None = None
    body: str | None = None
    from_status: str | None = None
    to_status: str | None = None
    assignee: Person | None = None
    linked_ticket_id: str | None = None
    attachments: list[Attachment] = Field(default_factory=list)
    internal: bool = False
    via: Literal["portal", "email"] = Field(
        default="portal", description="Written in the portal or answered by e-mail"
    )


class TicketSummary(OutputModel):
    id: str
    case_number: str
    subject: str
    request_type: str
    status: Status
    requester: Person
    organisation_id: str | None
    assignee: Person | None
    created_at: str
    last_activity_at: str
    reply_count: int


class Ticket(TicketSummary):
    description: str
    company: str | None
    customer_number: str | None
    fields: dict[str, Any]
    cc: list[str]
    interaction_count: int
    last_comment_at: str | None
    last_comment_by: Person | None
    follow_up_of: str | None
    follow_ups: list[str]
    attachments: list[Attachment]
    timeline: list[TimelineEntry]
    via: Literal["portal", "email"] = Field(description="How the request came in")
    mail_undeliverable: list[str] = Field(
        default_factory=list,
        description="Agents only: the ticket's people whose address does not receive mail (a hard bounce "
        "or a complaint): answers reach them only in the portal",
    )
    possibly_about: str | None = Field(
        default=None,
        description="Agents only: a mail without a valid reply address that named or answered this case "
        "number (anyone can write one, so it became a ticket of its own)",
    )


class TicketPage(OutputModel):
    items: list[TicketSummary]
    next_cursor: str | None = None


class RequestTypeOut(OutputModel):
    key: str
    name: LocalText
    help_text: LocalText
    fields: list[FieldDefinition]
    active: bool


class RequestTypePage(OutputModel):
    items: list[RequestTypeOut]
    next_cursor: str | None = Field(default=None, description="Always null: one page holds the whole list")


class RequestTypeIn(RequestType):
    """What an agent sends to create or change a type."""


def request_type_out(request_type: RequestType) -> RequestTypeOut:
    return RequestTypeOut(
        key=request_type.key,
        name=request_type.name,
        help_text=request_type.help_text,
        fields=request_type.fields,
        active=request_type.active,
    )
