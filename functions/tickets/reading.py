"""Use cases of reading tickets: one ticket with its timeline, and the lists."""

from __future__ import annotations

from typing import Literal

from shared.identity import Caller
from tickets import models, rules
from tickets.core import TicketsCore
from tickets.mapping import to_summary, to_ticket


class Reading(TicketsCore):
    def ticket(self, caller: Caller, ticket_id: str) -> models.Ticket:
        view, access, _ = self._view(caller, ticket_id)
        shown = to_ticket(view, agent=access == "agent")
        if access == "agent" and self.suppression is not None:
            # who on the ticket does not receive mail (bounced, complained): one BatchGetItem
            people = [view.ticket.requester_email, *view.ticket.cc]
            silent = self.suppression.suppressed_among(people)
            shown = shown.model_copy(update={"mail_undeliverable": [p for p in people if p in silent]})
        return shown

    def list_tickets(
        self,
        caller: Caller,
        scope: Literal["mine", "organisation", "shared"],
        status: rules.StatusFilter,
        request_type: str | None,
        creator: str | None,
        cursor: str | None,
    ) -> models.TicketPage:
        """ "Created by me" needs nothing but the token; the organisation's list needs the caller's
        current membership (read from the profile, so a removed member loses access at once)."""
        if scope == "mine":
            tickets, next_cursor = self.store.requester_tickets(
                caller.user_id,
                status,
                limit=self.settings.page_size,
                cursor=cursor,
                request_type=request_type,
            )
        elif scope == "shared":
            tickets, next_cursor = self.store.shared_tickets(
                self._profile(caller.user_id).email,
                status,
                limit=self.settings.page_size,
                cursor=cursor,
                request_type=request_type,
            )
        else:
            profile = self._profile(caller.user_id)
            if not profile.organisation_id:  # no organisation: its list is empty, not an error
                return models.TicketPage(items=[])
            tickets, next_cursor = self.store.organisation_tickets(
                profile.organisation_id,
                status,
                limit=self.settings.page_size,
                cursor=cursor,
                request_type=request_type,
                creator=creator,
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
        nobody = assignee == "none"
        who = None if nobody else caller.user_id if assignee == "me" else assignee or None
        tickets, next_cursor = self.store.agent_tickets(
            status,
            assignee=who,
            unassigned=nobody,
            limit=self.settings.page_size,
            cursor=cursor,
            request_type=request_type,
        )
        return models.TicketPage(items=[to_summary(t) for t in tickets], next_cursor=next_cursor)
