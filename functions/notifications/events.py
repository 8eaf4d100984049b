"""The booking platform's appointment events (docs/events.md), validated: a malformed one fails its
record and ends in the dead-letter queue."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from notifications.rules import ChangeKind

KINDS: dict[str, ChangeKind] = {
    "AppointmentBooked": "booked",
    "AppointmentCancelled": "cancelled",
    "AppointmentRescheduled": "rescheduled",
}


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class Metadata(_Lenient):
    event_id: str = Field(min_length=1, max_length=100)


class AppointmentData(_Lenient):
    calendar_id: str = Field(min_length=1, max_length=100)
    appointment_id: str = Field(min_length=1, max_length=100)
    start: AwareDatetime
    previous_start: AwareDatetime | None = None
    changed_at: AwareDatetime
    changed_by: str = Field(
        min_length=1, max_length=40, description="patient_online or practice; others are logged, not sent"
    )
    patient_display_name: str | None = Field(default=None, max_length=120)


class AppointmentDetail(_Lenient):
    metadata: Metadata
    data: AppointmentData


class AppointmentEvent(_Lenient):
    detail_type: Literal["AppointmentBooked", "AppointmentCancelled", "AppointmentRescheduled"] = Field(
        alias="detail-type"
    )
    detail: AppointmentDetail

    @model_validator(mode="after")
    def _reschedule_has_previous_start(self) -> AppointmentEvent:
        if self.detail_type == "AppointmentRescheduled" and self.detail.data.previous_start is None:
            raise ValueError("a reschedule needs previous_start")
        return self

    @property
    def kind(self) -> ChangeKind:
        return KINDS[self.detail_type]
