"""The local stand-in for the template's WebSocket API (API Gateway v2, protocol WEBSOCKET).

- Clients connect to `ws://127.0.0.1:<port>/?ticket=…`: the handshake invokes the `$connect` route's
  function with API Gateway's event and is refused (401) unless it answers 200, as API Gateway does.
- Each text frame invokes the `$default` route (its answer goes back when the route has a route
  response, as the template's does); a closed socket invokes `$disconnect`.
- The management API the functions call (`PostToConnection`, `DeleteConnection`, `GetConnection`) is
  served under `/_local/realtime/@connections/{id}` of the local HTTP API; the functions are configured
  with that endpoint, so their code is the code that runs in AWS. A gone connection answers 410
  `GoneException`, as in AWS.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import uuid
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from websockets.exceptions import ConnectionClosed

from infra.local.activity import Activity
from infra.local.lambda_runtime import FunctionProcess
from infra.local.template import Resolver


def websocket_routes(resolver: Resolver) -> tuple[dict[str, str], set[str]]:
    """Route key -> function logical id, and the routes with a route response, from the template."""
    integrations = {
        logical: re.findall(r"\$\{(\w+)\.Arn\}", str(props["Properties"]["IntegrationUri"]["Fn::Sub"]))[0]
        for logical, props in resolver.resources("AWS::ApiGatewayV2::Integration").items()
    }
    routes: dict[str, str] = {}
    answering: set[str] = set()
    for props in resolver.resources("AWS::ApiGatewayV2::Route").values():
        route = props["Properties"]
        target = str(route["Target"]["Fn::Sub"]).split("${", 1)[1].rstrip("}")
        routes[str(route["RouteKey"])] = integrations[target]
        if route.get("RouteResponseSelectionExpression"):
            answering.add(str(route["RouteKey"]))
    return routes, answering


class LocalWebSocketApi:
    def __init__(
        self,
        resolver: Resolver,
        functions: dict[str, FunctionProcess],
        port: int,
        activity: Activity | None = None,
    ) -> None:
        self._routes, self._answering = websocket_routes(resolver)
        self._functions = functions
        self.port = port
        self._activity = activity or Activity()
        self._loop = asyncio.new_event_loop()
        self._sockets: dict[str, Any] = {}
        self._started = threading.Event()
        self._stage = resolver.parameter("Stage")

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def _event(self, route: str, kind: str, connection_id: str, **extra: Any) -> dict[str, Any]:
        now = datetime.now(UTC)
        return {
            "requestContext": {
                "routeKey": route,
                "eventType": kind,
                "connectionId": connection_id,
                "requestId": uuid.uuid4().hex,
                "domainName": f"127.0.0.1:{self.port}",
                "stage": self._stage,
                "apiId": "local",
                "connectedAt": int(now.timestamp() * 1000),
                "requestTimeEpoch": int(now.timestamp() * 1000),
            },
            "isBase64Encoded": False,
            **extra,
        }

    async def _invoke(self, route: str, event: dict[str, Any]) -> dict[str, Any] | None:
        function = self._functions[self._routes[route]]
        ok, result = await self._loop.run_in_executor(
            None,
            self._activity.deliver,
            function,
            event,
            f"websocket {route}",
            event["requestContext"]["requestId"],
        )
        return result if ok and isinstance(result, dict) else None

    async def _process_request(self, connection: Any, request: Any) -> Any:
        query = {k: v[-1] for k, v in parse_qs(urlsplit(request.path).query).items()}
        connection_id = str(connection.id)
        event = self._event(
            "$connect",
            "CONNECT",
            connection_id,
            queryStringParameters=query or None,
            headers=dict(request.headers),
        )
        answer = await self._invoke("$connect", event)
        if not answer or int(answer.get("statusCode", 500)) != 200:
            return connection.respond(HTTPStatus.UNAUTHORIZED, "Unauthorized\n")
        return None

    async def _serve(self, connection: Any) -> None:
        connection_id = str(connection.id)
        self._sockets[connection_id] = connection
        try:
            async for message in connection:
                if not isinstance(message, str):
                    continue
                answer = await self._invoke(
                    "$default", self._event("$default", "MESSAGE", connection_id, body=message)
                )
                if "$default" in self._answering and answer and answer.get("body"):
                    await connection.send(str(answer["body"]))
        except ConnectionClosed:  # a client that vanished mid-frame
            return
        finally:
            self._sockets.pop(connection_id, None)
            await self._invoke("$disconnect", self._event("$disconnect", "DISCONNECT", connection_id))

    async def _main(self) -> None:
        from websockets.asyncio.server import serve

        async with serve(self._serve, "127.0.0.1", self.port, process_request=self._process_request):
            self._started.set()
            await asyncio.Future()

    def serve_forever(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main())

    def wait_started(self, timeout: float = 10) -> None:
        if not self._started.wait(timeout):
            raise RuntimeError(f"the local WebSocket API did not start on port {self.port}")

    # --- the management API -------------------------------------------------------------------

    def manage(self, method: str, path: str, body: bytes) -> tuple[int, str, bytes]:
        connection_id = unquote(urlsplit(path).path.rsplit("/@connections/", 1)[-1])
        socket = self._sockets.get(connection_id)
        if socket is None:
            gone = {"__type": "GoneException", "message": "The connection is gone"}
            return 410, "application/json", json.dumps(gone).encode()
        if method == "POST":
            future = asyncio.run_coroutine_threadsafe(socket.send(body.decode("utf-8")), self._loop)
            future.result(timeout=5)
            return 200, "application/json", b"{}"
        if method == "DELETE":
            asyncio.run_coroutine_threadsafe(socket.close(), self._loop).result(timeout=5)
            return 204, "application/json", b""
        info = {"connectedAt": None, "identity": {"sourceIp": "127.0.0.1"}}
        return 200, "application/json", json.dumps(info).encode()
