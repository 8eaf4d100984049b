"""SQS handler of the inbox: ticket events and invoices, in batches with partial failures, idempotent
on each event's id (powertools idempotency, records kept in the inbox table); and the inbox's part of a
person's export and erasure (inbox.privacy; idempotent by nature)."""

from __future__ import annotations

import json
from functools import cache, partial
from typing import Any

from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from inbox import privacy as inbox_privacy
from inbox.dependencies import delivery, logger
from inbox.settings import consumer_settings
from shared import aws, privacy
from shared.batch import process_batch
from shared.privacy import ExportParts

CONFIG = IdempotencyConfig(
    event_key_jmespath="detail.metadata.event_id",
    raise_on_no_idempotency_key=True,
    expires_after_seconds=7 * 24 * 3600,
)


@cache
def _process() -> Any:
    """The idempotent event handler, built at the first invocation (settings are read then, not at import)."""
    persistence = DynamoDBPersistenceLayer(
        table_name=consumer_settings().inbox_table,
        key_attr="PK",
        sort_key_attr="SK",
        static_pk_value="IDEMPOTENCY",
        expiry_attr="expires_at",
        boto3_client=aws.dynamodb(),
    )

    @idempotent_function(data_keyword_argument="event", config=CONFIG, persistence_store=persistence)
    def process(event: dict[str, Any]) -> dict[str, int]:
        return {"recipients": delivery().handle(event)}

    return process


@cache
def _exports() -> ExportParts:
    return ExportParts(aws.s3(), consumer_settings().exports_bucket)


def record_handler(record: SQSRecord) -> None:
    event = json.loads(record.body)
    parts = delivery()
    if parts.publisher is not None and privacy.handle(
        event,
        "inbox",
        parts.publisher,
        export=partial(inbox_privacy.export_part, parts.store, parts.directory),
        erase=partial(inbox_privacy.erase, parts.store, parts.directory),
        parts=_exports(),
    ):
        return
    _process()(event=event)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    CONFIG.register_lambda_context(context)
    return process_batch(event, context, record_handler, logger)
