"""Use cases of the realtime domain: connect tickets, connections, and what each event pushes.

Frames (one envelope, versioned; docs/realtime.md):
  {"v": 1, "type": "inbox.message" | "inbox.broadcast" | "calendar.appointment" | "hello",
   "id": <event id>, "at": <UTC time>, "cursor": <inbox feed cursor or null>, "data": {...}}
A frame says that something happened and where to read it; message bodies are never pushed (the
client reads them with its own token from `GET /inbox/feed?since=<cursor>`, which also resumes after a
disconnect). Delivery is at least once: a frame's `id` lets a client drop a repeat.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger

from realtime import models
from realtime.pusher import Pushed, Pusher
from realtime.settings import RealtimeSettings
from realtime.store import Connection, ConnectionsStore
from shared import privacy
from shared.events import EventPublisher
from shared.identity import Caller
from shared.ids import new_token, token_digest

FRAME_VERSION = 1
MAX_CALENDARS = 100  # a page shows a handful; an organisation's licence bounds them anyway


def frame(
    kind: str, event_id: str, cursor: str | None, data: dict[str, Any], at: str | None = None
) -> dict[str, Any]:
    at = at or datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return {"v": FRAME_VERSION, "type": kind, "id": event_id, "at": at, "cursor": cursor, "data": data}


@dataclass
class Realtime:
    store: ConnectionsStore
    pusher: Pusher | None
    settings: RealtimeSettings
    logger: Logger
    # The API function's reader of a profile as it is now (shared.directory); None in the push function.
    profile: Callable[[str], dict[str, Any] | None] | None = None
    # The push function's publisher: realtime confirms its part of an erasure (shared.privacy).
    publisher: EventPublisher | None = None

    # --- connecting ------------------------------------------------------------------------

    def connect_ticket(self, caller: Caller) -> models.ConnectTicket:
        """A one-time ticket for `$connect`, bound to the caller."""
        ticket = new_token()
        now = int(time.time())
        self.store.put_ticket(token_digest(ticket), caller.user_id, now, now + self.settings.ticket_seconds)
        return models.ConnectTicket(
            ticket=ticket, url=self.settings.realtime_url, expires_in=self.settings.ticket_seconds
        )

    def connect(self, connection_id: str, ticket: str | None) -> bool:
        """Opens a connection for a valid, unused ticket; False refuses it (the handshake fails)."""
        if not ticket or len(ticket) > 200:
            return False
        taken = self.store.take_ticket(token_digest(ticket), int(time.time()))
        if taken is None:
            self.logger.info("connect refused", extra={"connection_id": connection_id})
            return False
        user_id, issued = taken
        # as of now, not as of the ticket: a sign-out since ends it, the organisation is the current one
        assert self.profile is not None, "the API function reads profiles"
        profile = self.profile(user_id)
        if profile is None or issued < int(profile.get("sessions_valid_after") or 0):
            self.logger.info(
                "connect refused", extra={"connection_id": connection_id, "reason": "session_ended"}
            )
            return False
        organisation_id = profile.get("organisation_id")
        expires = int(time.time()) + self.settings.connection_hours * 3600
        self.store.put_connection(Connection(connection_id, user_id, organisation_id), expires)
        self.logger.info("connected", extra={"connection_id": connection_id, "user_id": user_id})
        return True

    def disconnect(self, connection_id: str) -> None:
        self.store.delete_connection(connection_id)

    def message(self, connection_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """A client's frame: `{"action": "calendars", "calendars": [ids]}` narrows the calendar
        pop-ups to the calendars it shows (never beyond its organisation's); `{"action": "ping"}`."""
        action = body.get("action")
        if action == "calendars":
            wanted = body.get("calendars")
            if (
                not isinstance(wanted, list)
                or len(wanted) > MAX_CALENDARS
                or not all(isinstance(c, str) and 0 < len(c) <= 64 for c in wanted)
            ):
                return {"type": "error", "code": "invalid", "field": "calendars"}
            self.store.show_calendars(connection_id, list(dict.fromkeys(wanted)))
            return {"type": "ok", "action": "calendars"}
        if action == "ping":
            return {"type": "pong"}
        return {"type": "error", "code": "unknown_action"}

    # --- pushing ----------------------------------------------------------------------------

    def handle(self, event: dict[str, Any]) -> Pushed:
        """One event from the bus: who hears of it, and the frame they get."""
        assert self.pusher is not None
        kind = event.get("detail-type")
        detail = event["detail"]
        event_id = str(detail["metadata"]["event_id"])
        at = str(detail["metadata"].get("occurred_at") or "") or None
        data = detail["data"]
        if kind == "InboxMessageAdded":
            connections = self.store.of_user(str(data["user_id"]))
            payload = {
                "message_id": data["message_id"],
                "kind": data.get("kind"),
                "unread": data.get("unread"),
            }
            return self.pusher.push(
                connections, frame("inbox.message", event_id, str(data["message_id"]), payload, at)
            )
        if kind == "InboxBroadcastPublished":
            organisations = data.get("organisation_ids") or []
            connections = (
                [c for org in organisations for c in self.store.of_organisation(str(org))]
                if organisations
                else self.store.all()
            )
            payload = {"broadcast_id": data["broadcast_id"]}
            return self.pusher.push(connections, frame("inbox.broadcast", event_id, None, payload, at))
        if kind == "AppointmentNotice":
            calendar_id = str(data["calendar_id"])
            connections = [
                c
                for c in self.store.of_organisation(str(data["organisation_id"]))
                if c.calendars is None or calendar_id in c.calendars
            ]
            payload = {
                k: data.get(k)
                for k in ("calendar_id", "appointment_id", "kind", "start", "previous_start", "time_zone")
            }
            return self.pusher.push(connections, frame("calendar.appointment", event_id, None, payload, at))
        if kind == "UserErasureRequested" and self.publisher is not None:
            # an erased person's connections end, and with them the items that name them
            request = privacy.parse_request(event)
            gone = self.store.of_user(request.user_id) if request and request.user_id else []
            for connection in gone:
                self.pusher.close(connection)
            privacy.handle(event, "realtime", self.publisher, export=None, erase=lambda _: None, parts=None)
            return Pushed(gone=len(gone))
        if kind in ("OrganisationMemberRemoved", "UserSignedOut"):
            # the organisation's pushes stop at once: every connection of the user is closed
            gone = self.store.of_user(str(data["user_id"]))
            for connection in gone:
                self.pusher.close(connection)
            return Pushed(gone=len(gone))
        raise ValueError(f"realtime does not consume {kind!r}")
