"""Settings of the inbox functions, one model per function (template.yaml sets each variable)."""

from __future__ import annotations

from pydantic import Field, HttpUrl

from shared.settings import FunctionSettings, load


class InboxSettings(FunctionSettings):
    """What every inbox function reads."""

    inbox_table: str = Field(min_length=1)
    accounts_table: str = Field(min_length=1, description="Read-only: recipients' profiles")
    message_retention_days: int = Field(default=730, ge=1, description="How long an inbox message is kept")


class InboxApiSettings(InboxSettings):
    signing_secret_arn: str = Field(min_length=1, description="Signs list cursors")
    broadcast_queue_url: str = Field(min_length=1, description="Where a new broadcast's first page goes")
    page_size: int = Field(default=25, ge=1, le=100)
    broadcast_cache_seconds: int = Field(default=30, ge=0, le=3600)
    broadcast_lookback_days: int = Field(default=30, ge=1, le=365)


class InboxConsumerSettings(InboxSettings):
    sender_address: str = Field(min_length=3)
    portal_url: HttpUrl = Field(description="Links in mails point there")
    reply_domain: str = Field(default="", description="Reply-To of ticket mails; empty: mails get none")
    reply_secret_arn: str = Field(default="", description="Signs reply addresses; empty: mails get none")
    exports_bucket: str = Field(min_length=1, description="Privacy exports: where the inbox's part goes")


class BroadcastSenderSettings(InboxSettings):
    sender_address: str = Field(min_length=3)
    signing_secret_arn: str = Field(min_length=1, description="Signs each person's unsubscribe link")
    api_url: HttpUrl = Field(description="The API's public URL: one-click unsubscribe posts there")
    portal_url: HttpUrl = Field(description="The visible unsubscribe link opens the portal's page")
    broadcast_queue_url: str = Field(min_length=1, description="The next page of a broadcast goes here")
    mail_send_rate_per_second: int = Field(default=10, ge=1, le=1000)
    broadcast_page_size: int = Field(default=50, ge=1, le=500)


def api_settings() -> InboxApiSettings:
    return load(InboxApiSettings)


def consumer_settings() -> InboxConsumerSettings:
    return load(InboxConsumerSettings)


def sender_settings() -> BroadcastSenderSettings:
    return load(BroadcastSenderSettings)
