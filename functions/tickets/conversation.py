"""Use cases of working a ticket: replies, internal notes, status, assignment, editing, CC addresses."""

from __future__ import annotations

import dataclasses
from typing import Any

from shared.addresses import normalise_or_none
from shared.errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from shared.identity import Caller
from tickets import models, rules
from tickets.core import Access, Author, TicketsCore
from tickets.mapping import to_entry, to_ticket
from tickets.records import Additions, TicketRecord, TicketView, TimelineRecord
from tickets.request_types import validate_fields


def shown(
    view: TicketView, ticket: TicketRecord, access: Access, entries: tuple[TimelineRecord, ...] = ()
) -> models.Ticket:
    """The answer to a change, built from what was read and written: no second read."""
    changed = TicketView(ticket, [*view.timeline, *entries], view.attachments)
    return to_ticket(changed, agent=access == "agent")


class Conversation(TicketsCore):
    def reply(self, caller: Caller, ticket_id: str, request: models.ReplyCreate) -> models.TimelineEntry:
        ticket, access, profile = self._ticket(caller, ticket_id)
        if ticket.status == "closed":
            raise Conflict("ticket.closed_use_follow_up", ticket_id=ticket_id)
        author = profile or self._profile(caller.user_id)
        uploads = self._uploads(caller.user_id, request.attachment_ids)
        entry = self._comment(
            ticket,
            Author(caller.user_id, author.full_name, access == "agent"),
            request.body,
            Additions(uploads=uploads),
        )
        return to_entry(entry, {u.attachment_id: u for u in uploads})

    def note(self, caller: Caller, ticket_id: str, request: models.NoteCreate) -> models.TimelineEntry:
        caller.require_agent()
        ticket, _, _ = self._ticket(caller, ticket_id)
        author = Author(caller.user_id, self._profile(caller.user_id).full_name, True)
        entry = self._entry("note", self._now(), author, body=request.body, internal=True)
        # An internal note changes neither the customer's counters nor the list order; no event.
        self.store.save(
            dataclasses.replace(ticket, version=ticket.version + 1),
            ticket.version,
            Additions(entries=[entry]),
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
        return shown(view, updated, access, (entry,))

    def close(self, caller: Caller, ticket_id: str) -> models.Ticket:
        view, access, _ = self._view(caller, ticket_id)
        if access not in ("requester", "agent"):
            raise Forbidden("ticket.requester_only")
        if view.ticket.status == "closed":
            raise Conflict("ticket.already_closed")
        updated, entry = self._change_status(caller, view.ticket, "closed")
        return shown(view, updated, access, (entry,))

    def assign(self, caller: Caller, ticket_id: str, request: models.AssigneeChange) -> models.Ticket:
        caller.require_agent()
        view, access, _ = self._view(caller, ticket_id)
        ticket = view.ticket
        assignee_id = caller.user_id if request.assignee_id == "me" else request.assignee_id
        assignee_name = None
        if assignee_id is not None:
            if assignee_id != caller.user_id and not self.agents.is_agent(assignee_id):
                raise Invalid(
                    "request.invalid", fields=[FieldError("assignee_id", "ticket.assignee_not_agent")]
                )
            assignee_name = self._profile(assignee_id).full_name
        if assignee_id == ticket.assignee_id:
            return shown(view, ticket, access)
        author = Author(caller.user_id, self._profile(caller.user_id).full_name, True)
        entry = self._entry(
            "assignment", self._now(), author, assignee_id=assignee_id, assignee_name=assignee_name
        )
        updated = self._touch(
            ticket,
            assignee_id=assignee_id,
            assignee_name=assignee_name,
            interaction_count=ticket.interaction_count + 1,
        )
        self.store.save(updated, ticket.version, Additions(entries=[entry]))
        self._publish(
            self._event(
                "TicketAssigned",
                updated,
                assignee={"user_id": assignee_id, "full_name": assignee_name},
            )
        )
        return shown(view, updated, access, (entry,))

    def edit_field_errors(self, caller: Caller, ticket_id: str, values: object) -> list[FieldError]:
        """The ticket's type's own checks of changed fields (shared.resolver.further_checks)."""
        view, access, _ = self._view(caller, ticket_id)
        if access != "requester" or not isinstance(values, dict):
            return []
        return validate_fields(self._type(view.ticket.request_type), values)[1]

    def edit(self, caller: Caller, ticket_id: str, request: models.TicketEdit) -> models.Ticket:
        view, access = self._open_for_requester(caller, ticket_id)
        ticket = view.ticket
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
            return shown(view, ticket, access)
        updated = self._touch(ticket, **changes)
        self.store.save(updated, ticket.version)
        self._publish(self._event("TicketUpdated", updated, changed=sorted(changes)))
        return shown(view, updated, access)

    def add_cc(self, caller: Caller, ticket_id: str, email: str) -> models.Ticket:
        return self._change_cc(caller, ticket_id, email, add=True)

    def remove_cc(self, caller: Caller, ticket_id: str, email: str) -> models.Ticket:
        canonical = normalise_or_none(email)
        if canonical is None:
            raise NotFound("ticket.cc_not_found")
        return self._change_cc(caller, ticket_id, canonical, add=False)

    def _open_for_requester(self, caller: Caller, ticket_id: str) -> tuple[TicketView, Access]:
        """The ticket as its requester sees it, while it is open: only they change what they asked."""
        view, access, _ = self._view(caller, ticket_id)
        if access != "requester":
            raise Forbidden("ticket.requester_only")
        if view.ticket.status == "closed":
            raise Conflict("ticket.closed_use_follow_up", ticket_id=ticket_id)
        return view, access

    def _change_cc(self, caller: Caller, ticket_id: str, email: str, *, add: bool) -> models.Ticket:
        view, access = self._open_for_requester(caller, ticket_id)
        ticket = view.ticket
        if add and email == ticket.requester_email:
            raise Invalid("request.invalid", fields=[FieldError("email", "ticket.cc_is_requester")])
        if add and email not in ticket.cc and len(ticket.cc) >= 10:
            raise Invalid("request.invalid", fields=[FieldError("email", "ticket.cc_full")])
        if not add and email not in ticket.cc:
            raise NotFound("ticket.cc_not_found")
        cc = sorted({*ticket.cc, email}) if add else [c for c in ticket.cc if c != email]
        if cc == ticket.cc:
            return shown(view, ticket, access)
        updated = dataclasses.replace(ticket, cc=cc, version=ticket.version + 1)
        self.store.save(
            updated, ticket.version, Additions(shared=[email]) if add else Additions(unshared=[email])
        )
        self._publish(
            self._event(
                "TicketCcChanged", updated, added=[email] if add else [], removed=[] if add else [email]
            )
        )
        return shown(view, updated, access)
