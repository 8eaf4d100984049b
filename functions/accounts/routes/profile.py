"""The caller's own profile, and the health check."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from accounts import models
from accounts.dependencies import service
from shared.resolver import accepted, created, current_caller, language

router = APIGatewayHttpRouter()


@router.get("/accounts/health", summary="Health check (public)", tags=["Health"])
def health() -> models.Health:
    return models.Health()


@router.get("/accounts/me", summary="My profile", tags=["Profile"])
def my_profile() -> models.Profile:
    return service().profile(current_caller(router))


@router.patch("/accounts/me", summary="Change my name or language", tags=["Profile"])
def update_profile(body: Annotated[models.ProfileUpdate, Body()]) -> models.Profile:
    return service().update_profile(current_caller(router), body)


@router.post(
    "/accounts/me/profile",
    summary="Complete the profile after a first sign-in with Google or Facebook (name and consent)",
    tags=["Profile"],
    responses={
        201: {
            "description": "The account exists now",
            "content": {"application/json": {"model": models.Profile}},
        },
        403: {"description": "Not a provider's user, or the provider did not verify the address"},
        409: {"description": "The profile is complete already, or the address belongs to another account"},
        422: {"description": "Invalid fields, each named"},
    },
)
def complete_profile(body: Annotated[models.ProfileCompletion, Body()]) -> Response[models.Profile]:
    return created(service().complete_profile(current_caller(router), body))


@router.get("/accounts/providers", summary="The sign-in providers switched on (public)", tags=["Profile"])
def providers() -> models.ProviderPage:
    return service().providers()


@router.post(
    "/accounts/me/email",
    summary="Change my e-mail address: a link goes to the new one, a notice to the current one",
    tags=["Profile"],
    responses={
        202: {"description": "Link sent", "content": {"application/json": {"model": models.Accepted}}},
        422: {"description": "Invalid fields, each named"},
        429: {"description": "Rate-limited"},
    },
)
def request_email_change(body: Annotated[models.EmailChange, Body()]) -> Response[models.Accepted]:
    return accepted(service().request_email_change(current_caller(router), body, language(router)))


@router.post(
    "/accounts/email/confirmation",
    summary="Confirm a new e-mail address with the token from the mailed link (public)",
    tags=["Profile"],
    responses={
        400: {"description": "The link is invalid, expired or used"},
        409: {"description": "Another account has this address"},
        422: {"description": "Invalid fields, each named"},
    },
)
def confirm_email_change(body: Annotated[models.EmailConfirmation, Body()]) -> models.Profile:
    return service().confirm_email_change(body)
