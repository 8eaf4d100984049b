"""Use cases of requests that come without the portal: a mail to the support address becomes a ticket,
and an account, once activated, takes over what its address filed before it existed.

A sender whose address belongs to an account gets the ticket in their account and organisation, as
if filed in the portal; anyone else an anonymous ticket, which the account that address activates
later takes over (the activation proves the address). A mail that looks like a continuation of a
ticket (its case number in the subject, an answer to one of our mails) but came without a valid reply
address is never added to that ticket: anyone can write a case number. It becomes a ticket of its own
that agents see marked "possibly about" the other.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from shared import replies
from shared.errors import Conflict, RateLimited
from shared.ids import new_id
from tickets.core import Author
from tickets.email_replies import MAIL_KEPT_DAYS, EmailOutcome, EmailReplies
from tickets.records import Additions
from tickets.request_types import RequestType, seed

if TYPE_CHECKING:
    from tickets.inbound import InboundFile

MAX_CC = 10
_CASE_NUMBER = re.compile(r"\bSR-(\d{1,12})\b", re.IGNORECASE)
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|wg|fw|fwd|antw)\s*:\s*)+", re.IGNORECASE)


@dataclass(frozen=True)
class EmailRequest:
    """A mail to the support address the handler has already checked (verdicts, machines, own
    addresses); `copied`: the other addresses it went to, ours left out."""

    mail_id: str
    sender: str
    sender_name: str | None
    subject: str
    text: str
    files: list[InboundFile]
    copied: list[str]
    references: list[str]
    request_type: str
    reply_domain: str


class EmailRequests(EmailReplies):
    def request_by_email(self, mail: EmailRequest, limits: tuple[int, int]) -> EmailOutcome:
        """A new ticket from a mail: the sender's (and their organisation's) if the address has an
        account, else anonymous; the other addresses (at most ten) in copy. A repeated delivery makes
        no second ticket; too many mails from one sender or domain make none (and no answer)."""
        if self.store.mail_handled(mail.mail_id):
            return EmailOutcome("duplicate")
        if not mail.text and not mail.files:
            return EmailOutcome("refused", "empty")
        per_sender, per_domain = limits
        try:
            local, _, domain = mail.sender.rpartition("@")
            # "eva+1@" is eva, "a.mail.example.org" is mail.example.org: variants count as one
            self._limit("mail-sender", f"{local.split('+', 1)[0]}@{domain}", per_sender)
            self._limit("mail-domain", ".".join(domain.split(".")[-2:]), per_domain)
        except RateLimited:
            return EmailOutcome("refused", "rate_limited")
        user_id = self.directory.user_id_for_email(mail.sender)
        profile = self.directory.profile(user_id) if user_id else None
        ticket_id = new_id()
        author = Author(profile.user_id if profile else None, "", False, "email")
        attachments, rejected = self._mail_attachments(ticket_id, author, mail.files)
        copied = list(dict.fromkeys(a for a in mail.copied if a != mail.sender))
        subject = _REPLY_PREFIX.sub("", mail.subject).strip()
        try:
            created = self._create(
                ticket_id=ticket_id,
                shown_as=self._mail_type(mail.request_type),
                request_type=mail.request_type,
                subject=(subject or mail.text.split("\n", 1)[0] or "Anfrage per E-Mail")[:200],
                description=mail.text or "(ohne Text, mit Anhang)",
                fields={},
                requester_id=profile.user_id if profile else None,
                requester_name=(profile.full_name if profile else mail.sender_name) or mail.sender,
                requester_email=mail.sender,
                requester_language=profile.language if profile else "de",
                organisation_id=profile.organisation_id if profile else None,
                company=None,
                customer_number=None,
                cc=sorted(copied[:MAX_CC]),
                via="email",
                possibly_about=self._possibly_about(mail),
                additions=Additions(
                    files=attachments,
                    mail_id=mail.mail_id,
                    mail_expires_epoch=self._expiry(days=MAIL_KEPT_DAYS),
                ),
                event_extras={"cc_left_out": max(0, len(copied) - MAX_CC)},
            )
        except Conflict:
            self._drop(attachments)
            if self.store.mail_handled(mail.mail_id):
                return EmailOutcome("duplicate")
            raise
        return EmailOutcome("created", None, created.ticket.ticket_id, rejected_files=rejected)

    def _mail_type(self, key: str) -> RequestType | None:
        """The type of mail requests, active or not (it is not one customers pick in the form)."""
        return self.store.request_type(key) or next((t for t in seed() if t.key == key), None)

    def _possibly_about(self, mail: EmailRequest) -> str | None:
        """The case number a mail seems to continue, if that ticket exists: an answer to one of our
        mails (its thread id), else a case number in the subject."""
        threaded = replies.thread_ticket(mail.reply_domain, mail.references)
        if threaded:
            ticket = self.store.get_ticket(threaded)
            if ticket is not None:
                return ticket.case_number
        named = _CASE_NUMBER.search(mail.subject)
        if named:
            case_number = f"SR-{int(named.group(1))}"
            if self.store.ticket_id_for_case(case_number):
                return case_number
        return None

    # --- a changed address follows into the person's requests -----------------------------------

    def follow_email_change(self, user_id: str, attempts: int = 3) -> int:
        """Every ticket the person filed gets the profile's new address (mails and reply addresses go
        there from now on; the old reply addresses stop working). Idempotent."""
        profile = self.directory.profile(user_id)
        if profile is None:
            return 0
        changed = 0
        for ticket in self.store.tickets_of_requester(user_id):
            for attempt in range(attempts):
                if ticket.requester_email == profile.email:
                    break
                try:
                    self.store.save(
                        dataclasses.replace(
                            ticket, requester_email=profile.email, version=ticket.version + 1
                        ),
                        ticket.version,
                    )
                    changed += 1
                    break
                except Conflict:
                    reloaded = self.store.get_ticket(ticket.ticket_id)
                    if reloaded is None or attempt == attempts - 1:
                        raise
                    ticket = reloaded
        self.logger.info("e-mail change followed", extra={"user_id": user_id, "tickets": changed})
        return changed

    # --- an activated account takes over its address's earlier requests ----------------------

    def take_over_earlier_requests(self, user_id: str, attempts: int = 3) -> int:
        """Every ticket filed with the account's address while it had none becomes the account's
        (its own list; not its organisation's: they were filed before, perhaps for another practice).
        Idempotent: a ticket taken over is no longer unclaimed."""
        profile = self.directory.profile(user_id)
        if profile is None:
            return 0
        taken = 0
        for ticket in self.store.unclaimed_tickets(profile.email):
            for attempt in range(attempts):
                claimed = dataclasses.replace(
                    ticket,
                    requester_id=profile.user_id,
                    requester_name=profile.full_name,
                    requester_language=profile.language,
                    version=ticket.version + 1,
                )
                try:
                    self.store.save(claimed, ticket.version)
                    taken += 1
                    break
                except Conflict:
                    reloaded = self.store.get_ticket(ticket.ticket_id)
                    if reloaded is None or reloaded.requester_id is not None:
                        break
                    if attempt == attempts - 1:
                        raise
                    ticket = reloaded
        self.logger.info("earlier requests taken over", extra={"user_id": user_id, "tickets": taken})
        return taken
