"""Request types, submission, the ticket list and detail, replies, follow-ups, CC and attachments."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from shared.errors import FieldError
from shared.resolver import Cursor, accepted, base_url, created, current_caller, further_checks, language
from tickets import downloads, models
from tickets.attachments import ALLOWED_TYPES
from tickets.dependencies import service
from tickets.rules import StatusFilter

router = APIGatewayHttpRouter()
TAGS = ["Tickets"]
ERRORS: dict[int, OpenAPIResponse] = {
    403: {"description": "Not allowed for this caller"},
    404: {"description": "No such ticket, or not visible to the caller"},
    409: {"description": "Conflict (closed ticket: use the follow-up route; concurrent change)"},
    422: {"description": "Invalid fields, each named"},
}


@router.get("/request-types", summary="The request types with their fields (public)", tags=["Request types"])
def request_types() -> models.RequestTypePage:
    return models.RequestTypePage(items=[models.request_type_out(t) for t in service().request_types()])


@further_checks("POST /tickets", "POST /tickets/anonymous")
def _type_fields(body: dict[str, Any], _path: dict[str, str]) -> list[FieldError]:
    return service().field_errors(body.get("request_type"), body.get("fields"))


@further_checks("PATCH /tickets/{ticket_id}")
def _edited_fields(body: dict[str, Any], path: dict[str, str]) -> list[FieldError]:
    if "fields" not in body:
        return []
    return service().edit_field_errors(current_caller(router), path.get("ticket_id", ""), body["fields"])


@router.post(
    "/tickets/anonymous",
    summary="Submit without an account (public); news come by e-mail only",
    tags=TAGS,
    responses={
        202: {"description": "Received", "content": {"application/json": {"model": models.Submitted}}},
        422: {"description": "Invalid fields, each named"},
        429: {"description": "Rate-limited"},
    },
)
def submit_anonymous(body: Annotated[models.AnonymousSubmission, Body()]) -> Response[models.Submitted]:
    source_ip = str(router.current_event.request_context.http.source_ip)
    submitted = service().submit_anonymous(body, source_ip, language(router))
    return accepted(submitted)


@router.post(
    "/tickets",
    summary="Submit as a signed-in customer (name, e-mail and organisation from the account)",
    tags=TAGS,
    responses={
        201: {"description": "Created", "content": {"application/json": {"model": models.Ticket}}},
        **ERRORS,
    },
)
def submit(body: Annotated[models.Submission, Body()]) -> Response[models.Ticket]:
    made = service().submit(current_caller(router), body)
    return created(made)


@router.get(
    "/tickets",
    summary="My tickets, my organisation's, or those I am in copy of (newest activity, or newest shared, first)",
    tags=TAGS,
    responses=ERRORS,
)
def list_tickets(
    scope: Annotated[
        Literal["mine", "organisation", "shared"],
        Query(description="mine: created by me; organisation: my organisation's; shared: in copy of (CC)"),
    ] = "mine",
    status: Annotated[
        StatusFilter,
        Query(description="open (also in progress and waiting), waiting (for your answer), closed, all"),
    ] = "open",
    request_type: Annotated[str | None, Query(max_length=40)] = None,
    creator: Annotated[str | None, Query(max_length=64)] = None,
    cursor: Cursor = None,
) -> models.TicketPage:
    return service().list_tickets(current_caller(router), scope, status, request_type, creator, cursor)


@router.get("/tickets/<ticket_id>", summary="A ticket with its timeline", tags=TAGS, responses=ERRORS)
def get_ticket(ticket_id: str) -> models.Ticket:
    return service().ticket(current_caller(router), ticket_id)


@router.patch(
    "/tickets/<ticket_id>",
    summary="Edit subject, description, fields (requester)",
    tags=TAGS,
    responses=ERRORS,
)
def edit_ticket(ticket_id: str, body: Annotated[models.TicketEdit, Body()]) -> models.Ticket:
    return service().edit(current_caller(router), ticket_id, body)


@router.post("/tickets/<ticket_id>/close", summary="Close (requester or agent)", tags=TAGS, responses=ERRORS)
def close_ticket(ticket_id: str) -> models.Ticket:
    return service().close(current_caller(router), ticket_id)


@router.post(
    "/tickets/<ticket_id>/replies",
    summary="Reply to an open ticket",
    tags=TAGS,
    responses={
        201: {"description": "Added", "content": {"application/json": {"model": models.TimelineEntry}}},
        **ERRORS,
    },
)
def reply(ticket_id: str, body: Annotated[models.ReplyCreate, Body()]) -> Response[models.TimelineEntry]:
    entry = service().reply(current_caller(router), ticket_id, body)
    return created(entry)


@router.post(
    "/tickets/<ticket_id>/follow-ups",
    summary="Ask a follow-up question to a closed ticket: a new ticket, linked both ways",
    tags=TAGS,
    responses={
        201: {"description": "Created", "content": {"application/json": {"model": models.Ticket}}},
        **ERRORS,
    },
)
def follow_up(ticket_id: str, body: Annotated[models.FollowUpCreate, Body()]) -> Response[models.Ticket]:
    made = service().follow_up(current_caller(router), ticket_id, body)
    return created(made)


@router.post("/tickets/<ticket_id>/cc", summary="Add a CC address (requester)", tags=TAGS, responses=ERRORS)
def add_cc(ticket_id: str, body: Annotated[models.CcAdd, Body()]) -> models.Ticket:
    return service().add_cc(current_caller(router), ticket_id, body.email)


@router.delete(
    "/tickets/<ticket_id>/cc/<email>", summary="Remove a CC address (requester)", tags=TAGS, responses=ERRORS
)
def remove_cc(ticket_id: str, email: str) -> models.Ticket:
    return service().remove_cc(current_caller(router), ticket_id, email)


@router.post(
    "/attachments",
    summary="An upload slot: a presigned POST for one JPEG, PNG or PDF of at most 4 MB",
    tags=["Attachments"],
    responses={
        201: {"description": "Slot", "content": {"application/json": {"model": models.UploadSlot}}},
        **ERRORS,
    },
)
def upload_slot(body: Annotated[models.UploadRequest, Body()]) -> Response[models.UploadSlot]:
    slot = service().upload_slot(current_caller(router), body)
    return created(slot)


@router.post(
    "/attachments/anonymous",
    summary="An upload slot for the public form (no account): the same checks, limited per source "
    "address and per form; the answer's upload_token ties the form's files together",
    tags=["Attachments"],
    responses={
        201: {"description": "Slot", "content": {"application/json": {"model": models.AnonymousUploadSlot}}},
        **ERRORS,
        429: {"description": "Rate-limited (per source address, per form)"},
    },
)
def anonymous_upload_slot(
    body: Annotated[models.AnonymousUploadRequest, Body()],
) -> Response[models.AnonymousUploadSlot]:
    source_ip = str(router.current_event.request_context.http.source_ip)
    return created(service().anonymous_upload_slot(body, source_ip))


@router.get(
    "/attachments/anonymous/<attachment_id>",
    summary="State of a file of the public form (pending, clean, rejected); the form's token proves it is yours",
    tags=["Attachments"],
    responses=ERRORS,
)
def anonymous_upload_state(
    attachment_id: str, upload_token: Annotated[models.UploadToken, Header()]
) -> models.Attachment:
    return service().anonymous_upload_state(upload_token, attachment_id)


@router.get(
    "/attachments/<attachment_id>",
    summary="State of my upload (pending, clean, rejected)",
    tags=["Attachments"],
)
def upload_state(attachment_id: str) -> models.Attachment:
    return service().upload_state(current_caller(router), attachment_id)


@router.get(
    "/tickets/<ticket_id>/attachments/<attachment_id>",
    summary="A short-lived download link of a clean attachment",
    tags=["Attachments"],
    responses=ERRORS,
)
def download(ticket_id: str, attachment_id: str) -> models.Download:
    return service().download(current_caller(router), ticket_id, attachment_id, base_url(router))


@router.get(
    "/downloads/<token>",
    summary="The file behind a download link (public: the link is the permission, for 60 seconds)",
    tags=["Attachments"],
    responses={
        200: {
            "description": "The file, as an attachment, never to be rendered or sniffed",
            "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in ALLOWED_TYPES},
        },
        404: {"description": "The link is forged, expired, or its file is gone"},
    },
)
def serve_download(token: Annotated[str, Path(max_length=2048)]):  # type: ignore[no-untyped-def]  # binary: not run through the JSON serialiser
    grant, data = service().serve_download(token)
    return Response(
        status_code=200, content_type=grant.content_type, body=data, headers=downloads.headers(grant)
    )
