"""Wires the knowledge-base service once per process; tests replace the clock."""

from __future__ import annotations

from kb.service import IndexHolder, KbService
from kb.settings import get_settings
from kb.store import KbStore
from shared import aws
from shared.clock import Clock, SystemClock
from shared.events import EventPublisher
from shared.log import get_logger
from shared.ratelimit import RateLimiter

logger = get_logger("kb")
_clock: Clock = SystemClock()
_service: KbService | None = None


def service() -> KbService:
    global _service
    if _service is None:
        settings = get_settings()
        store = KbStore(aws.dynamodb(), settings.kb_table)
        _service = KbService(
            store=store,
            indexes=IndexHolder(store=store, s3=aws.s3(), settings=settings),
            publisher=EventPublisher(aws.events(), settings.event_bus_name, "portal.kb", _clock),
            clock=_clock,
            logger=logger,
            limiter=RateLimiter(aws.dynamodb(), settings.kb_table),
            settings=settings,
        )
    return _service


def use_clock(clock: Clock) -> None:
    global _clock
    _clock = clock
    rebuild()


def rebuild() -> None:
    global _service
    _service = None


def reset() -> None:
    global _clock
    _clock = SystemClock()
    rebuild()
