"""SQS handler of the accounts domain's public requests (registration, forgotten password): looks the
address up and sends the one mail that fits, after the HTTP answer has gone out the same for all; and
of the audit trail's events (what was done to an account, when; no personal content); of the privacy
requests (the account's own part, each domain's answer); and, scheduled, of erasures to ask again."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from accounts.dependencies import logger, worker_service
from accounts.signup import AUDITED
from shared import privacy
from shared.batch import process_batch


def record_handler(record: SQSRecord) -> None:
    body = json.loads(record.body)
    if "detail-type" not in body:  # a public request (registration, forgotten password)
        worker_service().handle_request(body)
        return
    service = worker_service()
    kind = body["detail-type"]
    data = body["detail"]["data"]
    if kind in AUDITED:  # an event of the audit trail (AccountsAuditRule)
        service.record_act(body)
    if kind == "UserExportPartReady":
        service.export_part_ready(str(data["export_id"]), str(data["domain"]))
    elif kind == "UserErasureConfirmed":
        service.erasure_confirmed(str(data["erasure_id"]), str(data["domain"]))
    else:  # the account's own part of an export or erasure (AccountsPrivacyRule)
        privacy.handle(
            body,
            "accounts",
            service.publisher,
            export=service.export_account_part,
            erase=service.erase_account_part,
            parts=service.exports,
        )


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse | dict[str, int]:
    if "Records" not in event:  # the schedule: erasures a domain has not confirmed are asked again
        return {"asked_again": worker_service().retry_erasures()}
    return process_batch(event, context, record_handler, logger)
