"""Settings of the realtime functions (template.yaml sets each variable)."""

from __future__ import annotations

from pydantic import Field

from shared.settings import FunctionSettings, load


class RealtimeSettings(FunctionSettings):
    connections_table: str = Field(min_length=1)
    realtime_endpoint: str = Field(
        min_length=1,
        description="The WebSocket API's management endpoint (https://<api>.execute-api…/<stage>)",
    )
    realtime_url: str = Field(
        default="", description="Where clients connect (wss://…); told with each ticket"
    )
    ticket_seconds: int = Field(default=60, ge=5, le=600)
    connection_hours: int = Field(default=2, ge=1, le=2)  # API Gateway closes a connection after 2 h


class RealtimeApiSettings(RealtimeSettings):
    accounts_table: str = Field(min_length=1, description="Read-only: the caller's organisation")


def api_settings() -> RealtimeApiSettings:
    return load(RealtimeApiSettings)


def push_settings() -> RealtimeSettings:
    return load(RealtimeSettings)
