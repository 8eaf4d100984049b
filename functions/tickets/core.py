"""What every use case of tickets stands on: the parts (store, directory, adapters), who may see a
ticket, and the few steps several use cases share (create a ticket, add a reply, change the status,
link a follow-up). No boto3: every part is passed in, and the caller is an explicit argument.

Who may do what:
- agents (Cognito group) see and work every ticket, write internal notes, assign, change status;
- a customer sees a ticket they requested, one of their organisation, or one they are CC on with
  their account's address; all of them may reply while it is open;
- only the requester edits, closes and manages CC addresses;
- anyone else gets 404, as if the ticket did not exist.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal

from aws_lambda_powertools import Logger

from shared.clock import Clock, iso
from shared.directory import Directory, Profile
from shared.errors import Conflict, FieldError, Invalid, NotFound
from shared.events import DomainEvent, EventPublisher, publish_after_commit
from shared.identity import Caller
from shared.ids import new_id
from shared.ratelimit import RateLimiter
from shared.suppression import SuppressionList
from tickets import rules
from tickets.agent_directory import AgentDirectory
from tickets.attachments import AttachmentLinks
from tickets.records import Additions, AttachmentRecord, TicketRecord, TicketView, TimelineRecord
from tickets.request_types import RequestType, described, seed
from tickets.store import TicketsStore

if TYPE_CHECKING:
    from shared.privacy import ExportParts
    from tickets.mailbox import S3Mailbox
    from tickets.settings import TicketsSettings

Access = Literal["agent", "requester", "member", "cc"]


@dataclass(frozen=True)
class Author:
    user_id: str | None
    full_name: str
    is_agent: bool
    via: Literal["portal", "email"] = "portal"


@dataclass
class TicketsCore:
    store: TicketsStore
    directory: Directory
    links: AttachmentLinks
    publisher: EventPublisher
    limiter: RateLimiter
    clock: Clock
    settings: TicketsSettings
    logger: Logger
    agents: AgentDirectory
    signing_key: Callable[[], bytes]
    suppression: SuppressionList | None = None  # who does not receive mail (agents see it)
    exports: ExportParts | None = None  # a person's export (the events function)
    received: S3Mailbox | None = None  # received mails, for an erasure (the events function)

    def _now(self) -> str:
        return iso(self.clock.now())

    def _expiry(self, **delta: float) -> int:
        return int((self.clock.now() + timedelta(**delta)).timestamp())

    def _profile(self, user_id: str) -> Profile:
        profile = self.directory.profile(user_id)
        if profile is None:
            raise NotFound("account.not_found")
        return profile

    def _publish(self, *events: DomainEvent) -> None:
        publish_after_commit(self.publisher, list(events), self.logger)

    def _limit(self, scope: str, value: str, limit: int) -> None:
        self.limiter.check(scope, value, limit=limit, window_seconds=3600, now=self.clock.now())

    # --- request types ---------------------------------------------------------------------

    def request_types(self, include_inactive: bool = False) -> list[RequestType]:
        types = self.store.request_types() or self._seed()
        return [t for t in types if include_inactive or t.active]

    def _seed(self) -> list[RequestType]:
        """A fresh table gets the help centre's six types; an agent's version of one always stays."""
        for request_type in seed():
            try:
                self.store.put_request_type(request_type, create=True)
            except Conflict:
                continue
        return self.store.request_types()

    def _type(self, type_key: str) -> RequestType:
        request_type = self.store.request_type(type_key)
        if request_type is None:  # perhaps a fresh table: the catalogue seeds itself on first read
            request_type = next((t for t in self.request_types() if t.key == type_key), None)
        if request_type is None or not request_type.active:
            raise Invalid("request.invalid", fields=[FieldError("request_type", "ticket.type_unknown")])
        return request_type

    # --- who sees a ticket ---------------------------------------------------------------------

    def _access(self, caller: Caller, ticket: TicketRecord) -> tuple[Access, Profile | None]:
        """How the caller may see the ticket; NotFound when not at all."""
        if caller.is_agent:
            return "agent", None
        if ticket.requester_id == caller.user_id:
            return "requester", None
        profile = self._profile(caller.user_id)
        if ticket.organisation_id and profile.organisation_id == ticket.organisation_id:
            return "member", profile
        if profile.email in ticket.cc:
            return "cc", profile
        raise NotFound("ticket.not_found")

    def _view(self, caller: Caller, ticket_id: str) -> tuple[TicketView, Access, Profile | None]:
        view = self.store.get_view(ticket_id)
        if view is None:
            raise NotFound("ticket.not_found")
        access, profile = self._access(caller, view.ticket)
        return view, access, profile

    def _ticket(self, caller: Caller, ticket_id: str) -> tuple[TicketRecord, Access, Profile | None]:
        ticket = self.store.get_ticket(ticket_id)
        if ticket is None:
            raise NotFound("ticket.not_found")
        access, profile = self._access(caller, ticket)
        return ticket, access, profile

    # --- steps several use cases share ------------------------------------------------------

    def _event(self, detail_type: str, ticket: TicketRecord, **data: Any) -> DomainEvent:
        return DomainEvent(
            detail_type,
            {
                "ticket_id": ticket.ticket_id,
                "case_number": ticket.case_number,
                "subject": ticket.subject,
                "status": ticket.status,
                "request_type": ticket.request_type,
                # what the inbox needs to reach everyone on the ticket, also people without an account
                "requester": {
                    "user_id": ticket.requester_id,
                    "email": ticket.requester_email,
                    "full_name": ticket.requester_name,
                    "language": ticket.requester_language,
                },
                "cc": list(ticket.cc),
                "organisation_id": ticket.organisation_id,
                "reference_id": new_id(),  # quoted in every message about this change
                **data,
            },
        )

    def _touch(self, ticket: TicketRecord, **changes: Any) -> TicketRecord:
        return dataclasses.replace(
            ticket, last_activity_at=self._now(), version=ticket.version + 1, **changes
        )

    @staticmethod
    def _entry(kind: str, at: str, author: Author | None = None, **values: Any) -> TimelineRecord:
        """A timeline entry, with its author's id, name and role when a person made it."""
        if author is not None:
            values.update(
                author_id=author.user_id, author_name=author.full_name, author_is_agent=author.is_agent
            )
        return TimelineRecord(new_id(), kind, at, **values)  # type: ignore[arg-type]

    def _create(
        self,
        *,
        additions: Additions | None = None,
        follow_up_of: str | None = None,
        ticket_id: str | None = None,
        shown_as: RequestType | None = None,
        event_extras: dict[str, Any] | None = None,
        **values: Any,
    ) -> TicketView:
        ticket_id = ticket_id or new_id()
        now = self._now()
        additions = additions or Additions()
        entries = [self._entry("follow_up", now, linked_ticket_id=follow_up_of)] if follow_up_of else []
        additions = dataclasses.replace(additions, entries=[*additions.entries, *entries])

        def make(case_number: str) -> TicketRecord:
            return TicketRecord(
                ticket_id=ticket_id,
                case_number=case_number,
                status="open",
                created_at=now,
                last_activity_at=now,
                follow_up_of=follow_up_of,
                **values,
            )

        ticket = self.store.create_ticket(make, additions, start=self.settings.case_number_start)
        self.logger.info(
            "ticket created", extra={"ticket_id": ticket.ticket_id, "case_number": ticket.case_number}
        )
        self._publish(
            self._event(
                "TicketCreated",
                ticket,
                description=ticket.description,
                follow_up_of=follow_up_of,
                **(described(shown_as, ticket.fields) if shown_as else {}),
                **(event_extras or {}),
            )
        )
        attached = [
            dataclasses.replace(u, ticket_id=ticket_id) for u in [*additions.uploads, *additions.files]
        ]
        return TicketView(ticket, entries, attached)

    def _comment(
        self, ticket: TicketRecord, author: Author, body: str, additions: Additions
    ) -> TimelineRecord:
        """Adds a reply to an open ticket (with what `additions` brings, in one transaction); a
        customer's reply moves a waiting ticket back to in progress. Publishes after the commit."""
        now = self._now()
        attachment_ids = [a.attachment_id for a in [*additions.uploads, *additions.files]]
        entry = self._entry("reply", now, author, body=body, attachment_ids=attachment_ids, via=author.via)
        entries = [entry]
        new_status = ticket.status if author.is_agent else rules.after_customer_reply(ticket.status)
        if new_status != ticket.status:
            entries.append(
                self._entry(
                    "status",
                    now,
                    dataclasses.replace(author, is_agent=False),
                    from_status=ticket.status,
                    to_status=new_status,
                )
            )
        updated = self._touch(
            ticket,
            status=new_status,
            reply_count=ticket.reply_count + 1,
            interaction_count=ticket.interaction_count + (2 if new_status != ticket.status else 1),
            last_comment_at=now,
            last_comment_by_id=author.user_id,
            last_comment_by_name=author.full_name,
        )
        self.store.save(updated, ticket.version, dataclasses.replace(additions, entries=entries))
        events = [
            self._event(
                "TicketCommented",
                updated,
                comment_id=entry.entry_id,
                body=body,
                author={
                    "user_id": author.user_id,
                    "full_name": author.full_name,
                    "is_agent": author.is_agent,
                    "via": author.via,
                },
            )
        ]
        if new_status != ticket.status:
            events.append(self._event("TicketStatusChanged", updated, from_status=ticket.status))
        self._publish(*events)
        return entry

    def _change_status(
        self, caller: Caller, ticket: TicketRecord, new_status: str
    ) -> tuple[TicketRecord, TimelineRecord]:
        author = self._profile(caller.user_id)
        entry = self._entry(
            "status",
            self._now(),
            Author(caller.user_id, author.full_name, caller.is_agent),
            from_status=ticket.status,
            to_status=new_status,
        )
        updated = self._touch(ticket, status=new_status, interaction_count=ticket.interaction_count + 1)
        self.store.save(updated, ticket.version, Additions(entries=[entry]))
        events = [self._event("TicketStatusChanged", updated, from_status=ticket.status)]
        if new_status == "closed":
            events.append(self._event("TicketClosed", updated, closed_by=caller.user_id))
        self._publish(*events)
        return updated, entry

    def _link_follow_up(self, original: TicketRecord, follow_up_id: str, attempts: int = 3) -> None:
        """Records the follow-up on the original ticket. The follow-up exists already, so a concurrent
        change of the original is not the caller's conflict: read it again and link once more."""
        for _ in range(attempts):
            linked = dataclasses.replace(
                original, follow_ups=[*original.follow_ups, follow_up_id], version=original.version + 1
            )
            back_link = self._entry("follow_up", self._now(), linked_ticket_id=follow_up_id)
            try:
                self.store.save(linked, original.version, Additions(entries=[back_link]))
                return
            except Conflict:
                reloaded = self.store.get_ticket(original.ticket_id)
                if reloaded is None:
                    break
                original = reloaded
        self.logger.warning(
            "follow-up not linked back", extra={"ticket_id": original.ticket_id, "follow_up_id": follow_up_id}
        )

    def _uploads(self, owner_id: str, attachment_ids: list[str]) -> list[AttachmentRecord]:
        """The caller's clean uploads named in a request; every other one a named field error."""
        found = self.store.uploads(owner_id, attachment_ids)
        errors = []
        for index, attachment_id in enumerate(attachment_ids):
            upload = found.get(attachment_id)
            if upload is None:
                errors.append(FieldError(f"attachment_ids[{index}]", "attachment.not_found"))
            elif upload.state == "pending":
                errors.append(FieldError(f"attachment_ids[{index}]", "attachment.pending"))
            elif upload.state == "rejected":
                errors.append(FieldError(f"attachment_ids[{index}]", "attachment.rejected"))
        if errors:
            raise Invalid("request.invalid", fields=errors)
        return [found[a] for a in dict.fromkeys(attachment_ids)]
