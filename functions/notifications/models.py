"""API models of the notifications domain."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from shared.validation import Email, InputModel, OutputModel, unchanged_when_absent

TimeZone = Literal[
    "Europe/Berlin", "Europe/Vienna", "Europe/Zurich", "Europe/Luxembourg", "Europe/Brussels", "UTC"
]


class CalendarCreate(InputModel):
    name: str = Field(min_length=2, max_length=80, examples=["Dr. Anna Schmidt"])


class CalendarRename(InputModel):
    name: str = Field(min_length=2, max_length=80)


class NotificationSettings(InputModel):
    """A change (PATCH): a field left out stays as it is. An address or number turns that channel on,
    null turns it off."""

    email: Email | None = unchanged_when_absent()
    mobile: Annotated[str, Field(min_length=3, max_length=30, examples=["0171 2345678"])] | None = (
        unchanged_when_absent()
    )
    include_patient_name: bool = unchanged_when_absent()
    time_zone: TimeZone = unchanged_when_absent()
    language: Literal["de", "en"] = unchanged_when_absent()


class Warning(OutputModel):
    field: str
    message: str


class Calendar(OutputModel):
    id: str
    organisation_id: str
    name: str
    created_at: str
    email: str | None
    mobile: str | None = Field(description="E.164")
    email_notifications: bool
    sms_notifications: bool
    include_patient_name: bool
    time_zone: str
    language: Literal["de", "en"]
    warnings: list[Warning] = Field(default_factory=list)
    email_undeliverable: bool = Field(
        default=False,
        description="The e-mail address bounced or reported a mail as spam: no notification mail goes there",
    )


class CalendarPage(OutputModel):
    """Every calendar of the organisation (the licence bounds how many there are)."""

    items: list[Calendar]
    next_cursor: str | None = Field(default=None, description="Always null: one page holds the whole list")
    licensed_practitioners: int = Field(
        description="Calendars the licence allows; more items than this after the licence was lowered: "
        "they keep notifying, a new one waits until there is room"
    )


class Delivery(OutputModel):
    event_id: str
    kind: str
    channel: Literal["email", "sms"]
    status: Literal["pending", "sending", "sent", "skipped", "failed", "uncertain", "missed"] = Field(
        description="sent and skipped are final; failed is retried, uncertain (the provider may have taken "
        "it) is sent at most once more; missed: not sent within 10 minutes"
    )
    reason: str | None
    changed_at: str
    created_at: str
    updated_at: str
    attempts: int
    resends: int = Field(default=0, description="Copies sent again after an unknown outcome (at most 1)")
    provider_id: str | None


class DeliveryPage(OutputModel):
    items: list[Delivery]
    next_cursor: str | None = None
