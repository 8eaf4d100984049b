"""Agent work on tickets, and the request-type catalogue."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from shared.resolver import Cursor, created, current_caller
from tickets import models
from tickets.dependencies import service
from tickets.rules import StatusFilter

router = APIGatewayHttpRouter()
TAGS = ["Agents"]
ERRORS: dict[int, OpenAPIResponse] = {
    403: {"description": "Agents only"},
    404: {"description": "No such ticket"},
    409: {"description": "Conflict"},
    422: {"description": "Invalid fields, each named"},
}


@router.get(
    "/agent/tickets",
    summary="Every ticket, by status, assignee (an id, me, none), type",
    tags=TAGS,
    responses=ERRORS,
)
def agent_tickets(
    status: Annotated[
        StatusFilter,
        Query(description="open (also in progress and waiting), waiting (for the customer), closed, all"),
    ] = "open",
    assignee: Annotated[str | None, Query(max_length=64)] = None,
    request_type: Annotated[str | None, Query(max_length=40)] = None,
    cursor: Cursor = None,
) -> models.TicketPage:
    return service().agent_tickets(current_caller(router), status, assignee, request_type, cursor)


@router.put(
    "/agent/tickets/<ticket_id>/assignee",
    summary="Assign to an agent, or unassign",
    tags=TAGS,
    responses=ERRORS,
)
def assign(ticket_id: str, body: Annotated[models.AssigneeChange, Body()]) -> models.Ticket:
    return service().assign(current_caller(router), ticket_id, body)


@router.put("/agent/tickets/<ticket_id>/status", summary="Change the status", tags=TAGS, responses=ERRORS)
def set_status(ticket_id: str, body: Annotated[models.StatusChange, Body()]) -> models.Ticket:
    return service().set_status(current_caller(router), ticket_id, body)


@router.post(
    "/agent/tickets/<ticket_id>/notes",
    summary="An internal note (never shown to customers)",
    tags=TAGS,
    responses={
        201: {"description": "Added", "content": {"application/json": {"model": models.TimelineEntry}}},
        **ERRORS,
    },
)
def add_note(ticket_id: str, body: Annotated[models.NoteCreate, Body()]) -> Response[models.TimelineEntry]:
    entry = service().note(current_caller(router), ticket_id, body)
    return created(entry)


@router.post(
    "/agent/request-types",
    summary="Add a request type",
    tags=TAGS,
    responses={
        201: {"description": "Created", "content": {"application/json": {"model": models.RequestTypeOut}}},
        **ERRORS,
    },
)
def create_type(body: Annotated[models.RequestTypeIn, Body()]) -> Response[models.RequestTypeOut]:
    made = service().create_request_type(current_caller(router), body)
    return created(models.request_type_out(made))


@router.put("/agent/request-types/<type_key>", summary="Change a request type", tags=TAGS, responses=ERRORS)
def change_type(type_key: str, body: Annotated[models.RequestTypeIn, Body()]) -> models.RequestTypeOut:
    return models.request_type_out(service().change_request_type(current_caller(router), type_key, body))
