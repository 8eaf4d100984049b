"""Use cases of tickets. No boto3: store, links, directory of agents, publisher and limiter are passed
in, and the caller is an explicit argument of every call.

Who may do what:
- agents (Cognito group) see and work every ticket, write internal notes, assign, change status;
- a customer sees a ticket they requested, one of their organisation, or one they are CC on with
  their account's address; all of them may reply while it is open;
- only the requester edits, closes and manages CC addresses;
- anyone else gets 404, as if the ticket did not exist.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from aws_lambda_powertools import Logger

from shared import replies
from shared.addresses import normalise_or_none
from shared.clock import Clock, iso
from shared.errors import Conflict, FieldError, Forbidden, Invalid, NotFound, RateLimited
from shared.events import DomainEvent, EventPublisher, publish_after_commit
from shared.i18n import Language, text
from shared.identity import Caller
from shared.ids import new_id
from shared.ratelimit import RateLimiter
from tickets import downloads, models, rules
from tickets.attachments import (
    ALLOWED_TYPES,
    AttachmentLinks,
    filename_for,
    is_servable,
    judge,
    mail_key,
    upload_key,
)
from tickets.inbound import InboundFile
from tickets.request_types import SEED, RequestType, validate_fields
from tickets.settings import TicketsSettings
from tickets.store import AttachmentRecord, TicketRecord, TicketsStore, TicketView, TimelineRecord, owner_key

Access = Literal["agent", "requester", "member", "cc"]
AgentCheck = Callable[[str], bool]


@dataclass(frozen=True)
class Author:
    user_id: str | None
    full_name: str
    is_agent: bool
    via: Literal["portal", "email"] = "portal"


@dataclass(frozen=True)
class EmailReply:
    """An inbound mail the handler has already checked (verdicts, machines, own addresses)."""

    mail_id: str
    token: replies.ReplyToken
    key: bytes
    sender: str
    text: str
    files: list[InboundFile]


@dataclass(frozen=True)
class EmailOutcome:
    result: Literal["commented", "follow_up", "duplicate", "refused"]
    reason: str | None = None
    ticket_id: str | None = None
    entry_id: str | None = None
    rejected_files: int = 0


@dataclass(frozen=True)
class Profile:
    user_id: str
    email: str
    full_name: str
    language: str
    organisation_id: str | None


@dataclass
class TicketsService:
    store: TicketsStore
    links: AttachmentLinks
    publisher: EventPublisher
    limiter: RateLimiter
    clock: Clock
    settings: TicketsSettings
    logger: Logger
    is_agent_user: AgentCheck
    signing_key: Callable[[], bytes]

    # --- helpers -----------------------------------------------------------------------------

    def _now(self) -> str:
        return iso(self.clock.now())

    def _profile(self, user_id: str) -> Profile:
        values = self.store.profile(user_id)
        if values is None:
            raise NotFound("account.not_found")
        return Profile(
            user_id=user_id,
            email=values["email"],
            full_name=values["full_name"],
            language=values.get("language", "de"),
            organisation_id=values.get("organisation_id"),
        )

    def _publish(self, *events: DomainEvent) -> None:
        publish_after_commit(self.publisher, list(events), self.logger)

    def _limit(self, scope: str, value: str, limit: int) -> None:
        allowed, retry_after = self.limiter.allow(
            scope, value, limit=limit, window_seconds=3600, now=self.clock.now()
        )
        if not allowed:
            raise RateLimited("request.rate_limited", retry_after_seconds=retry_after)

    def _type(self, type_key: str) -> RequestType:
        request_type = self.store.request_type(type_key)
        if request_type is None:  # perhaps a fresh table: the catalogue seeds itself on first read
            request_type = next((t for t in self.request_types() if t.key == type_key), None)
        if request_type is None or not request_type.active:
            raise Invalid("request.invalid", fields=[FieldError("request_type", "ticket.type_unknown")])
        return request_type

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

    @staticmethod
    def _shown(
        view: TicketView, ticket: TicketRecord, access: Access, entries: tuple[TimelineRecord, ...] = ()
    ) -> models.Ticket:
        """The answer to a change, built from what was read and written: no second read."""
        changed = TicketView(ticket, [*view.timeline, *entries], view.attachments)
        return to_ticket(changed, agent=access == "agent")

    def _uploads(self, owner_id: str, attachment_ids: list[str]) -> list[AttachmentRecord]:
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

    @staticmethod
    def _recipients(ticket: TicketRecord) -> dict[str, Any]:
        """What the inbox needs to reach everyone on the ticket, also people without an account."""
        return {
            "requester": {
                "user_id": ticket.requester_id,
                "email": ticket.requester_email,
                "full_name": ticket.requester_name,
                "language": ticket.requester_language,
            },
            "cc": list(ticket.cc),
            "organisation_id": ticket.organisation_id,
        }

    def _event(self, detail_type: str, ticket: TicketRecord, **data: Any) -> DomainEvent:
        return DomainEvent(
            detail_type,
            {
                "ticket_id": ticket.ticket_id,
                "case_number": ticket.case_number,
                "subject": ticket.subject,
                "status": ticket.status,
                "request_type": ticket.request_type,
                **self._recipients(ticket),
                "reference_id": new_id(),  # quoted in every message about this change
                **data,
            },
        )

    def _touch(self, ticket: TicketRecord, **changes: Any) -> TicketRecord:
        return dataclasses.replace(
            ticket, last_activity_at=self._now(), version=ticket.version + 1, **changes
        )

    # --- request types -------------------------------------------------------------------

    def request_types(self, include_inactive: bool = False) -> list[RequestType]:
        types = self.store.request_types()
        if not types:
            types = self._seed()
        return [t for t in types if include_inactive or t.active]

    def _seed(self) -> list[RequestType]:
        """A fresh table gets the help centre's six types; an agent's version of one always stays."""
        for request_type in SEED:
            with contextlib.suppress(Conflict):
                self.store.put_request_type(request_type, create=True)
        return self.store.request_types()

    def create_request_type(self, caller: Caller, request_type: RequestType) -> RequestType:
        caller.require_agent()
        self.store.put_request_type(request_type, create=True)
        return request_type

    def change_request_type(self, caller: Caller, type_key: str, request_type: RequestType) -> RequestType:
        caller.require_agent()
        if request_type.key != type_key:
            raise Invalid("request.invalid", fields=[FieldError("key", "request_type.key_fixed")])
        self.store.put_request_type(request_type, create=False)
        return request_type

    # --- submission ------------------------------------------------------------------------

    def submit_anonymous(
        self, request: models.AnonymousSubmission, source_ip: str, language: Language
    ) -> models.Submitted:
        self._limit("ticket-source", source_ip, self.settings.requests_per_source_per_hour)
        self._limit("ticket-address", request.email, self.settings.submissions_per_address_per_hour)
        request_type = self._type(request.request_type)
        fields, errors = validate_fields(request_type, request.fields)
        if errors:
            raise Invalid("request.invalid", fields=errors)
        created = self._create(
            request_type=request_type.key,
            subject=request.subject,
            description=request.description,
            fields=fields,
            requester_id=None,
            requester_name=request.full_name,
            requester_email=request.email,
            requester_language=request.language,
            organisation_id=None,
            company=request.company,
            customer_number=request.customer_number,
            cc=[],
            uploads=[],
        )
        return models.Submitted(
            message=text("ticket.submitted", language), case_number=created.ticket.case_number
        )

    def submit(self, caller: Caller, request: models.Submission) -> models.Ticket:
        profile = self._profile(caller.user_id)
        request_type = self._type(request.request_type)
        fields, errors = validate_fields(request_type, request.fields)
        if errors:
            raise Invalid("request.invalid", fields=errors)
        uploads = self._uploads(caller.user_id, request.attachment_ids)
        created = self._create(
            request_type=request_type.key,
            subject=request.subject,
            description=request.description,
            fields=fields,
            requester_id=profile.user_id,
            requester_name=profile.full_name,
            requester_email=profile.email,
            requester_language=profile.language,
            organisation_id=profile.organisation_id,
            company=request.company,
            customer_number=request.customer_number,
            cc=sorted({c for c in request.cc if c != profile.email}),
            uploads=uploads,
        )
        return to_ticket(created, agent=False)

    def _create(
        self,
        *,
        uploads: list[AttachmentRecord],
        follow_up_of: str | None = None,
        ticket_id: str | None = None,
        extra: list[Any] | None = None,
        **values: Any,
    ) -> TicketView:
        ticket_id = ticket_id or new_id()
        now = self._now()
        extra = list(extra or [])
        for upload in uploads:
            extra.extend(self.store.attach(ticket_id, upload))
        entries = []
        if follow_up_of:
            entries.append(TimelineRecord(new_id(), "follow_up", now, linked_ticket_id=follow_up_of))
            extra.append(self.store.entry(ticket_id, entries[0]))

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

        ticket = self.store.create_ticket(make, extra, start=self.settings.case_number_start)
        self.logger.info(
            "ticket created", extra={"ticket_id": ticket.ticket_id, "case_number": ticket.case_number}
        )
        self._publish(
            self._event("TicketCreated", ticket, description=ticket.description, follow_up_of=follow_up_of)
        )
        attached = [dataclasses.replace(u, ticket_id=ticket_id) for u in uploads]
        return TicketView(ticket, entries, attached)

    # --- reading ---------------------------------------------------------------------------

    def ticket(self, caller: Caller, ticket_id: str) -> models.Ticket:
        view, access, _ = self._view(caller, ticket_id)
        return to_ticket(view, agent=access == "agent")

    def list_tickets(
        self,
        caller: Caller,
        scope: Literal["mine", "organisation"],
        status: rules.StatusFilter,
        request_type: str | None,
        creator: str | None,
        cursor: str | None,
    ) -> models.TicketPage:
        """ "Created by me" needs nothing but the token; the organisation's list needs the caller's
        current membership (read from the profile, so a removed member loses access at once)."""
        if scope == "mine":
            index, partition = (
                ("GSI7", f"REQUESTER#{caller.user_id}")
                if status == "all"
                else (
                    "GSI6",
                    f"REQUESTER#{caller.user_id}#{status.upper()}",
                )
            )
            creator = None
        else:
            profile = self._profile(caller.user_id)
            if not profile.organisation_id:
                raise Invalid("request.invalid", fields=[FieldError("scope", "ticket.no_organisation")])
            owner = owner_key(profile.organisation_id, None)
            index, partition = (
                ("GSI2", f"OWNER#{owner}")
                if status == "all"
                else (
                    "GSI1",
                    f"OWNER#{owner}#{status.upper()}",
                )
            )
        tickets, next_cursor = self.store.list_tickets(
            index,
            partition,
            limit=self.settings.page_size,
            cursor=cursor,
            request_type=request_type,
            requester_id=creator,
        )
        return models.TicketPage(items=[to_summary(t) for t in tickets], next_cursor=next_cursor)

    def agent_tickets(
        self,
        caller: Caller,
        status: rules.StatusFilter,
        assignee: str | None,
        request_type: str | None,
        cursor: str | None,
    ) -> models.TicketPage:
        caller.require_agent()
        if assignee is not None:
            if status == "all":
                raise Invalid(
                    "request.invalid", fields=[FieldError("status", "ticket.assignee_needs_status")]
                )
            who = {"me": caller.user_id, "none": "NONE"}.get(assignee, assignee)
            index, partition = "GSI4", f"ASSIGNEE#{who}#{status.upper()}"
        elif status == "all":
            index, partition = "GSI5", "TICKETS"
        else:
            index, partition = "GSI3", f"TICKETS#{status.upper()}"
        tickets, next_cursor = self.store.list_tickets(
            index, partition, limit=self.settings.page_size, cursor=cursor, request_type=request_type
        )
        return models.TicketPage(items=[to_summary(t) for t in tickets], next_cursor=next_cursor)

    # --- replies and changes ---------------------------------------------------------------

    def reply(self, caller: Caller, ticket_id: str, request: models.ReplyCreate) -> models.TimelineEntry:
        ticket, access, profile = self._ticket(caller, ticket_id)
        if ticket.status == "closed":
            raise Conflict("ticket.closed_use_follow_up", ticket_id=ticket_id)
        author = profile or self._profile(caller.user_id)
        uploads = self._uploads(caller.user_id, request.attachment_ids)
        extra: list[Any] = []
        for upload in uploads:
            extra.extend(self.store.attach(ticket_id, upload))
        entry = self._comment(
            ticket,
            Author(caller.user_id, author.full_name, access == "agent"),
            request.body,
            [u.attachment_id for u in uploads],
            extra,
        )
        return to_entry(entry, {u.attachment_id: u for u in uploads})

    def _comment(
        self, ticket: TicketRecord, author: Author, body: str, attachment_ids: list[str], extra: list[Any]
    ) -> TimelineRecord:
        """Adds a reply to an open ticket (with what `extra` adds, in one transaction); a customer's
        reply moves a waiting ticket back to in progress. Publishes after the commit."""
        now = self._now()
        entry = TimelineRecord(
            entry_id=new_id(),
            kind="reply",
            at=now,
            author_id=author.user_id,
            author_name=author.full_name,
            author_is_agent=author.is_agent,
            body=body,
            attachment_ids=attachment_ids,
            via=author.via,
        )
        extra = [self.store.entry(ticket.ticket_id, entry), *extra]
        new_status = ticket.status if author.is_agent else rules.after_customer_reply(ticket.status)
        if new_status != ticket.status:
            extra.append(
                self.store.entry(
                    ticket.ticket_id,
                    TimelineRecord(
                        new_id(),
                        "status",
                        now,
                        author_id=author.user_id,
                        author_name=author.full_name,
                        from_status=ticket.status,
                        to_status=new_status,
                    ),
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
        self.store.save(updated, ticket.version, extra)
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

    # --- replies by e-mail -------------------------------------------------------------------

    def reply_by_email(self, mail: EmailReply, attempts: int = 3) -> EmailOutcome:
        """An answer to a ticket mail: the token must be this ticket's and this participant's, and the
        sender that participant. An open ticket gets the text as the participant's reply, a closed one
        a linked follow-up. Never adds a participant; a repeated delivery of the same mail changes
        nothing. Refusals are outcomes (logged by the caller), not errors: nobody is answered."""
        ticket = self.store.get_ticket(mail.token.ticket_id)
        participants = [ticket.requester_email, *ticket.cc] if ticket else []
        participant = next(
            (p for p in participants if replies.is_participants(mail.key, mail.token, p)), None
        )
        if ticket is None or participant is None:
            return EmailOutcome("refused", "unknown_token")
        if mail.sender != participant:
            return EmailOutcome("refused", "sender_not_participant", ticket.ticket_id)
        if not mail.text and not mail.files:
            return EmailOutcome("refused", "empty", ticket.ticket_id)
        author = self._mail_author(ticket, participant)
        for attempt in range(attempts):
            target = ticket.ticket_id if ticket.status != "closed" else new_id()
            attachments, rejected = self._mail_attachments(target, author, mail.files)
            guard = self.store.inbound_guard(mail.mail_id, target, self._expiry(days=30))
            try:
                if ticket.status == "closed":
                    follow_up = self._follow_up_by_email(
                        ticket, target, author, participant, mail.text, attachments, guard
                    )
                    return EmailOutcome("follow_up", None, follow_up, rejected_files=rejected)
                entry = self._comment(
                    ticket,
                    author,
                    mail.text,
                    [a.attachment_id for a in attachments],
                    [guard, *(self.store.attach_new(target, a) for a in attachments)],
                )
                return EmailOutcome("commented", None, ticket.ticket_id, entry.entry_id, rejected)
            except Conflict:
                self._drop(attachments)
                if self.store.inbound_seen(mail.mail_id):
                    return EmailOutcome("duplicate", None, ticket.ticket_id)
                reloaded = self.store.get_ticket(ticket.ticket_id)
                if reloaded is None or attempt == attempts - 1:
                    raise
                ticket = reloaded
        raise AssertionError("unreachable")

    def _expiry(self, days: int) -> int:
        return int((self.clock.now() + timedelta(days=days)).timestamp())

    def _mail_author(self, ticket: TicketRecord, participant: str) -> Author:
        if participant == ticket.requester_email:
            return Author(ticket.requester_id, ticket.requester_name, False, "email")
        user_id = self.store.user_id_for_email(participant)
        values = self.store.profile(user_id) if user_id else None
        if user_id and values:
            return Author(user_id, str(values["full_name"]), False, "email")
        return Author(None, participant, False, "email")

    def _mail_attachments(
        self, ticket_id: str, author: Author, files: list[InboundFile]
    ) -> tuple[list[AttachmentRecord], int]:
        """Files that pass the attachment rules (type by content, size), stored under the ticket;
        the others are dropped and counted."""
        kept = []
        for file in files:
            verdict = judge(file.data, file.content_type, self.settings.max_attachment_bytes)
            if not verdict.clean:
                continue
            attachment_id = new_id()
            object_key = mail_key(ticket_id, attachment_id)
            self.links.put(object_key, file.data, file.content_type)
            kept.append(
                AttachmentRecord(
                    attachment_id=attachment_id,
                    owner_id=author.user_id or "email",
                    filename=filename_for(file.filename, file.content_type),
                    content_type=file.content_type,
                    size=len(file.data),
                    state="clean",
                    created_at=self._now(),
                    object_key=object_key,
                    ticket_id=ticket_id,
                )
            )
        return kept, len(files) - len(kept)

    def _drop(self, attachments: list[AttachmentRecord]) -> None:
        for attachment in attachments:
            with contextlib.suppress(Exception):
                self.links.delete(attachment.object_key)

    def _follow_up_by_email(
        self,
        original: TicketRecord,
        ticket_id: str,
        author: Author,
        participant: str,
        body: str,
        attachments: list[AttachmentRecord],
        guard: Any,
    ) -> str:
        """A closed ticket takes no reply: the mail opens a follow-up with the same participants."""
        requester = author.user_id == original.requester_id and participant == original.requester_email
        profile = None if requester or author.user_id is None else self.store.profile(author.user_id)
        # As in the portal, the follow-up stays in the original's organisation (see `follow_up`).
        created = self._create(
            request_type=original.request_type,
            subject=f"Folgefrage zu {original.case_number}: {original.subject}"[:200],
            description=body,
            fields=dict(original.fields),
            requester_id=author.user_id,
            requester_name=author.full_name,
            requester_email=participant,
            requester_language=original.requester_language
            if requester
            else str((profile or {}).get("language", "de")),
            organisation_id=original.organisation_id,
            company=original.company,
            customer_number=original.customer_number,
            cc=sorted({*original.cc, original.requester_email} - {participant}),
            uploads=[],
            follow_up_of=original.ticket_id,
            ticket_id=ticket_id,
            extra=[guard, *(self.store.attach_new(ticket_id, a) for a in attachments)],
        )
        self._link_follow_up(original, created.ticket.ticket_id)
        return created.ticket.ticket_id

    def note(self, caller: Caller, ticket_id: str, request: models.NoteCreate) -> models.TimelineEntry:
        caller.require_agent()
        ticket, _, _ = self._ticket(caller, ticket_id)
        author = self._profile(caller.user_id)
        entry = TimelineRecord(
            new_id(),
            "note",
            self._now(),
            author_id=caller.user_id,
            author_name=author.full_name,
            author_is_agent=True,
            body=request.body,
            internal=True,
        )
        # An internal note changes neither the customer's counters nor the list order; no event.
        self.store.save(
            dataclasses.replace(ticket, version=ticket.version + 1),
            ticket.version,
            [self.store.entry(ticket_id, entry)],
        )
        return to_entry(entry, {})

    def set_status(self, caller: Caller, ticket_id: str, request: models.StatusChange) -> models.Ticket:
        caller.require_agent()
        view, access, _ = self._view(caller, ticket_id)
        ticket = view.ticket
        if not rules.agent_may_set(ticket.status, request.status):
            raise Conflict(
                "ticket.status_unchanged" if ticket.status != "closed" else "ticket.closed_use_follow_up",
                ticket_id=ticket_id,
            )
        updated, entry = self._change_status(caller, ticket, request.status)
        return self._shown(view, updated, access, (entry,))

    def _change_status(
        self, caller: Caller, ticket: TicketRecord, new_status: str
    ) -> tuple[TicketRecord, TimelineRecord]:
        author = self._profile(caller.user_id)
        entry = TimelineRecord(
            new_id(),
            "status",
            self._now(),
            author_id=caller.user_id,
            author_name=author.full_name,
            author_is_agent=caller.is_agent,
            from_status=ticket.status,
            to_status=new_status,
        )
        updated = self._touch(ticket, status=new_status, interaction_count=ticket.interaction_count + 1)
        self.store.save(updated, ticket.version, [self.store.entry(ticket.ticket_id, entry)])
        events = [self._event("TicketStatusChanged", updated, from_status=ticket.status)]
        if new_status == "closed":
            events.append(self._event("TicketClosed", updated, closed_by=caller.user_id))
        self._publish(*events)
        return updated, entry

    def close(self, caller: Caller, ticket_id: str) -> models.Ticket:
        view, access, _ = self._view(caller, ticket_id)
        if access not in ("requester", "agent"):
            raise Forbidden("ticket.requester_only")
        if view.ticket.status == "closed":
            raise Conflict("ticket.already_closed")
        updated, entry = self._change_status(caller, view.ticket, "closed")
        return self._shown(view, updated, access, (entry,))

    def assign(self, caller: Caller, ticket_id: str, request: models.AssigneeChange) -> models.Ticket:
        caller.require_agent()
        view, access, _ = self._view(caller, ticket_id)
        ticket = view.ticket
        assignee_name = None
        if request.assignee_id is not None:
            if not self.is_agent_user(request.assignee_id):
                raise Invalid(
                    "request.invalid", fields=[FieldError("assignee_id", "ticket.assignee_not_agent")]
                )
            assignee_name = self._profile(request.assignee_id).full_name
        if request.assignee_id == ticket.assignee_id:
            return self._shown(view, ticket, access)
        author = self._profile(caller.user_id)
        entry = TimelineRecord(
            new_id(),
            "assignment",
            self._now(),
            author_id=caller.user_id,
            author_name=author.full_name,
            author_is_agent=True,
            assignee_id=request.assignee_id,
            assignee_name=assignee_name,
        )
        updated = self._touch(
            ticket,
            assignee_id=request.assignee_id,
            assignee_name=assignee_name,
            interaction_count=ticket.interaction_count + 1,
        )
        self.store.save(updated, ticket.version, [self.store.entry(ticket_id, entry)])
        self._publish(
            self._event(
                "TicketAssigned",
                updated,
                assignee={"user_id": request.assignee_id, "full_name": assignee_name},
            )
        )
        return self._shown(view, updated, access, (entry,))

    def edit(self, caller: Caller, ticket_id: str, request: models.TicketEdit) -> models.Ticket:
        view, access, _ = self._view(caller, ticket_id)
        ticket = view.ticket
        if access != "requester":
            raise Forbidden("ticket.requester_only")
        if ticket.status == "closed":
            raise Conflict("ticket.closed_use_follow_up", ticket_id=ticket_id)
        changes: dict[str, Any] = {}
        if request.subject is not None:
            changes["subject"] = request.subject
        if request.description is not None:
            changes["description"] = request.description
        if request.fields is not None:
            fields, errors = validate_fields(self._type(ticket.request_type), request.fields)
            if errors:
                raise Invalid("request.invalid", fields=errors)
            changes["fields"] = fields
        if not changes:
            return self._shown(view, ticket, access)
        updated = self._touch(ticket, **changes)
        self.store.save(updated, ticket.version)
        self._publish(self._event("TicketUpdated", updated, changed=sorted(changes)))
        return self._shown(view, updated, access)

    def add_cc(self, caller: Caller, ticket_id: str, email: str) -> models.Ticket:
        return self._change_cc(caller, ticket_id, email, add=True)

    def remove_cc(self, caller: Caller, ticket_id: str, email: str) -> models.Ticket:
        canonical = normalise_or_none(email)
        if canonical is None:
            raise NotFound("ticket.cc_not_found")
        return self._change_cc(caller, ticket_id, canonical, add=False)

    def _change_cc(self, caller: Caller, ticket_id: str, email: str, *, add: bool) -> models.Ticket:
        view, access, _ = self._view(caller, ticket_id)
        ticket = view.ticket
        if access != "requester":
            raise Forbidden("ticket.requester_only")
        if add and email == ticket.requester_email:
            raise Invalid("request.invalid", fields=[FieldError("email", "ticket.cc_is_requester")])
        if add and email not in ticket.cc and len(ticket.cc) >= 10:
            raise Invalid("request.invalid", fields=[FieldError("email", "ticket.cc_full")])
        if not add and email not in ticket.cc:
            raise NotFound("ticket.cc_not_found")
        cc = sorted({*ticket.cc, email}) if add else [c for c in ticket.cc if c != email]
        if cc == ticket.cc:
            return self._shown(view, ticket, access)
        updated = dataclasses.replace(ticket, cc=cc, version=ticket.version + 1)
        self.store.save(updated, ticket.version)
        self._publish(
            self._event(
                "TicketCcChanged", updated, added=[email] if add else [], removed=[] if add else [email]
            )
        )
        return self._shown(view, updated, access)

    def follow_up(self, caller: Caller, ticket_id: str, request: models.FollowUpCreate) -> models.Ticket:
        original, access, profile = self._ticket(caller, ticket_id)
        if access == "agent":
            raise Forbidden("ticket.customers_only")
        if original.status != "closed":
            raise Conflict("ticket.follow_up_needs_closed")
        me = profile or self._profile(caller.user_id)
        # A follow-up stays where the original was: asked by a CC of another organisation, it must not
        # copy the original's subject, fields and customer number into that organisation.
        created = self._create(
            request_type=original.request_type,
            subject=request.subject or f"Folgefrage zu {original.case_number}: {original.subject}"[:200],
            description=request.description,
            fields=dict(original.fields),
            requester_id=me.user_id,
            requester_name=me.full_name,
            requester_email=me.email,
            requester_language=me.language,
            organisation_id=original.organisation_id,
            company=original.company,
            customer_number=original.customer_number,
            cc=sorted({*original.cc, original.requester_email} - {me.email}),
            uploads=[],
            follow_up_of=original.ticket_id,
        )
        self._link_follow_up(original, created.ticket.ticket_id)
        return to_ticket(created, agent=False)

    def _link_follow_up(self, original: TicketRecord, follow_up_id: str, attempts: int = 3) -> None:
        """Records the follow-up on the original ticket. The follow-up exists already, so a concurrent
        change of the original is not the caller's conflict: read it again and link once more."""
        for _ in range(attempts):
            linked = dataclasses.replace(
                original, follow_ups=[*original.follow_ups, follow_up_id], version=original.version + 1
            )
            back_link = TimelineRecord(new_id(), "follow_up", self._now(), linked_ticket_id=follow_up_id)
            try:
                self.store.save(linked, original.version, [self.store.entry(original.ticket_id, back_link)])
                return
            except Conflict:
                reloaded = self.store.get_ticket(original.ticket_id)
                if reloaded is None:
                    break
                original = reloaded
        self.logger.warning(
            "follow-up not linked back", extra={"ticket_id": original.ticket_id, "follow_up_id": follow_up_id}
        )

    # --- attachments -----------------------------------------------------------------------

    def upload_slot(self, caller: Caller, request: models.UploadRequest) -> models.UploadSlot:
        if request.content_type not in ALLOWED_TYPES:
            raise Invalid(
                "request.invalid", fields=[FieldError("content_type", "attachment.type_not_allowed")]
            )
        if request.size > self.settings.max_attachment_bytes:
            raise Invalid(
                "request.invalid",
                fields=[
                    FieldError(
                        "size",
                        "attachment.too_large",
                        {"max_mb": self.settings.max_attachment_bytes // (1024 * 1024)},
                    )
                ],
            )
        attachment_id = new_id()
        object_key = upload_key(caller.user_id, attachment_id)
        upload = AttachmentRecord(
            attachment_id=attachment_id,
            owner_id=caller.user_id,
            filename=filename_for(request.filename, request.content_type),
            content_type=request.content_type,
            size=request.size,
            state="pending",
            created_at=self._now(),
            object_key=object_key,
        )
        self.store.put_upload(upload, int((self.clock.now() + timedelta(days=1)).timestamp()))
        url, fields = self.links.upload(
            object_key,
            request.content_type,
            self.settings.max_attachment_bytes,
            self.settings.upload_slot_seconds,
        )
        return models.UploadSlot(
            attachment_id=attachment_id, url=url, fields=fields, expires_in=self.settings.upload_slot_seconds
        )

    def upload_state(self, caller: Caller, attachment_id: str) -> models.Attachment:
        upload = self.store.uploads(caller.user_id, [attachment_id]).get(attachment_id)
        if upload is None:
            raise NotFound("attachment.not_found")
        return to_attachment(upload)

    def download(self, caller: Caller, ticket_id: str, attachment_id: str, base_url: str) -> models.Download:
        """A short-lived link to the judged bytes of an attachment of a ticket the caller may see."""
        view, _, _ = self._view(caller, ticket_id)
        attachment = next((a for a in view.attachments if a.attachment_id == attachment_id), None)
        if attachment is None or attachment.state != "clean" or not is_servable(attachment.object_key):
            raise NotFound("attachment.not_found")
        seconds = self.settings.download_link_seconds
        grant = downloads.Grant(
            attachment.object_key,
            filename_for(attachment.filename, attachment.content_type),
            attachment.content_type,
            int(self.clock.now().timestamp()) + seconds,
        )
        token = downloads.sign(self.signing_key(), grant)
        return models.Download(url=f"{base_url}/downloads/{token}", expires_in=seconds)

    def serve_download(self, token: str) -> tuple[downloads.Grant, bytes]:
        """The bytes behind a download link; 404 for a link that is forged, expired or gone."""
        grant = downloads.verify(self.signing_key(), token, int(self.clock.now().timestamp()))
        stored = (
            self.links.read(grant.object_key, self.settings.max_attachment_bytes)
            if grant is not None and is_servable(grant.object_key)
            else None
        )
        if grant is None or stored is None or stored.data is None:
            raise NotFound("attachment.link_invalid")
        return grant, stored.data


# --- mapping to the API ----------------------------------------------------------------------


def _person(user_id: str | None, name: str | None, email: str | None = None) -> models.Person | None:
    if name is None:
        return None
    return models.Person(user_id=user_id, full_name=name, email=email)


def to_attachment(attachment: AttachmentRecord) -> models.Attachment:
    return models.Attachment(
        id=attachment.attachment_id,
        filename=attachment.filename,
        content_type=attachment.content_type,
        size=attachment.size,
        state=attachment.state,
        reason=attachment.reason,
    )


def to_entry(entry: TimelineRecord, attachments: dict[str, AttachmentRecord]) -> models.TimelineEntry:
    return models.TimelineEntry(
        id=entry.entry_id,
        kind=entry.kind,
        at=entry.at,
        author=_person(entry.author_id, entry.author_name),
        body=entry.body,
        from_status=entry.from_status,
        to_status=entry.to_status,
        assignee=_person(entry.assignee_id, entry.assignee_name),
        linked_ticket_id=entry.linked_ticket_id,
        attachments=[to_attachment(attachments[a]) for a in entry.attachment_ids if a in attachments],
        internal=entry.internal,
        via=entry.via,
    )


def to_summary(ticket: TicketRecord) -> models.TicketSummary:
    return models.TicketSummary(
        id=ticket.ticket_id,
        case_number=ticket.case_number,
        subject=ticket.subject,
        request_type=ticket.request_type,
        status=ticket.status,  # type: ignore[arg-type]
        requester=models.Person(
            user_id=ticket.requester_id, full_name=ticket.requester_name, email=ticket.requester_email
        ),
        organisation_id=ticket.organisation_id,
        assignee=_person(ticket.assignee_id, ticket.assignee_name),
        created_at=ticket.created_at,
        last_activity_at=ticket.last_activity_at,
        reply_count=ticket.reply_count,
    )


def to_ticket(view: TicketView, *, agent: bool) -> models.Ticket:
    ticket = view.ticket
    attachments = {a.attachment_id: a for a in view.attachments}
    timeline = [
        to_entry(e, attachments)
        for e in sorted(view.timeline, key=lambda e: e.entry_id)
        if agent or not e.internal
    ]
    summary = to_summary(ticket)
    return models.Ticket(
        **summary.model_dump(),
        description=ticket.description,
        company=ticket.company,
        customer_number=ticket.customer_number,
        fields=ticket.fields,
        cc=ticket.cc,
        interaction_count=ticket.interaction_count,
        last_comment_at=ticket.last_comment_at,
        last_comment_by=_person(ticket.last_comment_by_id, ticket.last_comment_by_name),
        follow_up_of=ticket.follow_up_of,
        follow_ups=ticket.follow_ups,
        attachments=[to_attachment(a) for a in view.attachments if a.state == "clean"],
        timeline=timeline,
    )
