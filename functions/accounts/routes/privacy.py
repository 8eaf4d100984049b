"""A person's data: a copy of it (export) and its erasure; agents' part for requests by mail."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from accounts import models
from accounts.dependencies import service
from shared.resolver import accepted, current_caller, language

router = APIGatewayHttpRouter()
TAGS = ["Privacy"]


@router.post(
    "/accounts/me/exports",
    summary="Ask for a copy of all my data (Art. 15/20): a link to one archive is mailed when it is ready",
    tags=TAGS,
    responses={
        202: {
            "description": "Being prepared",
            "content": {"application/json": {"model": models.ExportStatus}},
        },
        403: {
            "description": "`profile_incomplete`: a first Google/Facebook sign-in completes its profile first"
        },
        429: {"description": "`rate_limited`: three a day"},
    },
)
def request_export() -> Response[models.ExportStatus]:
    return accepted(service().request_export(current_caller(router)))


@router.get(
    "/accounts/me/exports/<export_id>",
    summary="The state of my export; when ready, a signed link to the archive (valid 5 minutes)",
    tags=TAGS,
    responses={404: {"description": "No export of mine with this id"}},
)
def export_status(export_id: str) -> models.ExportStatus:
    return service().export_status(current_caller(router), export_id)


@router.post(
    "/accounts/me/erasure",
    summary="Delete my account and my personal data (Art. 17); cannot be undone",
    tags=TAGS,
    responses={
        202: {"description": "Erasing", "content": {"application/json": {"model": models.ErasureState}}},
        403: {
            "description": "`reauthentication_required`: a wrong or missing password, or (an account without "
            "password) a provider sign-in older than 10 minutes"
        },
        409: {"description": "`hand_over_first`: the only admin of an organisation with other members"},
        422: {"description": "Invalid fields, each named (`confirm` must be true)"},
        429: {"description": "`rate_limited`: five attempts an hour"},
    },
)
def erase_me(body: Annotated[models.ErasureRequest, Body()]) -> Response[models.ErasureState]:
    return accepted(service().erase_me(current_caller(router), body, language(router)))


@router.post(
    "/agent/erasures",
    summary="Erase a person's data on their request by mail (with or without account)",
    tags=["Agents"],
    responses={
        202: {"description": "Erasing", "content": {"application/json": {"model": models.ErasureState}}},
        403: {"description": "Agents only"},
        409: {
            "description": "`hand_over_first`: the person is the only admin of an organisation with other members"
        },
        422: {"description": "Invalid fields, each named"},
    },
)
def agent_erase(body: Annotated[models.AgentErasureRequest, Body()]) -> Response[models.ErasureState]:
    return accepted(service().agent_erase(current_caller(router), body))


@router.get(
    "/agent/erasures",
    summary="The newest erasures and which domains confirmed them",
    tags=["Agents"],
    responses={403: {"description": "Agents only"}},
)
def erasures() -> models.ErasurePage:
    return service().erasure_list(current_caller(router))


@router.get(
    "/agent/erasures/<erasure_id>",
    summary="An erasure: which domains confirmed, which are still being asked",
    tags=["Agents"],
    responses={403: {"description": "Agents only"}, 404: {"description": "Not found"}},
)
def erasure(erasure_id: str) -> models.ErasureState:
    return service().erasure_state(current_caller(router), erasure_id)
