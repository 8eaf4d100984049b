"""The connect ticket: how a signed-in browser opens its WebSocket without a token in a URL."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from realtime import models
from realtime.dependencies import service
from shared.resolver import created, current_caller

router = APIGatewayHttpRouter()


@router.post(
    "/realtime/tickets",
    summary="A one-time ticket to open the live connection (valid a minute, single use)",
    tags=["Realtime"],
    responses={
        201: {"description": "Ticket", "content": {"application/json": {"model": models.ConnectTicket}}}
    },
)
def connect_ticket() -> Response[models.ConnectTicket]:
    return created(service().connect_ticket(current_caller(router)))
