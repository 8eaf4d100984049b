"""Sends a broadcast's e-mails one page at a time. Each page is one queue message; the next page is
queued with a delay that keeps the average at the configured send rate, so nothing sleeps and a
failed page is retried alone. Users who opted out of marketing mails get the inbox copy only."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

from inbox import unsubscribe
from inbox.store import InboxStore
from shared.clock import Clock
from shared.directory import Directory
from shared.events import DomainEvent, EventPublisher, publish_after_commit
from shared.i18n import Language
from shared.mail import Mailer, MailSuppressed
from shared.queues import Queue

if TYPE_CHECKING:
    from inbox.settings import BroadcastSenderSettings

MAX_DELAY_SECONDS = 900


@dataclass(frozen=True)
class Reader:
    user_id: str
    email: str
    full_name: str
    language: Language


@dataclass
class BroadcastSender:
    store: InboxStore
    directory: Directory
    mailer: Mailer
    jobs: Queue
    clock: Clock
    settings: BroadcastSenderSettings
    logger: Logger
    signing_key: Callable[[], bytes]  # signs each person's unsubscribe link
    publisher: EventPublisher | None = None  # InboxBroadcastPublished: live pushes (realtime)

    @property
    def page_size(self) -> int:
        return min(self.settings.broadcast_page_size, self.settings.mail_send_rate_per_second * 10)

    def recipients(self, job: dict[str, Any]) -> tuple[list[Reader], dict[str, Any] | None]:
        """One page of recipients and the cursor of the next page (None: done)."""
        broadcast_orgs: list[str] = job["organisation_ids"]
        if not broadcast_orgs:
            users, last = self.directory.users_page(job.get("cursor"), self.page_size)
            readers = [Reader(u.user_id, u.email, u.full_name, u.language) for u in users]
            return readers, ({"cursor": last} if last else None)
        index = int((job.get("cursor") or {}).get("org", 0))
        members = self.directory.members(broadcast_orgs[index])
        profiles = {p.user_id: p for p in self.directory.profiles([m.user_id for m in members])}
        readers = [
            Reader(m.user_id, m.email, m.full_name, p.language if (p := profiles.get(m.user_id)) else "de")
            for m in members
        ]
        return readers, ({"cursor": {"org": index + 1}} if index + 1 < len(broadcast_orgs) else None)

    def run(self, job: dict[str, Any]) -> int:
        broadcast = self.store.get_broadcast(str(job["broadcast_id"]))
        if broadcast is None:
            raise ValueError("unknown broadcast")
        users, following = self.recipients({**job, "organisation_ids": broadcast.organisation_ids})
        if job.get("cursor") is None and self.publisher is not None:  # the first page: connections hear
            publish_after_commit(
                self.publisher,
                [
                    DomainEvent(
                        "InboxBroadcastPublished",
                        {
                            "broadcast_id": broadcast.broadcast_id,
                            "organisation_ids": broadcast.organisation_ids,
                        },
                    )
                ],
                self.logger,
            )
        opted_out = self.store.marketing_opt_outs([u.user_id for u in users])
        expires = int((self.clock.now() + timedelta(days=30)).timestamp())
        sent = 0
        for user in users:
            if user.user_id in opted_out or not user.email:
                continue
            if not self.store.claim_delivery(broadcast.broadcast_id, user.email, expires):
                continue
            signed = unsubscribe.token(self.signing_key(), user.user_id)
            context = {
                "subject": broadcast.subject,
                "body": broadcast.body,
                "full_name": user.full_name,
                "unsubscribe_url": f"{str(self.settings.portal_url).rstrip('/')}/abmelden#token={signed}",
            }
            mail = self.mailer.render("broadcast", user.language, context, broadcast.broadcast_id)
            try:
                provider_id = self.mailer.send_rendered(
                    to=user.email,
                    mail=mail,
                    template="broadcast",
                    language=user.language,
                    reference_id=broadcast.broadcast_id,
                    headers={  # RFC 8058 one-click: the mail program posts, nobody signs in
                        "List-Unsubscribe": f"<{str(self.settings.api_url).rstrip('/')}/inbox/unsubscribe/{signed}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    },
                )
            except MailSuppressed:
                self.store.finish_delivery(broadcast.broadcast_id, user.email, "suppressed")
                continue
            except Exception:
                self.store.finish_delivery(broadcast.broadcast_id, user.email, "failed")
                raise
            self.store.finish_delivery(broadcast.broadcast_id, user.email, "sent", provider_id)
            sent += 1
        if following is not None:
            delay = min(MAX_DELAY_SECONDS, math.ceil(max(sent, 1) / self.settings.mail_send_rate_per_second))
            self.jobs.send({"broadcast_id": broadcast.broadcast_id, **following}, delay_seconds=delay)
        self.logger.info(
            "broadcast page sent",
            extra={"broadcast_id": broadcast.broadcast_id, "sent": sent, "more": following is not None},
        )
        return sent
