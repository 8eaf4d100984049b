"""SQS handler of the accounts domain's public requests (registration, forgotten password): looks the
address up and sends the one mail that fits, after the HTTP answer has gone out the same for all; and
of the audit trail's events (what was done to an account, when; no personal content)."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from accounts.dependencies import logger, worker_service
from shared.batch import process_batch


def record_handler(record: SQSRecord) -> None:
    body = json.loads(record.body)
    if "detail-type" in body:  # an event of the audit trail (AccountsAuditRule)
        worker_service().record_act(body)
    else:
        worker_service().handle_request(body)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_batch(event, context, record_handler, logger)
