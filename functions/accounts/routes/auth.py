"""Registration, activation, sessions and passwords."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from accounts import models
from accounts.dependencies import service
from accounts.identity_provider import IssuedTokens
from shared import i18n
from shared.resolver import current_caller, language, no_content

router = APIGatewayHttpRouter()
ERRORS: dict[int, OpenAPIResponse] = {
    422: {"description": "Invalid fields, each named"},
    429: {"description": "Rate-limited"},
}


def _tokens(issued: IssuedTokens) -> models.Tokens:
    return models.Tokens(
        access_token=issued.access_token,
        id_token=issued.id_token,
        refresh_token=issued.refresh_token,
        expires_in=issued.expires_in,
    )


def _source_ip() -> str:
    return str(router.current_event.request_context.http.source_ip)


def _accepted(key: str) -> Response[models.Accepted]:
    return Response(
        status_code=202,
        content_type="application/json",
        body=models.Accepted(message=i18n.text(key, language(router))),
    )


@router.post(
    "/accounts/registrations",
    summary="Register (public)",
    description="Sends an activation link, or an 'you already have an account' e-mail. "
    "The answer is the same whether or not the address is known.",
    responses={
        202: {"description": "Accepted", "content": {"application/json": {"model": models.Accepted}}},
        **ERRORS,
    },
    tags=["Accounts"],
)
def register(body: Annotated[models.RegistrationRequest, Body()]) -> Response[models.Accepted]:
    service().register(body, _source_ip())
    return _accepted("registration.accepted")


@router.post(
    "/accounts/activation",
    summary="Activate with the e-mailed token and set the password (public); signs in",
    responses={400: {"description": "Link invalid, expired or used"}, **ERRORS},
    tags=["Accounts"],
)
def activate(body: Annotated[models.ActivationRequest, Body()]) -> models.Tokens:
    return _tokens(service().activate(body))


@router.post(
    "/accounts/sessions",
    summary="Sign in (public)",
    tags=["Sessions"],
    responses={401: {"description": "E-mail address or password wrong (the same answer for both)"}, **ERRORS},
)
def sign_in(body: Annotated[models.SignInRequest, Body()]) -> models.Tokens:
    return _tokens(service().sign_in(body, _source_ip()))


@router.post(
    "/accounts/sessions/refresh",
    summary="New access and id tokens (public)",
    tags=["Sessions"],
    responses={401: {"description": "Refresh token unknown, expired or its session ended (`session_ended`)"}},
)
def refresh(body: Annotated[models.RefreshRequest, Body()]) -> models.Tokens:
    return _tokens(service().refresh(body))


@router.delete(
    "/accounts/sessions",
    summary="Sign out: ends every session of the caller",
    tags=["Sessions"],
    responses={204: {"description": "Signed out"}},
)
def sign_out() -> Response[None]:
    service().sign_out(current_caller(router))
    return no_content()


@router.post(
    "/accounts/password/forgot",
    summary="Send a password-reset link (public); same answer for unknown addresses",
    responses={
        202: {"description": "Accepted", "content": {"application/json": {"model": models.Accepted}}},
        **ERRORS,
    },
    tags=["Passwords"],
)
def forgot_password(body: Annotated[models.ForgotPasswordRequest, Body()]) -> Response[models.Accepted]:
    service().forgot_password(body, _source_ip())
    return _accepted("password.reset_requested")


@router.post(
    "/accounts/password/reset",
    summary="Set a new password with the e-mailed token (public); ends every session",
    responses={204: {"description": "Password set"}, 400: {"description": "Link invalid"}, **ERRORS},
    tags=["Passwords"],
)
def reset_password(body: Annotated[models.ResetPasswordRequest, Body()]) -> Response[None]:
    service().reset_password(body)
    return no_content()


@router.put(
    "/accounts/password",
    summary="Change the password; ends every session, so sign in again",
    responses={204: {"description": "Password changed"}, **ERRORS},
    tags=["Passwords"],
)
def change_password(body: Annotated[models.ChangePasswordRequest, Body()]) -> Response[None]:
    service().change_password(current_caller(router), body)
    return no_content()
