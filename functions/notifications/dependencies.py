"""Wires the notifications services once per process; tests replace the clock."""

from __future__ import annotations

from pathlib import Path

from notifications.delivery import Notifier
from notifications.service import CalendarsService
from notifications.settings import get_settings
from notifications.store import NotificationsStore
from shared import aws, secrets
from shared.clock import Clock, SystemClock
from shared.cursors import CursorCodec
from shared.log import get_logger
from shared.mail import Mailer, MailRenderer
from shared.sms import SmsSender

logger = get_logger("notifications")
_clock: Clock = SystemClock()
_service: CalendarsService | None = None
_notifier: Notifier | None = None


def _store() -> NotificationsStore:
    settings = get_settings()
    return NotificationsStore(
        aws.dynamodb(),
        settings.notifications_table,
        settings.accounts_table,
        CursorCodec(lambda: secrets.value(settings.signing_secret_arn)),
    )


def service() -> CalendarsService:
    global _service
    if _service is None:
        _service = CalendarsService(store=_store(), clock=_clock, settings=get_settings())
    return _service


def notifier() -> Notifier:
    global _notifier
    if _notifier is None:
        settings = get_settings()
        _notifier = Notifier(
            store=_store(),
            mailer=Mailer(
                aws.sesv2(once=True),
                settings.sender_address,
                MailRenderer(Path(__file__).parent / "mail_templates"),
            ),
            sms=SmsSender(aws.sns(once=True), settings.sms_sender_id),
            message_domain=settings.sender_address.rpartition("@")[2],
            clock=_clock,
            logger=logger,
        )
    return _notifier


def use_clock(clock: Clock) -> None:
    global _clock
    _clock = clock
    rebuild()


def rebuild() -> None:
    global _service, _notifier
    _service = None
    _notifier = None


def reset() -> None:
    global _clock
    _clock = SystemClock()
    rebuild()
