"""Settings of the inbox functions (template.yaml sets each variable)."""

from __future__ import annotations

from functools import cache

from pydantic import Field, HttpUrl

from shared.settings import FunctionSettings


class InboxSettings(FunctionSettings):
    inbox_table: str = Field(min_length=1)
    signing_secret_arn: str = Field(default="", description="HTTP function: signs list cursors")
    accounts_table: str = Field(min_length=1)
    sender_address: str = Field(default="support@example.com", min_length=3)
    portal_url: HttpUrl = Field(default=HttpUrl("https://portal.example.com"))
    broadcast_queue_url: str = Field(default="")
    mail_send_rate_per_second: int = Field(default=10, ge=1, le=1000)
    page_size: int = Field(default=25, ge=1, le=100)
    broadcast_page_size: int = Field(default=50, ge=1, le=500)
    broadcast_cache_seconds: int = Field(default=30, ge=0, le=3600)
    broadcast_lookback_days: int = Field(default=30, ge=1, le=365)
    reply_domain: str = Field(default="", description="Where answers to ticket mails go (SES receiving)")
    reply_secret_arn: str = Field(default="", description="The secret that signs reply addresses")


@cache
def get_settings() -> InboxSettings:
    return InboxSettings()  # type: ignore[call-arg]
