"""The tickets service: every use case of tickets, each in the module named after it (core: what they
share and who may see a ticket; submissions; reading; conversation; email_replies; files)."""

from __future__ import annotations

from tickets.conversation import Conversation
from tickets.email_replies import EmailOutcome, EmailReply
from tickets.email_requests import EmailRequest, EmailRequests
from tickets.files import Files
from tickets.privacy import TicketsPrivacy
from tickets.reading import Reading
from tickets.submissions import Submissions

__all__ = ["EmailOutcome", "EmailReply", "EmailRequest", "TicketsService"]


class TicketsService(Submissions, Reading, Conversation, EmailRequests, Files, TicketsPrivacy):
    """One object for the wiring; its use cases live in their own modules."""
