"""SQS batches with partial failures, as every queue consumer here runs them: each failed record is
logged (its message id and the error's type; never the body or the error's text, which may quote
personal data) and reported, so SQS redelivers only it and the log says why a retry happens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext


def process_batch(
    event: dict[str, Any],
    context: LambdaContext,
    record_handler: Callable[[SQSRecord], None],
    logger: Logger,
) -> PartialItemFailureResponse:
    def logged(record: SQSRecord) -> None:
        try:
            record_handler(record)
        except Exception as error:
            logger.warning(
                "record failed",
                extra={
                    "message_id": record.message_id,
                    "error_type": type(error).__name__,
                    # an AWS error's code (no message: it may quote the item)
                    "error_code": str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))
                    or None,
                    "receive_count": (record.raw_event.get("attributes") or {}).get(
                        "ApproximateReceiveCount"
                    ),
                },
            )
            raise

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(event=event, record_handler=logged, processor=processor, context=context)
