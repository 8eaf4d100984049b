"""The realtime functions' parts, built once per process (shared.wiring)."""

from __future__ import annotations

from functools import partial

from realtime.pusher import Pusher
from realtime.service import Realtime
from realtime.settings import api_settings, push_settings
from realtime.store import ConnectionsStore
from shared import aws, wiring
from shared.clock import Clock
from shared.directory import read_profile_item
from shared.log import get_logger

logger = get_logger("realtime")


def _management(endpoint: str) -> object:
    """The WebSocket API's management client: short timeouts (a dead connection must not hold the
    fan-out), the SDK's standard retries for throttling."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "apigatewaymanagementapi",
        endpoint_url=endpoint,
        config=Config(
            connect_timeout=2,
            read_timeout=3,
            retries={"mode": "standard", "max_attempts": 3},
            max_pool_connections=64,
        ),
    )


def _api(clock: Clock) -> Realtime:
    settings = api_settings()
    return Realtime(
        store=ConnectionsStore(aws.dynamodb(), settings.connections_table),
        pusher=None,
        settings=settings,
        logger=logger,
        profile=partial(read_profile_item, aws.dynamodb(), settings.accounts_table, consistent=True),
    )


def _push(clock: Clock) -> Realtime:
    settings = push_settings()
    store = ConnectionsStore(aws.dynamodb(), settings.connections_table)
    return Realtime(
        store=store,
        pusher=Pusher(_management(settings.realtime_endpoint), store),
        settings=settings,
        logger=logger,
        publisher=wiring.publisher(settings.event_bus_name, "portal.realtime", clock),
    )


service = wiring.Wiring(_api)
push_service = wiring.Wiring(_push)
