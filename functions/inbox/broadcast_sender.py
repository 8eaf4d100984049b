"""Sends a broadcast's e-mails one page at a time. Each page is one queue message; the next page is
queued with a delay that keeps the average at the configured send rate, so nothing sleeps and a
failed page is retried alone. Users who opted out of marketing mails get the inbox copy only."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from inbox.dependencies import logger, mailer
from inbox.settings import InboxSettings, get_settings
from inbox.store import InboxStore
from shared import aws
from shared.clock import Clock, SystemClock
from shared.i18n import Language
from shared.mail import Mailer

MAX_DELAY_SECONDS = 900


@dataclass
class BroadcastSender:
    store: InboxStore
    mailer: Mailer
    sqs: Any
    clock: Clock
    settings: InboxSettings

    @property
    def page_size(self) -> int:
        return min(self.settings.broadcast_page_size, self.settings.mail_send_rate_per_second * 10)

    def recipients(self, job: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """One page of recipients and the cursor of the next page (None: done)."""
        broadcast_orgs: list[str] = job["organisation_ids"]
        if not broadcast_orgs:
            users, last = self.store.users_page(job.get("cursor"), self.page_size)
            return users, ({"cursor": last} if last else None)
        index = int((job.get("cursor") or {}).get("org", 0))
        members = self.store.organisation_members(broadcast_orgs[index])
        profiles = {p["user_id"]: p for p in self.store.profiles([str(m["user_id"]) for m in members])}
        users = [profiles.get(str(m["user_id"]), m) for m in members]
        return users, ({"cursor": {"org": index + 1}} if index + 1 < len(broadcast_orgs) else None)

    def run(self, job: dict[str, Any]) -> int:
        broadcast = self.store.get_broadcast(str(job["broadcast_id"]))
        if broadcast is None:
            raise ValueError("unknown broadcast")
        users, following = self.recipients({**job, "organisation_ids": broadcast.organisation_ids})
        opted_out = self.store.marketing_opt_outs([str(u["user_id"]) for u in users])
        expires = int((self.clock.now() + timedelta(days=30)).timestamp())
        sent = 0
        for user in users:
            if str(user["user_id"]) in opted_out or not user.get("email"):
                continue
            if not self.store.claim_delivery(broadcast.broadcast_id, str(user["email"]), expires):
                continue
            language: Language = "en" if user.get("language") == "en" else "de"
            context = {
                "subject": broadcast.subject,
                "body": broadcast.body,
                "full_name": user.get("full_name", ""),
            }
            try:
                provider_id = self.mailer.send(
                    to=str(user["email"]),
                    template="broadcast",
                    language=language,
                    context=context,
                    reference_id=broadcast.broadcast_id,
                )
            except Exception:
                self.store.finish_delivery(broadcast.broadcast_id, str(user["email"]), "failed")
                raise
            self.store.finish_delivery(broadcast.broadcast_id, str(user["email"]), "sent", provider_id)
            sent += 1
        if following is not None:
            delay = min(MAX_DELAY_SECONDS, math.ceil(max(sent, 1) / self.settings.mail_send_rate_per_second))
            self.sqs.send_message(
                QueueUrl=self.settings.broadcast_queue_url,
                MessageBody=json.dumps({"broadcast_id": broadcast.broadcast_id, **following}),
                DelaySeconds=delay,
            )
        logger.info(
            "broadcast page sent",
            extra={"broadcast_id": broadcast.broadcast_id, "sent": sent, "more": following is not None},
        )
        return sent


_sender: BroadcastSender | None = None


def sender(clock: Clock | None = None) -> BroadcastSender:
    global _sender
    if _sender is None or clock is not None:
        settings = get_settings()
        _sender = BroadcastSender(
            store=InboxStore(aws.dynamodb(), settings.inbox_table, settings.accounts_table),
            mailer=mailer(),
            sqs=aws.sqs(),
            clock=clock or SystemClock(),
            settings=settings,
        )
    return _sender


def record_handler(record: SQSRecord) -> None:
    sender().run(json.loads(record.body))


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
