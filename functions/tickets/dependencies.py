"""Wires the tickets service once per process (cold start); tests replace pieces through `use_clock`."""

from __future__ import annotations

from botocore.exceptions import ClientError

from shared import aws, secrets
from shared.clock import Clock, SystemClock
from shared.cursors import CursorCodec
from shared.events import EventPublisher
from shared.identity import AGENTS_GROUP
from shared.log import get_logger
from shared.ratelimit import RateLimiter
from tickets.attachments import AttachmentLinks
from tickets.service import TicketsService
from tickets.settings import get_settings
from tickets.store import TicketsStore

logger = get_logger("tickets")
_service: TicketsService | None = None
_clock: Clock = SystemClock()


def _is_agent_user(user_id: str) -> bool:
    """Whether a user id belongs to the agents group (asked of the user pool, by the user's sub)."""
    settings = get_settings()
    try:
        groups = aws.cognito().admin_list_groups_for_user(UserPoolId=settings.user_pool_id, Username=user_id)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "UserNotFoundException":
            return False
        raise
    return any(g.get("GroupName") == AGENTS_GROUP for g in groups.get("Groups", []))


def service() -> TicketsService:
    global _service
    if _service is None:
        settings = get_settings()
        _service = TicketsService(
            store=TicketsStore(
                aws.dynamodb(),
                settings.tickets_table,
                settings.accounts_table,
                CursorCodec(lambda: secrets.value(settings.signing_secret_arn)),
            ),
            links=AttachmentLinks(aws.s3(), settings.attachments_bucket),
            publisher=EventPublisher(aws.events(), settings.event_bus_name, "portal.tickets", _clock),
            limiter=RateLimiter(aws.dynamodb(), settings.tickets_table),
            clock=_clock,
            settings=settings,
            logger=logger,
            is_agent_user=_is_agent_user,
            signing_key=lambda: secrets.value(settings.signing_secret_arn),
        )
    return _service


def use_clock(clock: Clock) -> None:
    global _clock, _service
    _clock = clock
    _service = None


def rebuild() -> None:
    global _service
    _service = None


def reset() -> None:
    global _service, _clock
    _service = None
    _clock = SystemClock()
