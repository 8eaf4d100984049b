"""SQS handler of appointment events: batches with partial failures; each (event, channel) is
delivered once because its delivery item is claimed before anything is sent. A malformed event is
logged (which fields, no values) and counted as `MalformedAppointmentEvents` (alarmed in the template)
before it fails towards the dead-letter queue."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from notifications import privacy as notifications_privacy
from notifications.dependencies import logger, notifier
from notifications.events import AppointmentEvent
from shared import privacy

metrics = Metrics(namespace="SupportPortal", service="notifications-consumer")


def _malformed(record: SQSRecord, body: object, fields: list[str]) -> None:
    """Says which event and which fields (never their values: they may name a patient), once per event:
    the record still fails, so the queue's redrive keeps it in the dead-letter queue."""
    detail = body.get("detail") if isinstance(body, dict) else None
    metadata = detail.get("metadata") if isinstance(detail, dict) else None
    if int((record.raw_event.get("attributes") or {}).get("ApproximateReceiveCount") or "1") > 1:
        return
    logger.error(
        "malformed appointment event",
        extra={
            "event_id": str(metadata.get("event_id"))[:100] if isinstance(metadata, dict) else None,
            "detail_type": str(body.get("detail-type"))[:60] if isinstance(body, dict) else None,
            "fields": fields[:20],
        },
    )
    metrics.add_metric(name="MalformedAppointmentEvents", unit=MetricUnit.Count, value=1)
    metrics.flush_metrics()  # rare: written when it happens, not after every (empty) batch


def record_handler(record: SQSRecord) -> None:
    try:
        body = json.loads(record.body)
    except ValueError:
        _malformed(record, None, ["body"])
        raise
    parts = notifier()
    if (
        isinstance(body, dict)
        and parts.publisher is not None
        and privacy.handle(
            body,
            "notifications",
            parts.publisher,
            export=partial(notifications_privacy.export_part, parts.store),
            erase=partial(notifications_privacy.erase, parts.store),
            parts=notifications_privacy.exports(),
        )
    ):
        return
    try:
        event = AppointmentEvent.model_validate(body)
    except ValidationError as error:
        _malformed(record, body, [".".join(str(p) for p in e["loc"]) for e in error.errors()])
        raise
    notifier().handle(event)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
