"""Look-ups for support agents (Cognito group `agents`)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from accounts import models
from accounts.dependencies import service
from shared.resolver import Cursor, current_caller, language
from shared.validation import Email

router = APIGatewayHttpRouter()
TAGS = ["Agents"]
ERRORS: dict[int, OpenAPIResponse] = {403: {"description": "Agents only"}, 404: {"description": "Not found"}}


@router.get("/agent/users", summary="Find a user by e-mail", tags=TAGS, responses=ERRORS)
def find_user(email: Annotated[Email, Query()]) -> models.Profile:
    return service().find_user(current_caller(router), email)


@router.get("/agent/users/<user_id>", summary="A user", tags=TAGS, responses=ERRORS)
def agent_user(user_id: str) -> models.Profile:
    return service().user(current_caller(router), user_id)


@router.get(
    "/agent/organisations", summary="Organisations by name prefix, paged", tags=TAGS, responses=ERRORS
)
def agent_organisations(
    name_prefix: Annotated[str, Query(max_length=120)] = "",
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> models.OrganisationPage:
    return service().list_organisations(current_caller(router), name_prefix, cursor, limit)


@router.get(
    "/agent/organisations/<org_id>", summary="An organisation with members and invitations", tags=TAGS
)
def agent_organisation(org_id: str) -> models.Organisation:
    return service().agent_organisation(current_caller(router), org_id, language(router))


@router.put(
    "/agent/organisations/<org_id>/licence",
    summary="Set the licensed number of practitioners",
    tags=TAGS,
    responses=ERRORS,
)
def set_licence(org_id: str, body: Annotated[models.LicenceChange, Body()]) -> models.Organisation:
    return service().set_licence(current_caller(router), org_id, body, language(router))


@router.get(
    "/agent/users/<user_id>/audit",
    summary="What was done to an account, and when (federated sign-in, e-mail change): no content",
    tags=TAGS,
    responses=ERRORS,
)
def audit(user_id: str) -> models.AuditPage:
    return service().acts(current_caller(router), user_id)
