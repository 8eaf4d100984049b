"""The notifications' part of a person's export and erasure (shared.privacy, docs/privacy.md).

A practitioner is known here only by the address and mobile number of their calendars' notification
settings: the calendars of the person's organisation whose e-mail address is the person's are theirs.
Export: those calendars' settings and their delivery log (kind, channel, status, times; not the texts,
which name patients). Erasure: the address and number leave those calendars (their channels are off;
a calendar named after the person is renamed) and the delivery entries sent to them are deleted. The
calendars themselves stay: they are the practice's."""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any

from pydantic import Field

from notifications.store import CalendarRecord, NotificationsStore
from shared import aws
from shared.privacy import ERASED_NAME, ExportParts, PrivacyRequest
from shared.settings import FunctionSettings, load


class PrivacySettings(FunctionSettings):
    exports_bucket: str = Field(min_length=1, description="Privacy exports: where this part goes")


@cache
def exports() -> ExportParts:
    return ExportParts(aws.s3(), load(PrivacySettings).exports_bucket)


def _calendars(store: NotificationsStore, request: PrivacyRequest) -> list[CalendarRecord]:
    return [c for org in request.organisation_ids for c in store.calendars(org) if c.email == request.email]


def export_part(store: NotificationsStore, request: PrivacyRequest) -> dict[str, Any]:
    return {
        "calendars": [
            {
                "id": c.calendar_id,
                "name": c.name,
                "organisation_id": c.org_id,
                "email": c.email,
                "mobile": c.mobile,
                "include_patient_name": c.include_patient_name,
                "time_zone": c.time_zone,
                "language": c.language,
                "deliveries": [
                    {
                        "kind": d.kind,
                        "channel": d.channel,
                        "status": d.status,
                        "changed_at": d.changed_at,
                        "updated_at": d.updated_at,
                    }
                    for d in store.all_deliveries(c.calendar_id)
                    if d.recipient in (c.email, c.mobile)
                ],
            }
            for c in _calendars(store, request)
        ]
    }


def erase(store: NotificationsStore, request: PrivacyRequest) -> int:
    calendars = _calendars(store, request)
    for calendar in calendars:
        theirs = {calendar.email, calendar.mobile} - {None}
        for delivery in store.all_deliveries(calendar.calendar_id):
            if delivery.recipient in theirs:
                store.delete_delivery(delivery)
        renamed = ERASED_NAME if request.full_name and request.full_name in calendar.name else calendar.name
        store.save_calendar(dataclasses.replace(calendar, email=None, mobile=None, name=renamed))
    return len(calendars)
