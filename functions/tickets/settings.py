"""Settings of the tickets functions, one model per function (template.yaml sets each variable)."""

from __future__ import annotations

from pydantic import Field

from shared.settings import FunctionSettings, load


class AttachmentScanSettings(FunctionSettings):
    tickets_table: str = Field(min_length=1)
    max_attachment_bytes: int = Field(default=4 * 1024 * 1024, ge=1)


class TicketsSettings(AttachmentScanSettings):
    """What the tickets service needs wherever it runs (the HTTP function and the mail function)."""

    accounts_table: str = Field(min_length=1, description="Read-only: profiles and e-mail claims")
    attachments_bucket: str = Field(min_length=1)
    case_number_start: int = Field(default=10000, ge=1)
    upload_slot_seconds: int = Field(default=300, ge=30, le=3600)
    download_link_seconds: int = Field(default=60, ge=10, le=3600)
    requests_per_source_per_hour: int = Field(default=30, ge=1)
    submissions_per_address_per_hour: int = Field(default=5, ge=1)
    anonymous_uploads_per_source_per_hour: int = Field(default=30, ge=1)
    page_size: int = Field(default=25, ge=1, le=100)
    mail_suppression_table: str = Field(default="", description="Read-only: who does not receive mail")
    closed_ticket_retention_days: int = Field(
        default=1095, ge=30, description="A closed ticket without activity is deleted after this many days"
    )


class TicketsApiSettings(TicketsSettings):
    signing_secret_arn: str = Field(min_length=1, description="Signs list cursors and download links")
    user_pool_id: str = Field(min_length=1, description="To check that an assignee is an agent")


class TicketsMailSettings(TicketsSettings):
    inbound_mail_bucket: str = Field(min_length=1, description="Where SES stores received mails")
    inbound_mail_prefix: str = Field(default="inbound/")
    reply_domain: str = Field(min_length=1, description="The domain of the reply addresses (SES receiving)")
    reply_secret_arn: str = Field(min_length=1, description="The secret that signs reply addresses")
    sender_address: str = Field(min_length=3, description="Our own sender (never a reply)")
    support_address: str = Field(min_length=3, description="Mail to it becomes a new request")
    mail_request_type: str = Field(default="email_request", description="The type of requests by mail")
    mail_requests_per_sender_per_hour: int = Field(default=5, ge=1)
    mail_requests_per_domain_per_hour: int = Field(default=30, ge=1)


class TicketsEventsSettings(TicketsSettings):
    """The account-events function: a person's export and erasure reach received mail and exports."""

    exports_bucket: str = Field(min_length=1, description="Privacy exports: where the tickets' part goes")
    inbound_mail_bucket: str = Field(min_length=1, description="Received mails, deleted in an erasure")
    inbound_mail_prefix: str = Field(default="inbound/")


def api_settings() -> TicketsApiSettings:
    return load(TicketsApiSettings)


def mail_settings() -> TicketsMailSettings:
    return load(TicketsMailSettings)


def scan_settings() -> AttachmentScanSettings:
    return load(AttachmentScanSettings)
