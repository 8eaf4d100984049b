"""SQS handler of SES's bounce and complaint events (configuration set → default bus → rule → queue).

A hard bounce ("Permanent") or a complaint puts each address on the suppression list: every function
that sends mail skips it from then on (shared.mail), agents see it on the ticket and admins in the
calendar's settings. A soft bounce ("Transient", "Undetermined") is counted, never suppressed. SES's
own account-level list gets the same addresses through the configuration set's suppression options.
Writing is idempotent (the same event twice leaves the same item); the log names counts, no address.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field

from shared import aws
from shared.addresses import normalise_or_none
from shared.batch import process_batch
from shared.dynamo import to_item
from shared.log import get_logger
from shared.suppression import suppression_key

logger = get_logger("mail-feedback")


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class _Recipient(_Lenient):
    email_address: str = Field(alias="emailAddress", max_length=320)


class _Bounce(_Lenient):
    bounce_type: str = Field(alias="bounceType")
    recipients: list[_Recipient] = Field(alias="bouncedRecipients", default_factory=list)


class _Complaint(_Lenient):
    recipients: list[_Recipient] = Field(alias="complainedRecipients", default_factory=list)


class _Feedback(_Lenient):
    event_type: str = Field(alias="eventType")
    bounce: _Bounce | None = None
    complaint: _Complaint | None = None


@cache
def _table() -> str:
    return os.environ["MAIL_SUPPRESSION_TABLE"]


def record(feedback: dict[str, Any], at: str) -> tuple[int, int]:
    """(addresses suppressed, soft bounces counted) of one SES event."""
    event = _Feedback.model_validate(feedback)
    hard = event.event_type == "Complaint" or (
        event.bounce is not None and event.bounce.bounce_type == "Permanent"
    )
    reason = "complaint" if event.event_type == "Complaint" else "bounce"
    found = (event.complaint.recipients if event.complaint else []) + (
        event.bounce.recipients if event.bounce else []
    )
    db = aws.dynamodb()
    suppressed = soft = 0
    for recipient in found:
        address = normalise_or_none(recipient.email_address)
        if address is None:
            continue
        if hard:
            db.update_item(
                TableName=_table(),
                Key=suppression_key(address),
                UpdateExpression="SET suppressed_reason = :r, suppressed_at = if_not_exists(suppressed_at, :t)",
                ExpressionAttributeValues=to_item({":r": reason, ":t": at}),
            )
            suppressed += 1
        else:
            db.update_item(
                TableName=_table(),
                Key=suppression_key(address),
                UpdateExpression="ADD soft_bounces :one SET last_soft_bounce_at = :t",
                ExpressionAttributeValues=to_item({":one": 1, ":t": at}),
            )
            soft += 1
    return suppressed, soft


def record_handler(record_: SQSRecord) -> None:
    event = json.loads(record_.body)
    suppressed, soft = record(event["detail"], str(event.get("time", "")))
    logger.info(
        "mail feedback", extra={"type": event.get("detail-type"), "suppressed": suppressed, "soft": soft}
    )


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> Any:
    return process_batch(event, context, record_handler, logger)
