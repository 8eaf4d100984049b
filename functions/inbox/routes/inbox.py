"""The caller's Postfach, and broadcasts for agents."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from inbox import models
from inbox.dependencies import service
from shared.resolver import Cursor, accepted, current_caller, language

router = APIGatewayHttpRouter()
TAGS = ["Inbox"]
ERRORS: dict[int, OpenAPIResponse] = {
    404: {"description": "No such message"},
    422: {"description": "Invalid fields"},
}


@router.get("/inbox", summary="My messages, newest first", tags=TAGS, responses=ERRORS)
def list_inbox(
    kind: Annotated[models.Kind | None, Query()] = None,
    cursor: Cursor = None,
) -> models.InboxPage:
    return service().inbox(current_caller(router), kind, cursor)


@router.get("/inbox/unread-count", summary="How many messages are unread", tags=TAGS)
def unread_count() -> models.UnreadCount:
    return service().unread_count(current_caller(router))


@router.get(
    "/inbox/feed", summary="New messages since a cursor (poll every few seconds)", tags=TAGS, responses=ERRORS
)
def inbox_feed(
    since: Annotated[
        str | None, Query(min_length=26, max_length=26, pattern="^[0-9A-HJKMNP-TV-Z]{26}$")
    ] = None,
) -> models.Feed:
    return service().feed(current_caller(router), since)


@router.get("/inbox/search", summary="Search by keyword, case number or subject", tags=TAGS, responses=ERRORS)
def search(
    q: Annotated[str, Query(min_length=2, max_length=100)],
    cursor: Cursor = None,
) -> models.InboxPage:
    return service().search(current_caller(router), q, cursor)


@router.put(
    "/inbox/<message_id>/read", summary="Mark one message read or unread", tags=TAGS, responses=ERRORS
)
def mark_message(message_id: str, body: Annotated[models.ReadChange, Body()]) -> models.Message:
    return service().mark(current_caller(router), message_id, body.read)


@router.post("/inbox/read-all", summary="Mark every message read (one write)", tags=TAGS)
def mark_all_read() -> models.UnreadCount:
    return service().mark_all_read(current_caller(router))


@router.get("/inbox/preferences", summary="My e-mail preferences", tags=TAGS)
def inbox_preferences() -> models.Preferences:
    return service().preferences(current_caller(router))


@router.put("/inbox/preferences", summary="Opt in or out of marketing e-mails", tags=TAGS, responses=ERRORS)
def set_preferences(body: Annotated[models.Preferences, Body()]) -> models.Preferences:
    return service().set_preferences(current_caller(router), body)


@router.post(
    "/inbox/unsubscribe/<token>",
    summary="One-click unsubscribe from marketing mails (public: the signed link is the permission; "
    "RFC 8058, the body may be the form field List-Unsubscribe=One-Click or empty)",
    tags=TAGS,
    responses={404: {"description": "Not a valid unsubscribe link"}},
)
def unsubscribe(token: str) -> models.Unsubscribed:
    return service().unsubscribe(token, language(router))


@router.post(
    "/agent/broadcasts",
    summary="Publish marketing or platform news to everyone or to chosen organisations (agents)",
    tags=["Agents"],
    responses={
        202: {"description": "Published", "content": {"application/json": {"model": models.Broadcast}}},
        403: {"description": "Agents only"},
        422: {"description": "Invalid fields"},
    },
)
def publish_broadcast(body: Annotated[models.BroadcastCreate, Body()]) -> Response[models.Broadcast]:
    published = service().publish_broadcast(current_caller(router), body)
    return accepted(published)
