"""Settings of the notifications functions (template.yaml sets each variable)."""

from __future__ import annotations

from functools import cache

from pydantic import Field

from shared.settings import FunctionSettings


class NotificationsSettings(FunctionSettings):
    notifications_table: str = Field(min_length=1)
    signing_secret_arn: str = Field(default="", description="HTTP function: signs list cursors")
    accounts_table: str = Field(default="")
    sender_address: str = Field(default="support@example.com", min_length=3)
    sms_sender_id: str = Field(default="Praxis", min_length=1, max_length=11)
    page_size: int = Field(default=50, ge=1, le=200)


@cache
def get_settings() -> NotificationsSettings:
    return NotificationsSettings()  # type: ignore[call-arg]
