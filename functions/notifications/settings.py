"""Settings of the notifications functions, one model per kind of function (template.yaml sets each)."""

from __future__ import annotations

from pydantic import Field

from shared.settings import FunctionSettings, load


class NotificationsSettings(FunctionSettings):
    notifications_table: str = Field(min_length=1)
    delivery_log_retention_days: int = Field(
        default=90, ge=1, description="How long a delivery log entry is kept"
    )


class NotificationsApiSettings(NotificationsSettings):
    accounts_table: str = Field(min_length=1, description="Read-only: the caller's membership and licence")
    signing_secret_arn: str = Field(min_length=1, description="Signs list cursors")
    page_size: int = Field(default=50, ge=1, le=200)
    mail_suppression_table: str = Field(default="", description="Read-only: addresses that receive no mail")


class DeliverySettings(NotificationsSettings):
    """The consumer and the every-minute retry run."""

    sender_address: str = Field(min_length=3)
    sms_sender_id: str = Field(default="Praxis", min_length=1, max_length=11)


def api_settings() -> NotificationsApiSettings:
    return load(NotificationsApiSettings)


def delivery_settings() -> DeliverySettings:
    return load(DeliverySettings)
