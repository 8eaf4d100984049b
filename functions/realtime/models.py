"""API models of the realtime domain."""

from __future__ import annotations

from pydantic import Field

from shared.validation import OutputModel


class ConnectTicket(OutputModel):
    ticket: str = Field(description="Present it once on connect: `<url>?ticket=<ticket>`; single use")
    url: str = Field(description="The WebSocket URL to connect to")
    expires_in: int = Field(description="Seconds the ticket stays valid")
