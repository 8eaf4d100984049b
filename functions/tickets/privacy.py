"""The tickets' part of a person's export and erasure (shared.privacy, docs/privacy.md).

Export: the tickets the person filed or is in copy of, with the timeline they may see (no internal
notes) and the attachments; other people appear as their role only ("support", "another person").
Erasure: a ticket of the person's organisation stays the organisation's, shown as filed by
"Gelöschte Person" without an address; a ticket that was the person's alone (no organisation, or filed
by address without an account) is deleted with its files; the address leaves every copy list; every
timeline entry the person wrote loses their id and name; uploads never attached are deleted. Each
step is idempotent, so a redelivered request changes nothing more.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from shared.errors import Conflict
from shared.privacy import ERASED_NAME, PrivacyRequest
from tickets.core import TicketsCore
from tickets.records import Additions, TicketRecord, TicketView, TimelineRecord

ATTEMPTS = 3


class TicketsPrivacy(TicketsCore):
    # --- export ----------------------------------------------------------------------------------

    def export_part(self, request: PrivacyRequest) -> dict[str, Any]:
        tickets: dict[str, TicketRecord] = {}
        if request.user_id:
            tickets.update({t.ticket_id: t for t in self.store.tickets_of_requester(request.user_id)})
        tickets.update({t.ticket_id: t for t in self.store.unclaimed_tickets(request.email)})
        tickets.update({t.ticket_id: t for t in self.store.tickets_shared_with(request.email)})
        files: list[dict[str, str]] = []
        shown = []
        for ticket_id in sorted(tickets, key=lambda i: tickets[i].created_at):
            view = self.store.get_view(ticket_id)
            if view is not None:
                shown.append(self._exported(request, view, files))
        return {"tickets": shown, "files": files}

    def _exported(
        self, request: PrivacyRequest, view: TicketView, files: list[dict[str, str]]
    ) -> dict[str, Any]:
        ticket = view.ticket
        mine = (request.user_id is not None and ticket.requester_id == request.user_id) or (
            ticket.requester_id is None and ticket.requester_email == request.email
        )
        attachments: dict[str, str] = {}
        for attachment in view.attachments:
            if attachment.state == "clean" and attachment.object_key and self.exports is not None:
                path = f"{ticket.case_number}/{attachment.attachment_id}-{attachment.filename}"
                files.append(
                    self.exports.copy_file(
                        request.request_id,
                        "tickets",
                        path,
                        self.settings.attachments_bucket,
                        attachment.object_key,
                    )
                )
                attachments[attachment.attachment_id] = f"tickets/{path}"
        return {
            "case_number": ticket.case_number,
            "subject": ticket.subject,
            "description": ticket.description,
            "request_type": ticket.request_type,
            "fields": ticket.fields,
            "status": ticket.status,
            "created_at": ticket.created_at,
            "last_activity_at": ticket.last_activity_at,
            "your_role": "requester" if mine else "in_copy",
            "organisation_id": ticket.organisation_id,
            "company": ticket.company if mine else None,
            "customer_number": ticket.customer_number if mine else None,
            # others in copy are counted, not named: an export holds nothing of anyone else
            "you_are_in_copy": request.email in ticket.cc,
            "others_in_copy": len([a for a in ticket.cc if a != request.email]),
            "via": ticket.via,
            "timeline": [
                {
                    "kind": e.kind,
                    "at": e.at,
                    "author": _author(e, request),
                    "text": e.body,
                    "from_status": e.from_status,
                    "to_status": e.to_status,
                    "attachments": [attachments[a] for a in e.attachment_ids if a in attachments],
                    "via": e.via,
                }
                for e in view.timeline
                if not e.internal
            ],
        }

    # --- erasure ---------------------------------------------------------------------------------

    def erase(self, request: PrivacyRequest) -> dict[str, int]:
        counts = {"anonymised": 0, "deleted": 0, "uncopied": 0, "entries": 0, "uploads": 0}
        own = list(self.store.unclaimed_tickets(request.email))
        if request.user_id:
            own += self.store.tickets_of_requester(request.user_id)
        touched: dict[str, TicketRecord] = {}
        for ticket in own:
            if ticket.organisation_id:
                touched[ticket.ticket_id] = ticket
                self._retry(ticket, lambda t: self._anonymised(t, request))
                counts["anonymised"] += 1
            else:
                for object_key in self.store.purge(ticket.ticket_id):
                    self.links.delete(object_key)
                counts["deleted"] += 1
        for ticket in self.store.tickets_shared_with(request.email):
            touched[ticket.ticket_id] = ticket
            self._retry(ticket, lambda t: self._uncopied(t, request), unshared=[request.email])
            counts["uncopied"] += 1
        for org_id in request.organisation_ids:
            touched.update({t.ticket_id: t for t in self.store.tickets_of_organisation(org_id)})
        for ticket_id in touched:
            counts["entries"] += self._scrub_entries(ticket_id, request)
        if request.user_id:
            for object_key in self.store.delete_uploads(request.user_id):
                self.links.delete(object_key)
            counts["uploads"] = self.links.delete_uploads_of(request.user_id)
        if self.received is not None:  # received mails are kept 14 days; the person's go now
            counts["mails"] = self.received.delete_mentioning(request.email)
        self.logger.info("erased in tickets", extra={"request_id": request.request_id, **counts})
        return counts

    @staticmethod
    def _anonymised(ticket: TicketRecord, request: PrivacyRequest) -> TicketRecord | None:
        if (
            ticket.requester_id is None
            and ticket.requester_email == ""
            and ticket.requester_name == ERASED_NAME
        ):
            return None
        if ticket.requester_id not in (None, request.user_id) or (
            ticket.requester_id is None and ticket.requester_email not in ("", request.email)
        ):
            return None  # someone else's by now
        return dataclasses.replace(
            ticket,
            requester_id=None,
            requester_email="",
            requester_name=ERASED_NAME,
            version=ticket.version + 1,
        )

    @staticmethod
    def _uncopied(ticket: TicketRecord, request: PrivacyRequest) -> TicketRecord | None:
        if request.email not in ticket.cc:
            return None
        return dataclasses.replace(
            ticket, cc=[a for a in ticket.cc if a != request.email], version=ticket.version + 1
        )

    def _retry(
        self,
        ticket: TicketRecord,
        change: Any,
        unshared: list[str] | None = None,
    ) -> None:
        for attempt in range(ATTEMPTS):
            changed = change(ticket)
            if changed is None:
                return
            try:
                self.store.save(changed, ticket.version, Additions(unshared=unshared or []))
                return
            except Conflict:
                reloaded = self.store.get_ticket(ticket.ticket_id)
                if reloaded is None:
                    return  # deleted meanwhile: nothing left to change
                if attempt == ATTEMPTS - 1:
                    raise
                ticket = reloaded

    def _scrub_entries(self, ticket_id: str, request: PrivacyRequest) -> int:
        view = self.store.get_view(ticket_id)
        if view is None:
            return 0
        names = {request.email, *([request.full_name] if request.full_name else [])}
        mine = [
            e.entry_id
            for e in view.timeline
            if (request.user_id and e.author_id == request.user_id)
            or (e.author_id is None and e.author_name in names and not e.author_is_agent)
        ]
        self.store.rename_authors(ticket_id, mine, ERASED_NAME)
        if request.user_id:
            self.store.disown_attachments(
                ticket_id, [a.attachment_id for a in view.attachments if a.owner_id == request.user_id]
            )
        self._retry(  # the list's "last answer by": changed only while it names the person
            view.ticket,
            lambda t: (
                dataclasses.replace(
                    t, last_comment_by_id=None, last_comment_by_name=ERASED_NAME, version=t.version + 1
                )
                if t.last_comment_by_name in names
                or (request.user_id and t.last_comment_by_id == request.user_id)
                else None
            ),
        )
        return len(mine)


def _author(entry: TimelineRecord, request: PrivacyRequest) -> str | None:
    """Who wrote an entry, as the person may be told without naming anyone else."""
    if entry.author_name is None:
        return None
    if (request.user_id and entry.author_id == request.user_id) or entry.author_name == request.email:
        return "you"
    return "support" if entry.author_is_agent else "another person"
