"""Wires the inbox's services once per process (cold start); tests replace the clock."""

from __future__ import annotations

from pathlib import Path

from inbox.delivery import InboxDelivery
from inbox.service import InboxService, LatestBroadcast
from inbox.settings import get_settings
from inbox.store import InboxStore
from shared import aws, secrets
from shared.clock import Clock, SystemClock
from shared.cursors import CursorCodec
from shared.log import get_logger
from shared.mail import Mailer, MailRenderer

logger = get_logger("inbox")
_clock: Clock = SystemClock()
_service: InboxService | None = None
_delivery: InboxDelivery | None = None


def _store() -> InboxStore:
    settings = get_settings()
    return InboxStore(
        aws.dynamodb(),
        settings.inbox_table,
        settings.accounts_table,
        CursorCodec(lambda: secrets.value(settings.signing_secret_arn)),
    )


def mailer() -> Mailer:
    return Mailer(
        aws.sesv2(), get_settings().sender_address, MailRenderer(Path(__file__).parent / "mail_templates")
    )


def service() -> InboxService:
    global _service
    if _service is None:
        settings = get_settings()
        _service = InboxService(
            store=_store(),
            sqs=aws.sqs(),
            clock=_clock,
            settings=settings,
            logger=logger,
            latest=LatestBroadcast(seconds=settings.broadcast_cache_seconds),
        )
    return _service


def delivery() -> InboxDelivery:
    global _delivery
    if _delivery is None:
        _delivery = InboxDelivery(
            store=_store(), mailer=mailer(), clock=_clock, settings=get_settings(), logger=logger
        )
    return _delivery


def use_clock(clock: Clock) -> None:
    global _clock
    _clock = clock
    rebuild()


def rebuild() -> None:
    global _service, _delivery
    _service = None
    _delivery = None


def reset() -> None:
    global _clock
    _clock = SystemClock()
    rebuild()
