"""Use cases of the inbox API: reading, read state, search, feed, preferences, broadcasts.

Broadcasts are written once; each user's copy is made when that user next opens the inbox (or asks
for the unread count), so publishing to 100,000 users costs one write and one queue message, and
everything after works on the user's own partition.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

from inbox import models, unsubscribe
from inbox.folding import fold, searchable
from inbox.records import BroadcastRecord, Kind, MessageRecord, StateRecord
from inbox.store import InboxStore
from shared.clock import Clock, iso
from shared.directory import Directory
from shared.errors import NotFound
from shared.html_text import html_to_text
from shared.i18n import Language, text
from shared.identity import Caller
from shared.ids import new_id, ulid_class
from shared.markdown import render_markdown
from shared.queues import Queue

if TYPE_CHECKING:
    from inbox.settings import InboxApiSettings

MAX_COPIES_PER_SYNC = 99


def ulid_at(moment_epoch: float) -> str:
    """The smallest ULID of a moment: everything created after it sorts after it."""
    return str(ulid_class().from_timestamp(moment_epoch))[:10] + "0" * 16


@dataclass
class LatestBroadcast:
    """The newest broadcast id, looked up at most every few seconds per container."""

    seconds: int
    value: str = ""
    checked_at: float = field(default=-1e18)


@dataclass
class InboxService:
    store: InboxStore
    directory: Directory
    broadcast_jobs: Queue
    clock: Clock
    settings: InboxApiSettings
    logger: Logger
    latest: LatestBroadcast
    signing_key: Callable[[], bytes] = field(default=lambda: b"")  # unsubscribe links

    # --- broadcasts reaching the user ------------------------------------------------------

    def _latest_broadcast(self) -> str:
        now = time.monotonic()
        if now - self.latest.checked_at >= self.latest.seconds:
            self.latest.value = self.store.latest_broadcast_id()
            self.latest.checked_at = now
        return self.latest.value

    def _sync(self, user_id: str, state: StateRecord) -> bool:
        """Makes the user's copies of broadcasts they have not got yet; True when any were made."""
        latest = self._latest_broadcast()
        if not latest or latest <= state.synced_at:
            return False
        since = state.synced_at or ulid_at(
            (self.clock.now() - timedelta(days=self.settings.broadcast_lookback_days)).timestamp()
        )
        fresh = self.store.broadcasts_after(since)[:MAX_COPIES_PER_SYNC]
        if not fresh:
            return False
        organisation_id = None
        if any(b.organisation_ids for b in fresh):
            profile = self.directory.profile(user_id)
            organisation_id = profile.organisation_id if profile else None
        copies = [self._copy(b) for b in fresh if b.reaches(organisation_id)]
        delivered = self.store.deliver_broadcasts(user_id, copies, fresh[-1].broadcast_id, state.synced_at)
        return delivered and bool(copies)

    def _copy(self, broadcast: BroadcastRecord) -> MessageRecord:
        return MessageRecord(
            message_id=new_id(),
            kind="marketing",
            subject=broadcast.subject,
            body=html_to_text(render_markdown(broadcast.body, images=False)).strip(),
            body_html=render_markdown(broadcast.body, images=False),
            created_at=broadcast.created_at,
            search_text=searchable(broadcast.subject, broadcast.body),
        )

    # --- reading ---------------------------------------------------------------------------

    def inbox(self, caller: Caller, kind: Kind | None, cursor: str | None) -> models.InboxPage:
        page = self.store.page(caller.user_id, limit=self.settings.page_size, cursor=cursor, kind=kind)
        if cursor is None and self._sync(caller.user_id, page.state):
            page = self.store.page(caller.user_id, limit=self.settings.page_size, cursor=None, kind=kind)
        return models.InboxPage(
            items=[to_message(m, page.state) for m in page.messages],
            unread=max(page.state.unread, 0),
            next_cursor=page.next_cursor,
        )

    def unread_count(self, caller: Caller) -> models.UnreadCount:
        state = self.store.state(caller.user_id)
        if self._sync(caller.user_id, state):
            state = self.store.state(caller.user_id)
        return models.UnreadCount(unread=max(state.unread, 0))

    def feed(self, caller: Caller, since: str | None) -> models.Feed:
        """New messages after a cursor: one Query, cheap enough to poll every few seconds."""
        # a cursor from the future would hide what comes: no later than an id made now (ids are ULIDs)
        after = min(since, new_id()) if since else ulid_at(self.clock.now().timestamp())
        state, messages = self.store.newer(caller.user_id, after, self.settings.page_size)
        if self._sync(caller.user_id, state):  # broadcasts appear here too, without a call of /inbox
            state, messages = self.store.newer(caller.user_id, after, self.settings.page_size)
        cursor = messages[-1].message_id if messages else after
        return models.Feed(
            items=[to_message(m, state) for m in messages], unread=max(state.unread, 0), cursor=cursor
        )

    def search(self, caller: Caller, query: str, cursor: str | None) -> models.InboxPage:
        found, next_cursor = self.store.search(
            caller.user_id, fold(query), limit=self.settings.page_size, cursor=cursor
        )
        state = self.store.state(caller.user_id)
        return models.InboxPage(
            items=[to_message(m, state) for m in found], unread=max(state.unread, 0), next_cursor=next_cursor
        )

    # --- read state ------------------------------------------------------------------------

    def mark(self, caller: Caller, message_id: str, read: bool) -> models.Message:
        message, state = self.store.messages_and_state(caller.user_id, message_id)
        if message is None:
            raise NotFound("inbox.message_not_found")
        if state.is_read(message) == read:
            return to_message(message, state)
        flag_at = new_id()
        self.store.set_read(caller.user_id, message, state, read, flag_at)
        changed = MessageRecord(**{**message.__dict__, "read_flag": read, "flag_at": flag_at})
        return to_message(changed, state)

    def mark_all_read(self, caller: Caller) -> models.UnreadCount:
        self.store.mark_all_read(caller.user_id, new_id())
        return models.UnreadCount(unread=0)

    # --- preferences -----------------------------------------------------------------------

    def preferences(self, caller: Caller) -> models.Preferences:
        page = self.store.page(caller.user_id, limit=0, cursor=None)
        return models.Preferences(marketing_emails=page.marketing_emails)

    def set_preferences(self, caller: Caller, change: models.Preferences) -> models.Preferences:
        self.store.set_marketing_emails(caller.user_id, change.marketing_emails)
        return change

    def unsubscribe(self, presented: str, language: Language) -> models.Unsubscribed:
        """One click from a marketing mail, no sign-in: marketing mails off (the preference the inbox
        shows); idempotent. A token that is not ours is a 404, like a random id."""
        user_id = unsubscribe.user_of(self.signing_key(), presented)
        if user_id is None:
            raise NotFound("inbox.unsubscribe_invalid")
        self.store.set_marketing_emails(user_id, False)
        self.logger.info("unsubscribed from marketing mails", extra={"user_id": user_id})
        return models.Unsubscribed(message=text("inbox.unsubscribed", language))

    # --- broadcasts ------------------------------------------------------------------------

    def publish_broadcast(self, caller: Caller, request: models.BroadcastCreate) -> models.Broadcast:
        """One write and one queue message, whatever the audience."""
        caller.require_agent()
        broadcast = BroadcastRecord(
            broadcast_id=new_id(),
            subject=request.subject,
            body=request.body,
            created_at=iso(self.clock.now()),
            created_by=caller.user_id,
            organisation_ids=sorted(set(request.organisation_ids)),
        )
        self.store.put_broadcast(broadcast)
        self.broadcast_jobs.send({"broadcast_id": broadcast.broadcast_id, "cursor": None})
        self.logger.info("broadcast published", extra={"broadcast_id": broadcast.broadcast_id})
        return models.Broadcast(
            id=broadcast.broadcast_id,
            subject=broadcast.subject,
            organisation_ids=broadcast.organisation_ids,
            created_at=broadcast.created_at,
        )


def to_message(message: MessageRecord, state: StateRecord) -> models.Message:
    return models.Message(
        id=message.message_id,
        kind=message.kind,
        subject=message.subject,
        body=message.body,
        created_at=message.created_at,
        read=state.is_read(message),
        ticket_id=message.ticket_id,
        case_number=message.case_number,
        link=message.link,
        body_html=message.body_html,
    )


def message_of(**values: Any) -> MessageRecord:
    """A new message with its search text (subject, body, case number)."""
    return MessageRecord(
        message_id=new_id(),
        search_text=searchable(values["subject"], values["body"], values.get("case_number") or ""),
        **values,
    )
