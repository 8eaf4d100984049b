"""SQS handler of the tickets' account events: an activated account takes over the requests its address
filed without one (anonymous form, mail to the support address); a changed address follows into the
person's requests; a person's export and erasure (tickets.privacy). Batches with partial failures; taking
over is idempotent (a ticket taken over is no longer unclaimed), so a redelivered event changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field

from shared import privacy
from shared.batch import process_batch
from tickets.dependencies import consumer, logger


class _Activated(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    user_id: str = Field(min_length=1, max_length=100)


def record_handler(record: SQSRecord) -> None:
    event: dict[str, Any] = json.loads(record.body)
    service = consumer()
    if privacy.handle(
        event,
        "tickets",
        service.publisher,
        export=service.export_part,
        erase=service.erase,
        parts=service.exports,
    ):
        return
    kind = event.get("detail-type")
    user_id = _Activated.model_validate(event["detail"]["data"]).user_id
    if kind == "UserActivated":
        consumer().take_over_earlier_requests(user_id)
    elif kind == "UserEmailChanged":
        consumer().follow_email_change(user_id)
    else:
        raise ValueError(f"the tickets do not consume {kind!r}")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_batch(event, context, record_handler, logger)
