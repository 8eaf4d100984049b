"""Delivers an appointment event to a practitioner: the rule decides, each channel that is on gets
its message once, and every decision is recorded (sent, skipped and why, failed and why, missed).
A failed send is not retried by the queue but by the scheduled run, with backoff, while the 10
minutes since the change last."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from notifications.content import Appointment, sms_text, when
from notifications.events import AppointmentEvent
from notifications.rules import decide
from notifications.store import CalendarRecord, Channel, DeliveryRecord, NotificationsStore
from shared.clock import Clock, iso
from shared.mail import Mailer, RenderedMail
from shared.sms import SmsSender

WINDOW = timedelta(minutes=10)
CHANNELS: tuple[Channel, ...] = ("email", "sms")


def backoff(attempts: int) -> timedelta:
    """15 s, 30 s, 60 s, then every 2 minutes: several tries fit into the 10 minutes."""
    return timedelta(seconds=min(15 * 2 ** max(attempts - 1, 0), 120))


@dataclass
class Notifier:
    store: NotificationsStore
    mailer: Mailer
    sms: SmsSender
    clock: Clock
    logger: Logger

    def _now(self) -> datetime:
        return self.clock.now()

    def handle(self, event: AppointmentEvent) -> list[DeliveryRecord]:
        data, event_id = event.detail.data, event.detail.metadata.event_id
        calendar = self.store.get_calendar(data.calendar_id)
        if calendar is None:
            self.logger.warning("appointment event for an unknown calendar", extra={"event_id": event_id})
            return []
        original_start = (
            data.previous_start if event.kind == "rescheduled" and data.previous_start else data.start
        )
        decision = decide(event.kind, data.changed_by, original_start, data.changed_at)
        now = iso(self._now())
        results = []
        for channel in CHANNELS:
            base = DeliveryRecord(
                calendar_id=calendar.calendar_id,
                event_id=event_id,
                channel=channel,
                kind=event.kind,
                changed_at=iso(data.changed_at),
                status="skipped",
                created_at=now,
                updated_at=now,
                reference_id=event_id,
            )
            target = calendar.email if channel == "email" else calendar.mobile
            if not decision.notify:
                skipped = dataclasses.replace(base, reason=decision.reason)
            elif not target:
                skipped = dataclasses.replace(base, reason="channel_off")
            else:
                skipped = None
            if skipped is not None:
                if self.store.claim(skipped):
                    results.append(skipped)
                continue
            pending = dataclasses.replace(
                base,
                status="pending",
                recipient=target,
                language=calendar.language,
                **self._content(calendar, event, channel),
            )
            if not self.store.claim(pending):
                self.logger.info("delivery handled before", extra={"event_id": event_id, "channel": channel})
                continue
            results.append(self.attempt(pending))
        return results

    def _content(self, calendar: CalendarRecord, event: AppointmentEvent, channel: Channel) -> dict[str, Any]:
        data = event.detail.data
        appointment = Appointment(
            kind=event.kind,
            start=data.start,
            previous_start=data.previous_start,
            calendar_name=calendar.name,
            patient_name=data.patient_display_name if calendar.include_patient_name else None,
        )
        if channel == "sms":
            return {"text": sms_text(appointment, calendar.language, calendar.time_zone)}
        mail = self.mailer.render(
            "appointment",
            calendar.language,
            {
                "kind": event.kind,
                "start": when(data.start, calendar.time_zone, calendar.language),
                "previous_start": when(data.previous_start, calendar.time_zone, calendar.language)
                if data.previous_start
                else "",
                "calendar_name": calendar.name,
                "patient_name": appointment.patient_name or "",
                "time_zone": calendar.time_zone,
            },
            event.detail.metadata.event_id,
        )
        return {"subject": mail.subject, "text": mail.text, "html": mail.html}

    def attempt(self, delivery: DeliveryRecord) -> DeliveryRecord:
        """One try to send; the outcome is recorded unless another run moved the delivery meanwhile."""
        now = self._now()
        try:
            provider_id = self._send(delivery)
        except (ClientError, BotoCoreError) as error:
            code = (
                error.response.get("Error", {}).get("Code", "")
                if isinstance(error, ClientError)
                else type(error).__name__
            )
            outcome = dataclasses.replace(
                delivery,
                status="failed",
                reason=str(code) or "send_failed",
                attempts=delivery.attempts + 1,
                next_attempt_at=iso(now + backoff(delivery.attempts + 1)),
                updated_at=iso(now),
            )
            self.logger.warning(
                "delivery failed",
                extra={"event_id": delivery.event_id, "channel": delivery.channel, "error": code},
            )
        else:
            outcome = dataclasses.replace(
                delivery,
                status="sent",
                reason=None,
                provider_id=provider_id,
                attempts=delivery.attempts + 1,
                next_attempt_at=None,
                updated_at=iso(now),
            )
            self.logger.info(
                "delivery sent", extra={"event_id": delivery.event_id, "channel": delivery.channel}
            )
        self.store.update(outcome, delivery.status, delivery.attempts)
        return outcome

    def _send(self, delivery: DeliveryRecord) -> str:
        assert delivery.recipient is not None
        assert delivery.text is not None
        if delivery.channel == "sms":
            return self.sms.send(delivery.recipient, delivery.text)
        mail = RenderedMail(subject=delivery.subject or "", text=delivery.text, html=delivery.html or "")
        return self.mailer.send_rendered(
            to=delivery.recipient,
            mail=mail,
            template="appointment",
            language=delivery.language,
            reference_id=delivery.reference_id or delivery.event_id,
        )

    def retry_due(self) -> tuple[int, int, int]:
        """The scheduled run: (retried and sent, still failing, missed)."""
        now = self._now()
        sent = failing = missed = 0
        for delivery in self.store.due_retries(iso(now)):
            if now - datetime.fromisoformat(delivery.changed_at) > WINDOW:
                outcome = dataclasses.replace(
                    delivery,
                    status="missed",
                    reason=f"not delivered within 10 minutes ({delivery.reason})",
                    next_attempt_at=None,
                    updated_at=iso(now),
                )
                if self.store.update(outcome, "failed", delivery.attempts):
                    missed += 1
                continue
            outcome = self.attempt(delivery)
            sent += outcome.status == "sent"
            failing += outcome.status == "failed"
        return sent, failing, missed
