"""The accounts functions' parts, built once per process (shared.wiring)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from accounts.identity_provider import CognitoIdentityProvider
from accounts.service import AccountsService
from accounts.settings import AccountsSettings, api_settings, worker_settings
from accounts.store import AccountsStore
from shared import aws, wiring
from shared.calendar_usage import calendars_in_use
from shared.clock import Clock
from shared.cursors import CursorCodec
from shared.log import get_logger
from shared.privacy import ExportParts
from shared.queues import SqsQueue
from shared.ratelimit import RateLimiter

logger = get_logger("accounts")


def _build(
    clock: Clock,
    settings: AccountsSettings,
    cursors: CursorCodec | None,
    calendar_usage: Callable[[str], int] | None = None,
) -> AccountsService:
    from shared import mail  # Jinja2 with the first mail, not at import

    return AccountsService(
        store=AccountsStore(aws.dynamodb(), settings.accounts_table, cursors),
        identity=CognitoIdentityProvider(aws.cognito(), settings.user_pool_id, settings.user_pool_client_id),
        mailer=mail.mailer(Path(__file__).parent / "mail_templates", settings.sender_address),
        publisher=wiring.publisher(settings.event_bus_name, "portal.accounts", clock),
        limiter=RateLimiter(aws.dynamodb(), settings.accounts_table),
        clock=clock,
        settings=settings,
        logger=logger,
        requests=SqsQueue(aws.sqs(), settings.account_requests_queue_url),
        calendar_usage=calendar_usage,
        exports=ExportParts(aws.s3(), settings.exports_bucket),
    )


def _api(clock: Clock) -> AccountsService:
    settings = api_settings()
    return _build(
        clock,
        settings,
        wiring.cursors(settings.signing_secret_arn),
        partial(calendars_in_use, aws.dynamodb(), settings.notifications_table),
    )


def _worker(clock: Clock) -> AccountsService:
    return _build(clock, worker_settings(), None)


service = wiring.Wiring(_api)
worker_service = wiring.Wiring(_worker)
