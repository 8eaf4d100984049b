"""Practitioner calendars, their notification settings and delivery log."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from notifications import models
from notifications.dependencies import service
from shared.resolver import Cursor, created, current_caller, language, no_content

router = APIGatewayHttpRouter()
TAGS = ["Calendars"]
ERRORS: dict[int, OpenAPIResponse] = {
    403: {"description": "Not an admin of the organisation"},
    404: {"description": "No such calendar or organisation, or not a member"},
    409: {"description": "The licence allows no more calendars"},
    422: {"description": "Invalid fields, each named"},
}


@router.post(
    "/organisations/<org_id>/calendars",
    summary="Create a practitioner calendar (admins; up to the licensed number)",
    tags=TAGS,
    responses={
        201: {"description": "Created", "content": {"application/json": {"model": models.Calendar}}},
        **ERRORS,
    },
)
def create_calendar(org_id: str, body: Annotated[models.CalendarCreate, Body()]) -> Response[models.Calendar]:
    made = service().create(current_caller(router), org_id, body, language(router))
    return created(made)


@router.get(
    "/organisations/<org_id>/calendars", summary="The organisation's calendars", tags=TAGS, responses=ERRORS
)
def list_calendars(org_id: str) -> models.CalendarPage:
    return service().list(current_caller(router), org_id, language(router))


@router.get(
    "/calendars/<calendar_id>",
    summary="A calendar with its notification settings",
    tags=TAGS,
    responses=ERRORS,
)
def get_calendar(calendar_id: str) -> models.Calendar:
    return service().get(current_caller(router), calendar_id, language(router))


@router.patch("/calendars/<calendar_id>", summary="Rename (admins)", tags=TAGS, responses=ERRORS)
def rename_calendar(calendar_id: str, body: Annotated[models.CalendarRename, Body()]) -> models.Calendar:
    return service().rename(current_caller(router), calendar_id, body, language(router))


@router.delete(
    "/calendars/<calendar_id>",
    summary="Delete (admins); frees a licensed place",
    tags=TAGS,
    responses={204: {"description": "Deleted"}, **ERRORS},
)
def delete_calendar(calendar_id: str) -> Response[None]:
    service().delete(current_caller(router), calendar_id)
    return no_content()


@router.patch(
    "/calendars/<calendar_id>/notification-settings",
    summary="Change the notification settings: a field left out stays, an address or number turns its channel on, null off",
    tags=TAGS,
    responses=ERRORS,
)
def set_notifications(
    calendar_id: str, body: Annotated[models.NotificationSettings, Body()]
) -> models.Calendar:
    return service().set_notifications(current_caller(router), calendar_id, body, language(router))


@router.get(
    "/calendars/<calendar_id>/deliveries",
    summary="What was sent, skipped (and why), failed or missed, newest first (admins)",
    tags=TAGS,
    responses=ERRORS,
)
def deliveries(calendar_id: str, cursor: Cursor = None) -> models.DeliveryPage:
    return service().deliveries(current_caller(router), calendar_id, cursor)
