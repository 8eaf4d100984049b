"""Records to the API's models, in one place: what customers and agents see of a ticket."""

from __future__ import annotations

from tickets import models
from tickets.records import AttachmentRecord, SummaryRecord, TicketRecord, TicketView, TimelineRecord


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


def to_summary(ticket: TicketRecord | SummaryRecord) -> models.TicketSummary:
    return models.TicketSummary(
        id=ticket.ticket_id,
        case_number=ticket.case_number,
        subject=ticket.subject,
        request_type=ticket.request_type,
        status=ticket.status,  # type: ignore[arg-type]
        requester=models.Person(
            user_id=ticket.requester_id, full_name=ticket.requester_name, email=ticket.requester_email or None
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
        via=ticket.via,
        possibly_about=ticket.possibly_about if agent else None,
    )
