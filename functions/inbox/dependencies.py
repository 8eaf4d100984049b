"""The inbox functions' parts, built once per process (shared.wiring); each function builds only its own."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from inbox.service import InboxService, LatestBroadcast
from inbox.settings import api_settings, consumer_settings, sender_settings
from inbox.store import InboxStore
from shared import aws, wiring
from shared.clock import Clock
from shared.directory import Directory
from shared.log import get_logger
from shared.queues import SqsQueue

if TYPE_CHECKING:
    from inbox.broadcasts import BroadcastSender
    from inbox.delivery import InboxDelivery

logger = get_logger("inbox")
TEMPLATES = Path(__file__).parent / "mail_templates"


def _service(clock: Clock) -> InboxService:
    settings = api_settings()
    return InboxService(
        store=InboxStore(
            aws.dynamodb(),
            settings.inbox_table,
            wiring.cursors(settings.signing_secret_arn),
            settings.message_retention_days,
        ),
        directory=Directory(aws.dynamodb(), settings.accounts_table),
        broadcast_jobs=SqsQueue(aws.sqs(), settings.broadcast_queue_url),
        clock=clock,
        settings=settings,
        logger=logger,
        latest=LatestBroadcast(seconds=settings.broadcast_cache_seconds),
        signing_key=wiring.secret(settings.signing_secret_arn),
    )


def _delivery(clock: Clock) -> InboxDelivery:
    from inbox.delivery import InboxDelivery  # each function imports only its own part
    from shared import mail  # Jinja2 with the first mail, not at import

    settings = consumer_settings()
    return InboxDelivery(
        store=InboxStore(aws.dynamodb(), settings.inbox_table, message_days=settings.message_retention_days),
        directory=Directory(aws.dynamodb(), settings.accounts_table),
        mailer=mail.mailer(TEMPLATES, settings.sender_address),
        reply_key=wiring.secret(settings.reply_secret_arn) if settings.reply_secret_arn else None,
        clock=clock,
        settings=settings,
        logger=logger,
        publisher=wiring.publisher(settings.event_bus_name, "portal.inbox", clock),
    )


def _broadcasts(clock: Clock) -> BroadcastSender:
    from inbox.broadcasts import BroadcastSender
    from shared import mail  # Jinja2 with the first mail, not at import

    settings = sender_settings()
    return BroadcastSender(
        store=InboxStore(aws.dynamodb(), settings.inbox_table, message_days=settings.message_retention_days),
        directory=Directory(aws.dynamodb(), settings.accounts_table),
        mailer=mail.mailer(TEMPLATES, settings.sender_address),
        jobs=SqsQueue(aws.sqs(), settings.broadcast_queue_url),
        clock=clock,
        settings=settings,
        logger=logger,
        signing_key=wiring.secret(settings.signing_secret_arn),
        publisher=wiring.publisher(settings.event_bus_name, "portal.inbox", clock),
    )


service = wiring.Wiring(_service)
delivery = wiring.Wiring(_delivery)
broadcasts = wiring.Wiring(_broadcasts)
