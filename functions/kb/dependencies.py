"""The knowledge-base function's parts, built once per process (shared.wiring)."""

from __future__ import annotations

from kb.index_holder import IndexHolder
from kb.service import KbService
from kb.settings import api_settings
from kb.snapshots import S3Snapshots
from kb.store import KbStore
from shared import aws, wiring
from shared.clock import Clock
from shared.log import get_logger
from shared.ratelimit import RateLimiter

logger = get_logger("kb")


def _service(clock: Clock) -> KbService:
    settings = api_settings()
    store = KbStore(aws.dynamodb(), settings.kb_table)
    return KbService(
        store=store,
        indexes=IndexHolder(
            store=store, snapshots=S3Snapshots(aws.s3(), settings.kb_index_bucket), settings=settings
        ),
        publisher=wiring.publisher(settings.event_bus_name, "portal.kb", clock),
        clock=clock,
        logger=logger,
        limiter=RateLimiter(aws.dynamodb(), settings.kb_table),
        settings=settings,
    )


service = wiring.Wiring(_service)
