"""The tickets functions' parts, built once per process (shared.wiring)."""

from __future__ import annotations

from collections.abc import Callable

from shared import aws, wiring
from shared.clock import Clock
from shared.cursors import CursorCodec
from shared.directory import Directory
from shared.log import get_logger
from shared.privacy import ExportParts
from shared.ratelimit import RateLimiter
from shared.settings import load
from shared.suppression import SuppressionList
from tickets.agent_directory import AgentDirectory, CognitoAgentDirectory, NoAgentDirectory
from tickets.attachments import AttachmentLinks
from tickets.mailbox import S3Mailbox
from tickets.service import TicketsService
from tickets.settings import TicketsEventsSettings, TicketsSettings, api_settings, mail_settings
from tickets.store import TicketsStore

logger = get_logger("tickets")


def _no_signing_key() -> bytes:
    raise RuntimeError("this function signs no links")


def _build(
    clock: Clock,
    settings: TicketsSettings,
    cursors: CursorCodec | None,
    agents: AgentDirectory,
    signing_key: Callable[[], bytes],
) -> TicketsService:
    return TicketsService(
        store=TicketsStore(aws.dynamodb(), settings.tickets_table, cursors),
        directory=Directory(aws.dynamodb(), settings.accounts_table),
        links=AttachmentLinks(aws.s3(), settings.attachments_bucket),
        publisher=wiring.publisher(settings.event_bus_name, "portal.tickets", clock),
        limiter=RateLimiter(aws.dynamodb(), settings.tickets_table),
        clock=clock,
        settings=settings,
        logger=logger,
        agents=agents,
        signing_key=signing_key,
        suppression=SuppressionList(aws.dynamodb(), table)
        if (table := settings.mail_suppression_table)
        else None,
    )


def _api(clock: Clock) -> TicketsService:
    settings = api_settings()
    return _build(
        clock,
        settings,
        wiring.cursors(settings.signing_secret_arn),
        CognitoAgentDirectory(aws.cognito(), settings.user_pool_id),
        wiring.secret(settings.signing_secret_arn),
    )


def _mail(clock: Clock) -> tuple[TicketsService, S3Mailbox, Callable[[], bytes]]:
    """The mail function: the service, received mail, and the key that signs reply addresses."""
    settings = mail_settings()
    service = _build(clock, settings, None, NoAgentDirectory(), _no_signing_key)
    mailbox = S3Mailbox(aws.s3(), settings.inbound_mail_bucket, settings.inbound_mail_prefix)
    return service, mailbox, wiring.secret(settings.reply_secret_arn)


def _consumer(clock: Clock) -> TicketsService:
    """The account-events function: no links to sign, no agents to look up; a person's export and
    erasure reach the exports bucket and received mail."""
    settings = load(TicketsEventsSettings)
    service = _build(clock, settings, None, NoAgentDirectory(), _no_signing_key)
    service.exports = ExportParts(aws.s3(), settings.exports_bucket)
    service.received = S3Mailbox(aws.s3(), settings.inbound_mail_bucket, settings.inbound_mail_prefix)
    return service


def _retention(clock: Clock) -> TicketsService:
    """The daily retention run: the store and the files, nothing else."""
    return _build(clock, load(TicketsSettings), None, NoAgentDirectory(), _no_signing_key)


service = wiring.Wiring(_api)
mail = wiring.Wiring(_mail)
retention = wiring.Wiring(_retention)
consumer = wiring.Wiring(_consumer)
