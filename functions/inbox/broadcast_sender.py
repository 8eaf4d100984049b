"""SQS handler of broadcast pages: each message is one page of a broadcast's e-mails (inbox.broadcasts)."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from inbox.dependencies import broadcasts, logger
from shared.batch import process_batch


def record_handler(record: SQSRecord) -> None:
    broadcasts().run(json.loads(record.body))


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_batch(event, context, record_handler, logger)
