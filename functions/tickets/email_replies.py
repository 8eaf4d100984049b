"""Use case of an answer to a ticket mail (reply by e-mail): the checked mail becomes the participant's
reply, or a follow-up of a closed ticket; a repeated delivery changes nothing."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from shared import replies
from shared.errors import Conflict
from shared.ids import new_id
from tickets.attachments import filename_for, judge, mail_key
from tickets.core import Author, TicketsCore
from tickets.records import Additions, AttachmentRecord, TicketRecord

if TYPE_CHECKING:
    from tickets.inbound import InboundFile

MAIL_KEPT_DAYS = 30


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
    result: Literal["commented", "follow_up", "created", "duplicate", "refused"]
    reason: str | None = None
    ticket_id: str | None = None
    entry_id: str | None = None
    rejected_files: int = 0


class EmailReplies(TicketsCore):
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
            additions = Additions(
                files=attachments, mail_id=mail.mail_id, mail_expires_epoch=self._expiry(days=MAIL_KEPT_DAYS)
            )
            try:
                if ticket.status == "closed":
                    follow_up = self._follow_up_by_email(
                        ticket, target, author, participant, mail.text, additions
                    )
                    return EmailOutcome("follow_up", None, follow_up, rejected_files=rejected)
                entry = self._comment(ticket, author, mail.text, additions)
                return EmailOutcome("commented", None, ticket.ticket_id, entry.entry_id, rejected)
            except Conflict:
                self._drop(attachments)
                if self.store.mail_handled(mail.mail_id):
                    return EmailOutcome("duplicate", None, ticket.ticket_id)
                reloaded = self.store.get_ticket(ticket.ticket_id)
                if reloaded is None or attempt == attempts - 1:
                    raise
                ticket = reloaded
        raise AssertionError("unreachable")

    def _mail_author(self, ticket: TicketRecord, participant: str) -> Author:
        if participant == ticket.requester_email:
            return Author(ticket.requester_id, ticket.requester_name, False, "email")
        user_id = self.directory.user_id_for_email(participant)
        profile = self.directory.profile(user_id) if user_id else None
        if profile is not None:
            return Author(profile.user_id, profile.full_name, False, "email")
        return Author(None, participant, False, "email")

    def _mail_attachments(
        self, ticket_id: str, author: Author, files: list[InboundFile]
    ) -> tuple[list[AttachmentRecord], int]:
        """Files that pass the attachment rules (judged by all their bytes), stored under the ticket;
        the others are dropped and counted."""
        kept = []
        for file in files:
            if not judge(file.data, file.content_type, self.settings.max_attachment_bytes).clean:
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
        additions: Additions,
    ) -> str:
        """A closed ticket takes no reply: the mail opens a follow-up with the same participants, in
        the original's organisation (as in the portal: a CC of another organisation must not copy the
        original's details into theirs)."""
        requester = author.user_id == original.requester_id and participant == original.requester_email
        profile = None if requester or author.user_id is None else self.directory.profile(author.user_id)
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
            else (profile.language if profile else "de"),
            organisation_id=original.organisation_id,
            company=original.company,
            customer_number=original.customer_number,
            cc=sorted({*original.cc, original.requester_email} - {participant}),
            follow_up_of=original.ticket_id,
            ticket_id=ticket_id,
            additions=additions,
        )
        self._link_follow_up(original, created.ticket.ticket_id)
        return created.ticket.ticket_id
