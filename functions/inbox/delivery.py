"""Turns consumed events into inbox messages and e-mails: once per recipient, whatever the retries.

A registered recipient gets an inbox message (one per event, guarded by a SEEN item) and an e-mail;
someone without an account (an anonymous requester, a CC address) gets the e-mail only. Each e-mail is
claimed before it is sent (one DELIVERY item per event and address): a repeated event or a retried
batch never sends it twice, and a failed send is released so the retry sends it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aws_lambda_powertools import Logger

from inbox.events import InvoiceDetail, LicenceDetail, TicketData, TicketDetail
from inbox.records import Kind
from inbox.service import message_of
from inbox.store import InboxStore
from shared import replies
from shared.clock import Clock, iso
from shared.directory import Directory
from shared.events import DomainEvent, EventPublisher, publish_after_commit
from shared.i18n import Language, money, render, text
from shared.mail import Mailer, MailSuppressed
from shared.markdown import render_markdown

if TYPE_CHECKING:
    from inbox.settings import InboxConsumerSettings

STATUS_LABELS: dict[str, dict[str, str]] = {
    "open": {"de": "offen", "en": "open"},
    "in_progress": {"de": "in Bearbeitung", "en": "in progress"},
    "waiting": {"de": "wartet auf Ihre Antwort", "en": "waiting for your answer"},
    "closed": {"de": "geschlossen", "en": "closed"},
}
KEEP_DAYS = 30
REPLY_MARKER_END = "-##"


def _is_author(recipient: Recipient, author: dict[str, object], requester: Recipient) -> bool:
    """Whether a reply's author is this recipient (by account, else by the name or address mail used)."""
    if author.get("user_id"):
        return recipient.user_id == author.get("user_id")
    name = author.get("full_name")
    return recipient.email == name or (recipient is requester and name == requester.full_name)


def _inbox_body(mail_text: str) -> str:
    """The mail's text as an inbox message: without the reply marker and the reference footer."""
    body = mail_text.split("\n--\n")[0].strip()
    first, _, rest = body.partition("\n")
    return rest.strip() if first.startswith("##-") and first.endswith(REPLY_MARKER_END) else body


@dataclass(frozen=True)
class Recipient:
    email: str
    language: Language
    user_id: str | None
    full_name: str | None = None


