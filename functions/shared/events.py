"""Publishing domain events on the project's EventBridge bus.

`detail` is always {"metadata": {event_id, version, occurred_at, correlation_id}, "data": {...}};
docs/events.md is the catalogue. PutEvents takes at most 10 entries per call, and reports failures per
entry rather than raising, so both are handled here once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from shared.clock import Clock, iso
from shared.ids import new_id

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient

MAX_ENTRIES_PER_CALL = 10


@dataclass(frozen=True)
class DomainEvent:
    detail_type: str
    data: dict[str, Any]
    version: int = 1
    event_id: str = field(default_factory=new_id)


class EventPublishError(Exception):
    def __init__(self, failed: list[dict[str, Any]]) -> None:
        codes = sorted({str(f.get("ErrorCode")) for f in failed})
        super().__init__(f"{len(failed)} event(s) were not accepted: {', '.join(codes)}")
        self.failed = failed


class EventPublisher:
    def __init__(self, client: EventBridgeClient, bus_name: str, source: str, clock: Clock) -> None:
        self._client = client
        self._bus_name = bus_name
        self._source = source
        self._clock = clock

    def entry(self, event: DomainEvent, correlation_id: str | None = None) -> dict[str, Any]:
        detail = {
            "metadata": {
                "event_id": event.event_id,
                "version": event.version,
                "occurred_at": iso(self._clock.now()),
                "correlation_id": correlation_id or event.event_id,
            },
            "data": event.data,
        }
        return {
            "Source": self._source,
            "DetailType": event.detail_type,
            "Detail": json.dumps(detail, separators=(",", ":"), ensure_ascii=False),
            "EventBusName": self._bus_name,
        }

    def publish(self, events: list[DomainEvent], correlation_id: str | None = None) -> None:
        entries = [self.entry(e, correlation_id) for e in events]
        failed: list[dict[str, Any]] = []
        for start in range(0, len(entries), MAX_ENTRIES_PER_CALL):
            chunk = entries[start : start + MAX_ENTRIES_PER_CALL]
            response = self._client.put_events(Entries=chunk)  # type: ignore[arg-type]
            if response.get("FailedEntryCount", 0):
                failed.extend(dict(result) for result in response["Entries"] if result.get("ErrorCode"))
        if failed:
            raise EventPublishError(failed)


def publish_after_commit(publisher: EventPublisher, events: list[DomainEvent], logger: Logger) -> None:
    """Events follow a committed change: a failed publish is logged as an error, never undoes it."""
    try:
        publisher.publish(events)
    except (EventPublishError, ClientError, BotoCoreError) as error:
        logger.error(
            "event publish failed",
            extra={"detail_types": [e.detail_type for e in events], "error": type(error).__name__},
        )
