"""The notifications functions' parts, built once per process (shared.wiring)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from notifications.service import CalendarsService
from notifications.settings import api_settings, delivery_settings
from notifications.store import NotificationsStore
from shared import aws, wiring
from shared.clock import Clock
from shared.directory import Directory
from shared.log import get_logger
from shared.suppression import SuppressionList

if TYPE_CHECKING:
    from notifications.delivery import Notifier

logger = get_logger("notifications")


def _service(clock: Clock) -> CalendarsService:
    settings = api_settings()
    return CalendarsService(
        store=NotificationsStore(
            aws.dynamodb(), settings.notifications_table, wiring.cursors(settings.signing_secret_arn)
        ),
        directory=Directory(aws.dynamodb(), settings.accounts_table),
        clock=clock,
        settings=settings,
        suppression=SuppressionList(aws.dynamodb(), table)
        if (table := settings.mail_suppression_table)
        else None,
    )


def _notifier(clock: Clock) -> Notifier:
    from notifications.delivery import Notifier  # the consumer's and the retry run's, not the API's
    from shared import mail  # Jinja2 with the first mail, not at import
    from shared.sms import SmsSender

    settings = delivery_settings()
    return Notifier(
        store=NotificationsStore(
            aws.dynamodb(), settings.notifications_table, delivery_days=settings.delivery_log_retention_days
        ),
        # one attempt per send: SES and SNS sends are not idempotent (notifications/delivery.py)
        mailer=mail.mailer(Path(__file__).parent / "mail_templates", settings.sender_address, once=True),
        sms=SmsSender(aws.sns(once=True), settings.sms_sender_id),
        clock=clock,
        logger=logger,
        message_domain=settings.sender_address.rpartition("@")[2],
        publisher=wiring.publisher(settings.event_bus_name, "portal.notifications", clock),
    )


service = wiring.Wiring(_service)
notifier = wiring.Wiring(_notifier)