@dataclass
class InboxDelivery:
    store: InboxStore
    directory: Directory
    mailer: Mailer
    reply_key: Callable[[], bytes] | None  # signs Reply-To addresses; None: ticket mails get none
    clock: Clock
    settings: InboxConsumerSettings
    logger: Logger
    publisher: EventPublisher | None = None  # InboxMessageAdded: live pushes (realtime)

    def _expiry(self) -> int:
        return int((self.clock.now() + timedelta(days=KEEP_DAYS)).timestamp())

    def _portal(self, path: str) -> str:
        return f"{str(self.settings.portal_url).rstrip('/')}/{path.lstrip('/')}"

    def handle(self, event: dict[str, Any]) -> int:
        """Delivers one EventBridge event; returns how many recipients it reached."""
        detail_type = event.get("detail-type")
        if detail_type == "InvoiceIssued":
            return self._invoice(InvoiceDetail.model_validate(event["detail"]))
        if detail_type == "OrganisationLicenceChanged":
            return self._licence(LicenceDetail.model_validate(event["detail"]))
        if detail_type in ("TicketCreated", "TicketCommented", "TicketStatusChanged", "TicketCcChanged"):
            return self._ticket(str(detail_type), TicketDetail.model_validate(event["detail"]))
        raise ValueError(f"the inbox does not consume {detail_type!r}")

    # --- tickets ---------------------------------------------------------------------------

    def _ticket(self, detail_type: str, detail: TicketDetail) -> int:
        data = detail.data
        author = data.author or {}
        requester = Recipient(
            data.requester.email, data.requester.language, data.requester.user_id, data.requester.full_name
        )
        copied = [a for a in data.cc if a != data.requester.email]
        # Who hears of what: the requester of everything but CC changes; those in copy of what is
        # said and decided, and once, when they are put in copy (at creation or later), that they are.
        if detail_type == "TicketCcChanged":
            deliveries = [(self._cc_recipient(a), "ticket_cc_added") for a in data.added if a in copied]
        elif detail_type == "TicketCreated":
            deliveries = [(requester, "ticket_created")]
            deliveries += [(self._cc_recipient(a), "ticket_cc_added") for a in copied]
        else:
            template = "ticket_reply" if detail_type == "TicketCommented" else "ticket_status"
            deliveries = [(requester, template)] + [(self._cc_recipient(a), template) for a in copied]
            if detail_type == "TicketCommented" and not author.get("is_agent"):
                # a customer's reply (the requester's, a colleague's, a CC's): news for the others
                deliveries = [(r, t) for r, t in deliveries if not _is_author(r, author, requester)]
        deliveries = [(r, t) for r, t in deliveries if r.email]  # an erased requester has no address
        # who the messages may name (requester, author): an erasure finds the copies to rewrite
        named = [
            str(n)
            for n in (
                data.requester.user_id,
                data.requester.email,
                author.get("user_id"),
                author.get("full_name"),
            )
            if n
        ]
        for recipient, template in deliveries:
            threading = self._threading(detail_type, detail.metadata.event_id, data.ticket_id, recipient)
            context = {
                "case_number": data.case_number,
                "subject": data.subject,
                "full_name": recipient.full_name or "",
                "body": data.body or "",
                "status_label": STATUS_LABELS.get(data.status, {}).get(recipient.language, data.status),
                "ticket_url": self._portal(f"anfragen/{data.ticket_id}"),
                "registered": recipient.user_id is not None,
                # without an account: registering with this address brings the request into it
                "registration_url": self._portal(f"registrieren#email={quote(recipient.email, safe='@')}"),
                "cc_left_out": data.cc_left_out,
                "reply_marker": "Reply-To" in threading,
                "requester_name": data.requester.full_name or data.requester.email,
                "agent_reply": bool(author.get("is_agent", True)),
                "author_name": str(author.get("full_name") or ""),
                "request_type": getattr(data.request_type_name, recipient.language, ""),
                "details": [
                    (getattr(d.label, recipient.language), getattr(d.value, recipient.language))
                    for d in data.details
                ],
            }
            self._deliver(
                detail.metadata.event_id,
                recipient,
                "ticket",
                template,
                context,
                data.reference_id,
                data,
                headers=threading,
                named=named,
            )
        return len(deliveries)

    def _threading(
        self, detail_type: str, event_id: str, ticket_id: str, recipient: Recipient
    ) -> dict[str, str]:
        """Message-ID, In-Reply-To and References that keep a ticket's mails in one thread, and the
        recipient's own Reply-To address for this ticket (when reply by e-mail is configured)."""
        domain = self.settings.reply_domain
        if not domain:
            return {}
        root = replies.thread_root(domain, ticket_id)
        headers = (
            {"Message-ID": root}
            if detail_type == "TicketCreated"
            else {
                "Message-ID": replies.message_id(domain, event_id, recipient.email),
                "In-Reply-To": root,
                "References": root,
            }
        )
        if self.reply_key is not None:
            headers["Reply-To"] = replies.address(self.reply_key(), domain, ticket_id, recipient.email)
        return headers

    def _cc_recipient(self, address: str) -> Recipient:
        user_id = self.directory.user_id_for_email(address)
        profile = self.directory.profile(user_id) if user_id else None
        if profile is None:
            return Recipient(address, "de", None, None)
        return Recipient(address, profile.language, profile.user_id, profile.full_name)

    # --- invoices and licences -------------------------------------------------------------

    def _admins(self, organisation_id: str) -> list[Recipient]:
        recipients = []
        for admin in (m for m in self.directory.members(organisation_id) if m.role == "admin"):
            profile = self.directory.profile(admin.user_id)
            language: Language = profile.language if profile else "de"
            recipients.append(Recipient(admin.email, language, admin.user_id, admin.full_name))
        return recipients

    def _licence(self, detail: LicenceDetail) -> int:
        """A licence lowered below the calendars set up: the admins learn what that means."""
        data = detail.data
        if data.calendars_in_use <= data.licensed_practitioners:
            return 0
        admins = self._admins(data.organisation_id)
        for recipient in admins:
            context = {
                "full_name": recipient.full_name or "",
                "covers": text(
                    "licence.covers",
                    recipient.language,
                    count=data.licensed_practitioners,
                    in_use=data.calendars_in_use,
                ),
                "calendars_url": self._portal("organisation/kalender"),
            }
            self._deliver(
                detail.metadata.event_id,
                recipient,
                "invoice",
                "licence_exceeded",
                context,
                detail.metadata.event_id,
                None,
                link=context["calendars_url"],
            )
        return len(admins)

    def _invoice(self, detail: InvoiceDetail) -> int:
        data = detail.data
        admins = self._admins(data.organisation_id)
        for recipient in admins:
            language = recipient.language
            context = {
                "full_name": recipient.full_name or "",
                "invoice_number": data.invoice_number,
                "amount": money(data.amount_cents, data.currency, language),
                "due_date": render(data.due_date, language),
                "invoice_url": data.url,
            }
            self._deliver(
                detail.metadata.event_id,
                recipient,
                "invoice",
                "invoice",
                context,
                detail.metadata.event_id,
                None,
                link=data.url,
            )
        return len(admins)

    # --- one recipient ---------------------------------------------------------------------

    def _deliver(
        self,
        event_id: str,
        recipient: Recipient,
        kind: Kind,
        template: str,
        context: dict[str, Any],
        reference_id: str,
        ticket: TicketData | None,
        link: str | None = None,
        headers: dict[str, str] | None = None,
        named: list[str] | None = None,
    ) -> None:
        mail = self.mailer.render(template, recipient.language, context, reference_id)
        if recipient.user_id:
            message = message_of(
                kind=kind,
                subject=mail.subject,
                body=_inbox_body(mail.text),
                created_at=iso(self.clock.now()),
                ticket_id=ticket.ticket_id if ticket else None,
                case_number=ticket.case_number if ticket else None,
                link=link,
                body_html=render_markdown(ticket.body, images=False)
                if ticket and template == "ticket_reply" and ticket.body
                else None,
            )
            added = self.store.add_message(
                recipient.user_id,
                message,
                source_id=event_id,
                expires_epoch=self._expiry(),
                named=[n for n in named or [] if n not in (recipient.user_id, recipient.email)],
            )
            if added and self.publisher is not None:
                # the user's open connections hear of it, with the new unread count
                unread = max(self.store.state(recipient.user_id).unread, 0)
                publish_after_commit(
                    self.publisher,
                    [
                        DomainEvent(
                            "InboxMessageAdded",
                            {
                                "user_id": recipient.user_id,
                                "message_id": message.message_id,
                                "kind": kind,
                                "unread": unread,
                            },
                        )
                    ],
                    self.logger,
                )
            if not added:
                self.logger.info("inbox message existed", extra={"event_id": event_id})
        if not self.store.claim_delivery(event_id, recipient.email, self._expiry()):
            self.logger.info("e-mail sent before", extra={"event_id": event_id, "template": template})
            return
        try:
            provider_id = self.mailer.send_rendered(
                to=recipient.email,
                mail=mail,
                template=template,
                language=recipient.language,
                reference_id=reference_id,
                headers=headers,
            )
        except MailSuppressed:  # bounced or complained before: the inbox copy is all they get
            self.store.finish_delivery(event_id, recipient.email, "suppressed")
            self.logger.info("mail suppressed", extra={"event_id": event_id, "template": template})
            return
        except Exception:
            self.store.finish_delivery(event_id, recipient.email, "failed")
            raise
        self.store.finish_delivery(event_id, recipient.email, "sent", provider_id)
        self.logger.info(
            "e-mail sent", extra={"event_id": event_id, "template": template, "reference_id": reference_id}
        )
