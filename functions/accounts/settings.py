"""Settings of the accounts function (template.yaml sets each variable)."""

from __future__ import annotations

from pydantic import Field, HttpUrl

from shared.settings import FunctionSettings, load


class AccountsSettings(FunctionSettings):
    accounts_table: str = Field(min_length=1)
    account_requests_queue_url: str = Field(min_length=1, description="Public requests the worker mails")
    user_pool_id: str = Field(min_length=1)
    user_pool_client_id: str = Field(min_length=1)
    sender_address: str = Field(min_length=3)
    portal_url: HttpUrl = Field(description="Base URL of the web portal; e-mailed links point there")
    activation_hours: int = Field(default=24, ge=1, le=168)
    password_reset_minutes: int = Field(default=60, ge=5, le=1440)
    invitation_days: int = Field(default=7, ge=1, le=30)
    default_licensed_practitioners: int = Field(default=1, ge=1)
    # Per hour: e-mails to one address, and anonymous requests from one source address.
    mails_per_address_per_hour: int = Field(default=5, ge=1)
    requests_per_source_per_hour: int = Field(default=30, ge=1)
    federation_providers: str = Field(
        default="", description="Sign-in providers switched on: Google,Facebook"
    )
    auth_domain: str = Field(default="", description="The user pool's sign-in domain (hosted sign-in)")
    exports_bucket: str = Field(
        min_length=1, description="Privacy exports: the domains' parts and the archives"
    )
    export_hours: int = Field(default=1, ge=1, le=48, description="An export not finished by then has failed")


class AccountsApiSettings(AccountsSettings):
    signing_secret_arn: str = Field(min_length=1, description="Signs list cursors")
    notifications_table: str = Field(
        min_length=1, description="Read-only: an organisation's calendars in use, shown beside its licence"
    )


def api_settings() -> AccountsApiSettings:
    return load(AccountsApiSettings)


def worker_settings() -> AccountsSettings:
    return load(AccountsSettings)
