"""Realtime on the local stack, one run (these machines are noisy: read the ratio, not the times).

1. Latency from an event on the bus to the frame at a client (p50, p95): `InboxMessageAdded` put on
   the bus → rule → queue → push function → management API → WebSocket.
2. Fan-out of one broadcast frame to N open connections: the push function's own code (the
   connections read from the table, frames sent in parallel) against the floor of the bare
   `PostToConnection` calls to the same connections with the same parallelism, in the same run.

    python -m bench.realtime [--connections 1000] [--events 40]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "functions"), str(ROOT)]
REPORT = ROOT / "bench" / "realtime.md"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--events", type=int, default=40)
    args = parser.parse_args()
    os.environ.update(
        {"AWS_DEFAULT_REGION": "eu-central-1", "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}
    )

    import boto3
    import requests
    from websockets.sync.client import connect

    from infra.local import demo
    from infra.local.stack import REGION, LocalStack

    stack = LocalStack(function_log=Path(tempfile.gettempdir()) / "bench-realtime-functions.jsonl")
    stack.start()
    try:
        member = requests.post(
            f"{stack.api_url}/accounts/sessions",
            json={"email": demo.MEMBER.email, "password": demo.MEMBER.password},
            timeout=30,
        )
        if member.status_code != 200:  # no demo data yet: seed it
            cognito = boto3.client(
                "cognito-idp",
                endpoint_url=stack.moto.endpoint,
                region_name=REGION,
                aws_access_key_id="local",
                aws_secret_access_key="local",
            )
            demo.seed(stack.api_url, cognito, stack.resolver.physical_ids["UserPool"])
            member = requests.post(
                f"{stack.api_url}/accounts/sessions",
                json={"email": demo.MEMBER.email, "password": demo.MEMBER.password},
                timeout=30,
            )
        token = member.json()["access_token"]
        me = requests.get(
            f"{stack.api_url}/accounts/me", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        user_id = me.json()["user_id"]

        def socket() -> Any:
            granted = requests.post(
                f"{stack.api_url}/realtime/tickets", headers={"Authorization": f"Bearer {token}"}, timeout=30
            ).json()
            return connect(f"{granted['url']}?ticket={granted['ticket']}", open_timeout=30)

        # 1. latency, bus to frame
        events = boto3.client(
            "events",
            endpoint_url=stack.moto.endpoint,
            region_name=REGION,
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        bus = stack.resolver.physical_ids["EventBus"]
        latencies = []
        with socket() as client:
            for _ in range(args.events):
                event_id = uuid.uuid4().hex
                started = time.monotonic()
                events.put_events(
                    Entries=[
                        {
                            "Source": "portal.inbox",
                            "DetailType": "InboxMessageAdded",
                            "EventBusName": bus,
                            "Detail": json.dumps(
                                {
                                    "metadata": {"event_id": event_id, "occurred_at": "2026-11-29T12:00:00Z"},
                                    "data": {
                                        "user_id": user_id,
                                        "message_id": event_id,
                                        "kind": "ticket",
                                        "unread": 1,
                                    },
                                }
                            ),
                        }
                    ]
                )
                while json.loads(client.recv(timeout=30)).get("id") != event_id:
                    pass
                latencies.append((time.monotonic() - started) * 1000)

        # 2. fan-out to N connections: ours against the bare calls
        sockets = []
        with ThreadPoolExecutor(max_workers=16) as pool:
            sockets = list(pool.map(lambda _: socket(), range(args.connections)))
        received = [0]
        lock = threading.Lock()

        def drain(ws: Any) -> None:
            try:
                while True:
                    ws.recv()
                    with lock:
                        received[0] += 1
            except Exception:
                return

        for ws in sockets:
            threading.Thread(target=drain, args=(ws,), daemon=True).start()

        os.environ.update(
            {
                "CONNECTIONS_TABLE": stack.resolver.physical_ids["ConnectionsTable"],
                "REALTIME_ENDPOINT": f"{stack.api_url}/_local/realtime",
                "AWS_ENDPOINT_URL_DYNAMODB": stack.dynamodb.endpoint,
                "AWS_REGION": REGION,
                "AWS_ACCESS_KEY_ID": "local",
                "AWS_SECRET_ACCESS_KEY": "local",
                "STAGE": "local",
                "EVENT_BUS_NAME": bus,
                "POWERTOOLS_SERVICE_NAME": "bench",
            }
        )
        from realtime.dependencies import _management, push_service
        from realtime.pusher import PARALLEL

        service = push_service()
        connections = [c for c in service.store.of_user(user_id)]
        broadcast = {
            "detail-type": "InboxBroadcastPublished",
            "detail": {
                "metadata": {"event_id": "bench", "occurred_at": "2026-11-29T12:00:00Z"},
                "data": {"broadcast_id": "bench", "organisation_ids": []},
            },
        }
        client = _management(f"{stack.api_url}/_local/realtime")
        data = json.dumps(
            {"v": 1, "type": "inbox.broadcast", "id": "bench", "cursor": None, "data": {}}
        ).encode()

        def floor() -> None:
            with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
                list(
                    pool.map(
                        lambda c: client.post_to_connection(ConnectionId=c.connection_id, Data=data),
                        connections,
                    )
                )

        service.handle(broadcast)  # both once untimed: clients, connection pools, the stack's first calls
        floor()
        started = time.monotonic()
        ours = service.handle(broadcast)
        ours_seconds = time.monotonic() - started
        started = time.monotonic()
        floor()
        floor_seconds = time.monotonic() - started
        for ws in sockets:
            ws.close()
        time.sleep(3)  # the stack handles their $disconnect before it stops

        ordered = sorted(latencies)
        p50 = statistics.median(ordered)
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
        lines = [
            "# Realtime benchmark",
            "",
            f"One run on the local stack, `python -m bench.realtime --connections {args.connections} --events {args.events}`.",
            "",
            "## Latency, event on the bus to the frame at the client",
            "",
            f"- p50 {p50:.0f} ms, p95 {p95:.0f} ms over {len(ordered)} events (`InboxMessageAdded` → rule → queue →",
            "  push function → management API → WebSocket). Locally the queue is polled by the stack's event",
            "  delivery, which dominates; in AWS the SQS event source polls continuously.",
            "",
            f"## Fan-out of one broadcast frame to {len(connections)} connections",
            "",
            f"- our push (connections scanned from the table, {PARALLEL} in parallel; both sides once untimed before): {ours_seconds:.2f} s "
            f"({ours.sent} sent, {ours.gone} gone, {ours.failed} failed)",
            f"- floor, the bare `PostToConnection` calls to the same connections, {PARALLEL} in parallel: {floor_seconds:.2f} s",
            f"- **ratio ours / floor: {ours_seconds / floor_seconds:.2f}** (goal ≤ 1.3)",
            "",
        ]
        REPORT.write_text("\n".join(lines))
        print("\n".join(lines))
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
