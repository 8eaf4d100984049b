"""When a practitioner is notified, pure (seed 002):

- booked online: always;
- cancelled or rescheduled online: only when the change happens at most 24 hours (elapsed time, so
  daylight-saving changes do not bend it) before the appointment's start — for a reschedule, the
  original start. The window is [start − 24 h, start]: a change after the start (a clean-up of a
  past appointment, say) notifies nobody. Seed example: appointment 9 September 12:00; a change on
  8 September at 13:00 notifies, one at 11:00 does not;
- changes made by the practice itself: never; by anyone this rule does not know: never, and the log
  says so (not "by the practice").
Both times must carry their offset: a naive time is a programming error, refused here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

ChangeKind = Literal["booked", "cancelled", "rescheduled"]
Actor = Literal["patient_online", "practice"]
ACTORS: frozenset[str] = frozenset({"patient_online", "practice"})
NOTICE_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Decision:
    notify: bool
    reason: str | None = None  # why not


def decide(kind: ChangeKind, changed_by: str, appointment_start: datetime, changed_at: datetime) -> Decision:
    """`appointment_start` is the original start for a reschedule; both times carry their offset."""
    if appointment_start.tzinfo is None or changed_at.tzinfo is None:
        raise ValueError("appointment times need their offset")
    if changed_by == "practice":
        return Decision(False, "changed_by_practice")
    if changed_by != "patient_online":
        return Decision(False, "unknown_actor")
    if kind == "booked":
        return Decision(True)
    # In UTC: Python subtracts two times of the same zone by their wall clocks, ignoring a DST change.
    before_start = appointment_start.astimezone(UTC) - changed_at.astimezone(UTC)
    if before_start < timedelta(0):
        return Decision(False, "after_start")
    if before_start <= NOTICE_WINDOW:
        return Decision(True)
    return Decision(False, "more_than_24_hours_before")
