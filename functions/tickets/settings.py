"""Settings of the tickets functions (template.yaml sets each variable)."""

from __future__ import annotations

from functools import cache

from pydantic import Field

from shared.settings import FunctionSettings


class TicketsSettings(FunctionSettings):
    tickets_table: str = Field(min_length=1)
    signing_secret_arn: str = Field(default="", description="HTTP function: signs cursors and download links")
    accounts_table: str = Field(default="", description="Read-only: profiles of signed-in callers")
    attachments_bucket: str = Field(default="")
    user_pool_id: str = Field(default="", description="To check that an assignee is an agent")
    case_number_start: int = Field(default=10000, ge=1)
    max_attachment_bytes: int = Field(default=4 * 1024 * 1024, ge=1)
    upload_slot_seconds: int = Field(default=300, ge=30, le=3600)
    download_link_seconds: int = Field(default=60, ge=10, le=3600)
    requests_per_source_per_hour: int = Field(default=30, ge=1)
    submissions_per_address_per_hour: int = Field(default=5, ge=1)
    page_size: int = Field(default=25, ge=1, le=100)
    inbound_mail_bucket: str = Field(default="", description="Where SES stores received mails")
    inbound_mail_prefix: str = Field(default="inbound/")
    reply_domain: str = Field(default="", description="The domain of the reply addresses (SES receiving)")
    reply_secret_arn: str = Field(default="", description="The secret that signs reply addresses")
    sender_address: str = Field(default="support@example.com", description="Our own sender (never a reply)")


@cache
def get_settings() -> TicketsSettings:
    return TicketsSettings()  # type: ignore[call-arg]
