"""Delivers an appointment event to a practitioner: the rule decides, each channel that is on gets its
message, and every step is recorded. The protocol (docs/decisions.md, "Notifications: the delivery
protocol"):

- One delivery item per (event, channel). Its first write is a *claim*: `sending` (attempt 1, with an
  attempt id and a lease; the consumer sends right after) or a final `skipped` with the reason; a
  repeated or concurrent event finds the item and stops.
- Before every later provider call (a retry) the item moves, conditionally on the state it was read in,
  to `sending` with a new attempt id and a lease. Whoever loses that race sends nothing.
- Each provider call is made once (no SDK retries: SES SendEmail and SNS Publish are not idempotent).
  A refusal (throttling, a 4xx, no connection) is `failed`, retried with backoff within the 10 minutes.
  An unknown outcome (read timeout, 5xx) is `uncertain`: the provider may have accepted it. It is sent
  once more, never again: at most two copies. Every e-mail of one (event, channel) carries the same
  Message-ID, so mail programs show a second copy as one message.
- A run that dies leaves `sending` with a lease. Once the lease has passed, the every-minute run takes
  it over: it may have gone out, so it becomes `uncertain` (sent once more, as above).
- Ten minutes after the change, whatever is neither `sent` nor `skipped` is `missed`, counted in the
  `NotificationsMissed` metric (alarmed). The first attempt of an event that arrives late is still made.
- Events of one appointment are applied in `changed_at` order: an older event arriving after a newer
  one is recorded `skipped`/`superseded` and sends nothing (a late "booked" after "cancelled" must not
  make the practitioner believe the slot is taken).
- Each channel proceeds on its own: one channel's store error does not stop the other; the event then
  fails towards SQS redelivery, which finds the done channel claimed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from aws_lambda_powertools import Logger
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
)

from notifications.content import Appointment, sms_text, when
from notifications.events import AppointmentEvent
from notifications.rules import decide
from notifications.store import FINAL, CalendarRecord, Channel, DeliveryRecord, NotificationsStore
from shared.clock import Clock, iso
from shared.events import DomainEvent, EventPublisher, publish_after_commit
from shared.ids import new_id
from shared.mail import Mailer, MailSuppressed, RenderedMail
from shared.sms import SmsSender

WINDOW = timedelta(minutes=10)
LEASE = timedelta(seconds=60)  # longer than one provider call can take (2 s connect + 5 s read)
UNCERTAIN_RESEND_AFTER = timedelta(seconds=30)
MAX_RESENDS = 1
ORDER_KEPT = timedelta(days=60)
CHANNELS: tuple[Channel, ...] = ("email", "sms")
Outcome = Literal["refused", "unknown"]


def backoff(attempts: int) -> timedelta:
    """15 s, 30 s, 60 s, then every 2 minutes: several tries fit into the 10 minutes."""
    return timedelta(seconds=min(15 * 2 ** max(attempts - 1, 0), 120))


def classify(error: Exception) -> Outcome:
    """Whether the provider certainly did not take the message (refused) or may have (unknown)."""
    if isinstance(error, ClientError):
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 400)
        return "unknown" if status >= 500 else "refused"
    if isinstance(error, ConnectTimeoutError | EndpointConnectionError):
        return "refused"  # never reached the provider
    return "unknown"  # read timeout, connection closed after sending, anything else


@dataclass(frozen=True)
class RunCounts:
    sent: int = 0
    failing: int = 0
    missed: int = 0


@dataclass
class Notifier:
    store: NotificationsStore
    mailer: Mailer
    sms: SmsSender
    clock: Clock
    logger: Logger
    message_domain: str = "example.com"
    publisher: EventPublisher | None = None  # AppointmentNotice: the calendar pop-up (realtime)

    def _now(self) -> datetime:
        return self.clock.now()

    # --- the consumer's part -----------------------------------------------------------------

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
        in_order = self.store.apply_in_order(
            calendar.calendar_id,
            data.appointment_id,
            iso(data.changed_at),
            event_id,
            int((max(data.start, original_start) + ORDER_KEPT).timestamp()),
        )
        if decision.reason is None and in_order and self.publisher is not None:
            # the signed-in members' calendar pop-up: the same decision as the SMS and the mail
            publish_after_commit(
                self.publisher,
                [
                    DomainEvent(
                        "AppointmentNotice",
                        {
                            "organisation_id": calendar.org_id,
                            "calendar_id": calendar.calendar_id,
                            "appointment_id": data.appointment_id,
                            "kind": event.kind,
                            "start": iso(data.start),
                            "previous_start": iso(data.previous_start) if data.previous_start else None,
                            "time_zone": calendar.time_zone,
                        },
                    )
                ],
                self.logger,
            )
        now = self._now()
        results: list[DeliveryRecord] = []
        errors: list[Exception] = []
        for channel in CHANNELS:
            try:
                delivered = self._channel(calendar, event, channel, decision.reason, in_order, now)
            except Exception as error:  # this channel's store failed; the other one goes on
                self.logger.exception(
                    "delivery step failed", extra={"event_id": event_id, "channel": channel}
                )
                errors.append(error)
                continue
            if delivered is not None:
                results.append(delivered)
        if errors:
            raise errors[0]  # the record fails; SQS delivers it again and the done channel is claimed
        return results

    def _channel(
        self,
        calendar: CalendarRecord,
        event: AppointmentEvent,
        channel: Channel,
        not_notified: str | None,
        in_order: bool,
        now: datetime,
    ) -> DeliveryRecord | None:
        data, event_id = event.detail.data, event.detail.metadata.event_id
        base = DeliveryRecord(
            calendar_id=calendar.calendar_id,
            event_id=event_id,
            channel=channel,
            kind=event.kind,
            changed_at=iso(data.changed_at),
            status="skipped",
            created_at=iso(now),
            updated_at=iso(now),
            reference_id=event_id,
        )
        target = calendar.email if channel == "email" else calendar.mobile
        reason = "superseded" if not in_order else not_notified or (None if target else "channel_off")
        if reason is not None:
            skipped = dataclasses.replace(base, reason=reason)
            return skipped if self.store.claim(skipped) else None
        # The claim is the first attempt's hold: one write instead of a claim and a hold.
        sending = dataclasses.replace(
            base,
            status="sending",
            recipient=target,
            language=calendar.language,
            attempt_id=new_id(),
            attempts=1,
            lease_until=iso(now + LEASE),
            due_at=iso(now + LEASE),
            **self._content(calendar, event, channel),
        )
        if not self.store.claim(sending):
            self.logger.info("delivery handled before", extra={"event_id": event_id, "channel": channel})
            return None
        return self._finish(sending, now)

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
            fill=("start", "previous_start"),  # only printed: the mail is rendered once per calendar
        )
        return {"subject": mail.subject, "text": mail.text, "html": mail.html}

    # --- one attempt ---------------------------------------------------------------------------

    @staticmethod
    def _window_end(delivery: DeliveryRecord) -> datetime:
        return datetime.fromisoformat(delivery.changed_at) + WINDOW

    def _send(self, current: DeliveryRecord, now: datetime) -> DeliveryRecord:
        """Takes the delivery into `sending` (conditionally), calls the provider once, records what
        happened. Returns the state it leaves the delivery in."""
        sending = dataclasses.replace(
            current,
            status="sending",
            attempt_id=new_id(),
            attempts=current.attempts + 1,
            resends=current.resends + (1 if current.status == "uncertain" else 0),
            lease_until=iso(now + LEASE),
            due_at=iso(now + LEASE),
            next_attempt_at=None,
            updated_at=iso(now),
        )
        if not self.store.transition(sending, current):
            self.logger.info("delivery taken by another run", extra=self._ids(current))
            return current
        return self._finish(sending, now)

    def _finish(self, sending: DeliveryRecord, now: datetime) -> DeliveryRecord:
        """Calls the provider once for a delivery this run holds and records what happened."""
        outcome = self._call(sending, now, self._window_end(sending))
        try:
            if not self.store.transition(outcome, sending):
                self.logger.warning("delivery moved while sending", extra=self._ids(sending))
        except (ClientError, BotoCoreError):
            # The message may be out; the lease makes the next run treat it as uncertain.
            self.logger.exception("delivery outcome not recorded", extra=self._ids(sending))
            return sending
        return outcome

    def _call(self, sending: DeliveryRecord, now: datetime, window_end: datetime) -> DeliveryRecord:
        try:
            provider_id = self._provider_send(sending)
        except MailSuppressed:  # the address bounced or complained: final, nothing to retry
            self.logger.warning("delivery suppressed", extra=self._ids(sending))
            return dataclasses.replace(
                sending,
                status="failed",
                reason="address_suppressed",
                next_attempt_at=None,
                due_at=None,
                lease_until=None,
                updated_at=iso(now),
            )
        except (ClientError, BotoCoreError) as error:
            code = (
                str(error.response.get("Error", {}).get("Code", ""))
                if isinstance(error, ClientError)
                else type(error).__name__
            )
            kind = classify(error)
            if kind == "refused":
                retry_at = min(now + backoff(sending.attempts), window_end)
                status: Literal["failed", "uncertain"] = "failed"
            else:
                may_resend = sending.resends < MAX_RESENDS
                retry_at = min(now + UNCERTAIN_RESEND_AFTER, window_end) if may_resend else window_end
                status = "uncertain"
            self.logger.warning(
                "delivery not confirmed", extra={**self._ids(sending), "error": code, "outcome": kind}
            )
            return dataclasses.replace(
                sending,
                status=status,
                reason=code or "send_failed",
                next_attempt_at=iso(retry_at),
                due_at=iso(retry_at),
                lease_until=None,
                updated_at=iso(now),
            )
        self.logger.info("delivery sent", extra=self._ids(sending))
        return dataclasses.replace(
            sending,
            status="sent",
            reason=None,
            provider_id=provider_id,
            next_attempt_at=None,
            due_at=None,
            lease_until=None,
            updated_at=iso(now),
        )

    def _provider_send(self, delivery: DeliveryRecord) -> str:
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
            # the same for every copy of this (event, channel): a resent mail collapses into one
            headers={"Message-ID": f"<{delivery.event_id.lower()}.{delivery.channel}@{self.message_domain}>"},
        )

    @staticmethod
    def _ids(delivery: DeliveryRecord) -> dict[str, Any]:
        return {"event_id": delivery.event_id, "channel": delivery.channel, "attempts": delivery.attempts}

    # --- the every-minute run ----------------------------------------------------------------

    def retry_due(self) -> RunCounts:
        """Takes every due delivery one step on: sends, takes over or reports it missed."""
        now = self._now()
        counts: dict[str, int] = {"sent": 0, "failing": 0, "missed": 0}
        for candidate in self.store.due(iso(now)):
            current = self.store.get_delivery(candidate.calendar_id, candidate.sort_key)
            if current is None or current.status in FINAL:
                continue
            result = self._advance(current, now)
            if result is None:
                continue
            if result == "missed":
                counts["missed"] += 1
            elif result.status == "sent":
                counts["sent"] += 1
            elif result.status in ("failed", "uncertain"):
                counts["failing"] += 1
        return RunCounts(**counts)

    def _advance(self, current: DeliveryRecord, now: datetime) -> DeliveryRecord | Literal["missed"] | None:
        lease_over = current.lease_until is None or datetime.fromisoformat(current.lease_until) <= now
        if now > self._window_end(current) and (current.attempts > 0 or current.status != "pending"):
            return "missed" if self._mark_missed(current, now) else None
        if current.status in ("pending", "sending") and not lease_over:
            return None  # someone holds it
        if current.status == "sending":
            # The run that sent it died before recording the outcome: it may have gone out.
            uncertain = dataclasses.replace(
                current,
                status="uncertain",
                reason="outcome_lost",
                lease_until=None,
                next_attempt_at=iso(now),
                due_at=iso(now),
                updated_at=iso(now),
            )
            if not self.store.transition(uncertain, current):
                return None
            current = uncertain
        if current.status == "uncertain" and current.resends >= MAX_RESENDS:
            return None  # sent twice at most; the window's end reports it
        due = current.next_attempt_at is None or datetime.fromisoformat(current.next_attempt_at) <= now
        if current.status in ("failed", "uncertain") and not due:
            return None
        return self._send(current, now)

    def _mark_missed(self, current: DeliveryRecord, now: datetime) -> bool:
        missed = dataclasses.replace(
            current,
            status="missed",
            reason=f"not delivered within 10 minutes ({current.reason or current.status})",
            next_attempt_at=None,
            lease_until=None,
            due_at=None,
            updated_at=iso(now),
        )
        return self.store.transition(missed, current)
