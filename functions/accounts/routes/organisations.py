"""Organisations, their members and invitations."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from accounts import models
from accounts.dependencies import service
from shared.resolver import created, current_caller, language, no_content

router = APIGatewayHttpRouter()
TAGS = ["Organisations"]
ERRORS: dict[int, OpenAPIResponse] = {
    403: {"description": "Not an admin of the organisation"},
    404: {"description": "No such organisation, or not a member of it"},
    409: {"description": "Conflict (already a member, last admin)"},
    422: {"description": "Invalid fields, each named"},
}


@router.post(
    "/organisations",
    summary="Create an organisation; the caller becomes its admin",
    responses={
        201: {"description": "Created", "content": {"application/json": {"model": models.Organisation}}},
        **ERRORS,
    },
    tags=TAGS,
)
def create_organisation(body: Annotated[models.OrganisationCreate, Body()]) -> Response[models.Organisation]:
    made = service().create_organisation(current_caller(router), body, language(router))
    return created(made)


@router.get(
    "/organisations/<org_id>", summary="An organisation with its members", tags=TAGS, responses=ERRORS
)
def get_organisation(org_id: str) -> models.Organisation:
    return service().organisation(current_caller(router), org_id, language(router))


@router.patch("/organisations/<org_id>", summary="Rename (admins)", tags=TAGS, responses=ERRORS)
def rename_organisation(
    org_id: str, body: Annotated[models.OrganisationUpdate, Body()]
) -> models.Organisation:
    return service().rename_organisation(current_caller(router), org_id, body, language(router))


@router.get("/organisations/<org_id>/members", summary="The members", tags=TAGS, responses=ERRORS)
def list_members(org_id: str) -> models.MemberPage:
    return models.MemberPage(items=service().members(current_caller(router), org_id))


@router.patch(
    "/organisations/<org_id>/members/<user_id>",
    summary="Change a member's role (admins)",
    tags=TAGS,
    responses=ERRORS,
)
def change_role(org_id: str, user_id: str, body: Annotated[models.RoleChange, Body()]) -> models.Member:
    return service().change_role(current_caller(router), org_id, user_id, body.role)


@router.delete(
    "/organisations/<org_id>/members/<user_id>",
    summary="Remove a member (admins), or leave (one's own id)",
    tags=TAGS,
    responses={204: {"description": "Removed"}, **ERRORS},
)
def remove_member(org_id: str, user_id: str) -> Response[None]:
    service().remove_member(current_caller(router), org_id, user_id)
    return no_content()


@router.post(
    "/organisations/<org_id>/invitations",
    summary="Invite by e-mail (admins)",
    tags=TAGS,
    responses={
        201: {"description": "Invited", "content": {"application/json": {"model": models.Invitation}}},
        **ERRORS,
    },
)
def invite(org_id: str, body: Annotated[models.InvitationCreate, Body()]) -> Response[models.Invitation]:
    made = service().invite(current_caller(router), org_id, body, language(router))
    return created(made)


@router.delete(
    "/organisations/<org_id>/invitations/<invitation_id>",
    summary="Revoke a pending invitation (admins)",
    tags=TAGS,
    responses={204: {"description": "Revoked"}, **ERRORS},
)
def revoke_invitation(org_id: str, invitation_id: str) -> Response[None]:
    service().revoke_invitation(current_caller(router), org_id, invitation_id)
    return no_content()


@router.post(
    "/invitations/accept",
    summary="Accept an invitation with the e-mailed token (signed in with the invited address)",
    tags=TAGS,
    responses={400: {"description": "Link invalid"}, **ERRORS},
)
def accept_invitation(body: Annotated[models.InvitationAccept, Body()]) -> models.OrganisationSummary:
    return service().accept_invitation(current_caller(router), body)
