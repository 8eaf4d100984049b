"""Frames to open connections through the WebSocket API's management endpoint, in parallel (bounded):
a gone connection (410) is deleted, throttling is retried by the SDK, and one slow or dead connection
never holds up the others (each call has its own short timeout)."""

from __future__ import annotations

import contextlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from realtime.store import Connection, ConnectionsStore

PARALLEL = 32


@dataclass(frozen=True)
class Pushed:
    sent: int = 0
    gone: int = 0
    failed: int = 0


class Pusher:
    def __init__(self, client: Any, store: ConnectionsStore, parallel: int = PARALLEL) -> None:
        self._client = client
        self._store = store
        self._parallel = parallel

    def _one(self, connection: Connection, data: bytes) -> str:
        try:
            self._client.post_to_connection(ConnectionId=connection.connection_id, Data=data)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code == "GoneException" or status == 410:
                self._store.delete_connection(connection.connection_id)
                return "gone"
            return "failed"
        except Exception:  # a timeout or a closed socket: this connection only
            return "failed"
        return "sent"

    def push(self, connections: list[Connection], frame: dict[str, Any]) -> Pushed:
        if not connections:
            return Pushed()
        data = json.dumps(frame, separators=(",", ":")).encode()
        with ThreadPoolExecutor(max_workers=min(self._parallel, len(connections))) as pool:
            results = list(pool.map(lambda c: self._one(c, data), connections))
        return Pushed(results.count("sent"), results.count("gone"), results.count("failed"))

    def close(self, connection: Connection) -> None:
        with contextlib.suppress(ClientError):  # gone already
            self._client.delete_connection(ConnectionId=connection.connection_id)
        self._store.delete_connection(connection.connection_id)
