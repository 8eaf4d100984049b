"""The events the inbox consumes, validated: a malformed one fails its record and, after the queue's
retries, waits in the dead-letter queue while the rest of its batch goes on."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class Metadata(_Lenient):
    event_id: str = Field(min_length=10)
    occurred_at: str


class Requester(_Lenient):
    user_id: str | None = None
    email: str
    full_name: str
    language: Literal["de", "en"] = "de"


class LocalText(_Lenient):
    de: str
    en: str


class Detail(_Lenient):
    """A filled-in field of the ticket's request type, as each language shows it."""

    label: LocalText
    value: LocalText


class TicketData(_Lenient):
    ticket_id: str
    case_number: str
    subject: str
    status: str
    requester: Requester
    cc: list[str] = Field(default_factory=list)
    added: list[str] = Field(default_factory=list, description="TicketCcChanged: who was put in copy")
    reference_id: str
    description: str | None = None
    body: str | None = None
    author: dict[str, object] | None = None
    from_status: str | None = None
    request_type_name: LocalText | None = Field(default=None, description="TicketCreated: the type's name")
    details: list[Detail] = Field(
        default_factory=list, description="TicketCreated: the type's filled-in fields"
    )
    cc_left_out: int = Field(
        default=0, ge=0, description="TicketCreated by mail: addresses beyond the ten in copy"
    )


class InvoiceData(_Lenient):
    invoice_id: str
    organisation_id: str
    invoice_number: str
    amount_cents: int = Field(ge=0)
    currency: Literal["EUR"] = "EUR"
    due_date: date
    url: str


class LicenceData(_Lenient):
    organisation_id: str
    licensed_practitioners: int = Field(ge=1)
    calendars_in_use: int = Field(default=0, ge=0)


class LicenceDetail(_Lenient):
    metadata: Metadata
    data: LicenceData


class TicketDetail(_Lenient):
    metadata: Metadata
    data: TicketData


class InvoiceDetail(_Lenient):
    metadata: Metadata
    data: InvoiceData
