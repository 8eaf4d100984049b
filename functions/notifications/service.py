"""Use cases of calendars and their notification settings. Organisation admins manage; members read;
agents read; everyone else gets 404."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from notifications import models
from notifications.phones import PhoneError, mobile_e164, spam_prone
from notifications.store import CalendarRecord, DeliveryRecord, NotificationsStore
from shared.clock import Clock, iso
from shared.directory import Directory
from shared.errors import FieldError, Forbidden, Invalid, NotFound
from shared.i18n import Language, text
from shared.identity import Caller
from shared.ids import new_id
from shared.suppression import SuppressionList

if TYPE_CHECKING:
    from notifications.settings import NotificationsApiSettings


@dataclass
class CalendarsService:
    store: NotificationsStore
    directory: Directory
    clock: Clock
    settings: NotificationsApiSettings
    suppression: SuppressionList | None = None  # addresses that receive no mail

    def _membership(self, caller: Caller, org_id: str, *, admin: bool) -> int | None:
        """Checks the caller's role in the organisation; returns its licensed calendars."""
        profile, licensed = self.directory.profile_and_licence(caller.user_id, org_id)
        member = profile is not None and profile.organisation_id == org_id
        if licensed is None or (not member and not caller.is_agent):
            raise NotFound("calendar.organisation_not_found")
        if admin and (not member or profile is None or profile.role != "admin"):
            raise Forbidden("calendar.admins_only")
        return licensed

    def _calendar(self, caller: Caller, calendar_id: str, *, admin: bool) -> CalendarRecord:
        calendar = self.store.get_calendar(calendar_id)
        if calendar is None:
            raise NotFound("calendar.not_found")
        try:
            self._membership(caller, calendar.org_id, admin=admin)
        except NotFound:
            raise NotFound("calendar.not_found") from None
        return calendar

    def create(
        self, caller: Caller, org_id: str, request: models.CalendarCreate, language: Language
    ) -> models.Calendar:
        licensed = self._membership(caller, org_id, admin=True)
        assert licensed is not None
        calendar = CalendarRecord(
            calendar_id=new_id(), org_id=org_id, name=request.name, created_at=iso(self.clock.now())
        )
        self.store.create_calendar(calendar, licensed)
        return to_calendar(calendar, [], language)

    def list(self, caller: Caller, org_id: str, language: Language) -> models.CalendarPage:
        licensed = self._membership(caller, org_id, admin=False)
        assert licensed is not None
        return models.CalendarPage(
            items=[to_calendar(c, [], language) for c in self.store.calendars(org_id)],
            licensed_practitioners=licensed,
        )

    def get(self, caller: Caller, calendar_id: str, language: Language) -> models.Calendar:
        """With a warning when its address no longer receives mail (a hard bounce or a complaint)."""
        calendar = self._calendar(caller, calendar_id, admin=False)
        silent = bool(calendar.email and self.suppression and self.suppression.is_suppressed(calendar.email))
        return to_calendar(calendar, ["email_undeliverable"] if silent else [], language)

    def rename(
        self, caller: Caller, calendar_id: str, request: models.CalendarRename, language: Language
    ) -> models.Calendar:
        calendar = dataclasses.replace(self._calendar(caller, calendar_id, admin=True), name=request.name)
        self.store.save_calendar(calendar)
        return to_calendar(calendar, [], language)

    def delete(self, caller: Caller, calendar_id: str) -> None:
        self.store.delete_calendar(self._calendar(caller, calendar_id, admin=True))

    def set_notifications(
        self, caller: Caller, calendar_id: str, request: models.NotificationSettings, language: Language
    ) -> models.Calendar:
        calendar = self._calendar(caller, calendar_id, admin=True)
        changes = {name: getattr(request, name) for name in request.model_fields_set}
        if changes.get("mobile") is not None:
            try:
                changes["mobile"] = mobile_e164(changes["mobile"])
            except PhoneError as error:
                raise Invalid("request.invalid", fields=[FieldError("mobile", error.message_key)]) from None
        warnings = ["email"] if changes.get("email") and spam_prone(changes["email"]) else []
        updated = dataclasses.replace(calendar, **changes)
        self.store.save_calendar(updated)
        return to_calendar(updated, warnings, language)

    def deliveries(self, caller: Caller, calendar_id: str, cursor: str | None) -> models.DeliveryPage:
        """The organisation's admins, and agents (read-only: "why did my SMS not arrive?")."""
        self._calendar(caller, calendar_id, admin=not caller.is_agent)
        found, next_cursor = self.store.deliveries(calendar_id, cursor, self.settings.page_size)
        return models.DeliveryPage(items=[to_delivery(d) for d in found], next_cursor=next_cursor)


def to_calendar(calendar: CalendarRecord, warnings: list[str], language: Language) -> models.Calendar:
    return models.Calendar(
        id=calendar.calendar_id,
        organisation_id=calendar.org_id,
        name=calendar.name,
        created_at=calendar.created_at,
        email=calendar.email,
        mobile=calendar.mobile,
        email_notifications=calendar.email is not None,
        sms_notifications=calendar.mobile is not None,
        include_patient_name=calendar.include_patient_name,
        time_zone=calendar.time_zone,
        language=calendar.language,
        warnings=[
            models.Warning(field="email", message=text(f"calendar.{w}", language))
            if w == "email_undeliverable"
            else models.Warning(field=w, message=text("calendar.email_spam_warning", language))
            for w in warnings
        ],
        email_undeliverable="email_undeliverable" in warnings,
    )


def to_delivery(delivery: DeliveryRecord) -> models.Delivery:
    return models.Delivery(
        event_id=delivery.event_id,
        kind=delivery.kind,
        channel=delivery.channel,
        status=delivery.status,
        reason=delivery.reason,
        changed_at=delivery.changed_at,
        created_at=delivery.created_at,
        updated_at=delivery.updated_at,
        attempts=delivery.attempts,
        resends=delivery.resends,
        provider_id=delivery.provider_id,
    )
