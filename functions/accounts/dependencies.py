"""Wires the accounts service once per process (cold start); tests replace pieces through `use`."""

from __future__ import annotations

from pathlib import Path

from accounts.identity_provider import CognitoIdentityProvider
from accounts.requests_queue import SqsRequestQueue
from accounts.service import AccountsService
from accounts.settings import get_settings
from accounts.store import AccountsStore
from shared import aws, secrets
from shared.clock import Clock, SystemClock
from shared.cursors import CursorCodec
from shared.events import EventPublisher
from shared.log import get_logger
from shared.mail import Mailer, MailRenderer
from shared.ratelimit import RateLimiter

logger = get_logger("accounts")
_service: AccountsService | None = None
_clock: Clock = SystemClock()


def service() -> AccountsService:
    global _service
    if _service is None:
        settings = get_settings()
        _service = AccountsService(
            store=AccountsStore(
                aws.dynamodb(),
                settings.accounts_table,
                CursorCodec(lambda: secrets.value(settings.signing_secret_arn)),
            ),
            identity=CognitoIdentityProvider(
                aws.cognito(), settings.user_pool_id, settings.user_pool_client_id
            ),
            mailer=Mailer(
                aws.sesv2(), settings.sender_address, MailRenderer(Path(__file__).parent / "mail_templates")
            ),
            publisher=EventPublisher(aws.events(), settings.event_bus_name, "portal.accounts", _clock),
            limiter=RateLimiter(aws.dynamodb(), settings.accounts_table),
            clock=_clock,
            settings=settings,
            logger=logger,
            requests=SqsRequestQueue(aws.sqs(), settings.account_requests_queue_url),
        )
    return _service


def use_clock(clock: Clock) -> None:
    """Tests: the next service built runs on this clock."""
    global _clock, _service
    _clock = clock
    _service = None


def rebuild() -> None:
    """Tests: build the service anew at the next request (after replacing a client)."""
    global _service
    _service = None


def reset() -> None:
    global _service, _clock
    _service = None
    _clock = SystemClock()
