"""The caller's own profile, and the health check."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from accounts import models
from accounts.dependencies import service
from shared.resolver import current_caller

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
