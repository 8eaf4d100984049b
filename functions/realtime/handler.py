"""Lambda entry of the realtime function: the HTTP route of connect tickets, and the WebSocket API's
`$connect` (the ticket from the query string, used up), `$disconnect` and `$default` routes."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from realtime.dependencies import logger, service
from realtime.routes import tickets
from realtime.settings import api_settings
from shared.resolver import create_resolver, lambda_entry

app = create_resolver(routers=[tickets.router], logger=logger, title="Realtime")
_http = lambda_entry(
    app,
    logger,
    tracing_enabled=lambda: api_settings().tracing_enabled,
    accounts_table=lambda: api_settings().accounts_table,
)


def _socket(event: dict[str, Any]) -> dict[str, Any]:
    context = event["requestContext"]
    connection_id = str(context["connectionId"])
    route = context.get("routeKey")
    if route == "$connect":
        ticket = (event.get("queryStringParameters") or {}).get("ticket")
        return {"statusCode": 200 if service().connect(connection_id, ticket) else 401}
    if route == "$disconnect":
        service().disconnect(connection_id)
        return {"statusCode": 200}
    try:
        body = json.loads(event.get("body") or "{}")
    except ValueError:
        body = {}
    answer = service().message(connection_id, body if isinstance(body, dict) else {})
    return {"statusCode": 200, "body": json.dumps(answer)}


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if event.get("requestContext", {}).get("eventType") in ("CONNECT", "DISCONNECT", "MESSAGE"):
        logger.append_keys(connection_id=event["requestContext"].get("connectionId"))
        try:
            return _socket(event)
        finally:
            logger.remove_keys(["connection_id"])
    return dict(_http(event, context))
