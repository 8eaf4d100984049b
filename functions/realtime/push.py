"""SQS handler of realtime's events (inbox news, appointment notices, sessions and memberships that
end): each becomes frames to the connections that may see it."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from realtime.dependencies import logger, push_service
from shared.batch import process_batch


def record_handler(record: SQSRecord) -> None:
    event = json.loads(record.body)
    pushed = push_service().handle(event)
    logger.info(
        "pushed",
        extra={
            "type": event.get("detail-type"),
            "sent": pushed.sent,
            "gone": pushed.gone,
            "failed": pushed.failed,
        },
    )


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> Any:
    return process_batch(event, context, record_handler, logger)
