"""The tickets table's keys and items: where each record is stored, the list indexes' keys a ticket
carries, and which index and partition a status filter reads. Only the store's parts use them (the
table is drawn in tickets/store.py's docstring)."""

from __future__ import annotations

import dataclasses
from typing import Any

from shared.dynamo import key, to_item
from tickets.records import AttachmentRecord, TicketRecord, TimelineRecord
from tickets.rules import StatusFilter, group

UNASSIGNED = "NONE"  # the assignee of nobody's tickets, in the assignee lists' partitions


def ticket_key(ticket_id: str) -> dict[str, Any]:
    return key(f"TICKET#{ticket_id}", "META")


def owner(organisation_id: str | None, requester_id: str | None) -> str | None:
    """Whose the ticket is: the organisation, or the requester alone."""
    if organisation_id:
        return f"ORG#{organisation_id}"
    if requester_id:
        return f"USER#{requester_id}"
    return None


def index_keys(ticket: TicketRecord) -> dict[str, str]:
    """Where the ticket is listed: its owner (organisation, or the requester alone) and the agents' views."""
    activity = f"{ticket.last_activity_at}#{ticket.ticket_id}"
    status_group = group(ticket.status)
    keys = {
        "GSI3PK": f"TICKETS#{status_group}",
        "GSI3SK": activity,
        "GSI4PK": f"ASSIGNEE#{ticket.assignee_id or UNASSIGNED}#{status_group}",
        "GSI4SK": activity,
        "GSI8PK": f"ASSIGNEE#{ticket.assignee_id or UNASSIGNED}",
        "GSI8SK": activity,
        "GSI5PK": "TICKETS",
        "GSI5SK": activity,
    }
    if ticket.requester_id:
        keys.update(
            {
                "GSI6PK": f"REQUESTER#{ticket.requester_id}#{status_group}",
                "GSI6SK": activity,
                "GSI7PK": f"REQUESTER#{ticket.requester_id}",
                "GSI7SK": activity,
            }
        )
    elif ticket.requester_email:  # filed without an account: the account its address activates takes it over
        keys.update({"GSI9PK": f"UNCLAIMED#{ticket.requester_email}", "GSI9SK": activity})
    whose = owner(ticket.organisation_id, ticket.requester_id)
    if whose:
        keys.update(
            {
                "GSI1PK": f"OWNER#{whose}#{status_group}",
                "GSI1SK": activity,
                "GSI2PK": f"OWNER#{whose}",
                "GSI2SK": activity,
            }
        )
    return keys


def by_status(
    all_index: str, grouped_index: str, partition: str, status: StatusFilter
) -> tuple[str, str, str | None]:
    """The index and partition of a status filter, and the one status a page keeps (for "waiting":
    the open group, filtered)."""
    if status == "all":
        return all_index, partition, None
    if status == "waiting":
        return grouped_index, f"{partition}#OPEN", "waiting"
    return grouped_index, f"{partition}#{status.upper()}", None


# --- items -------------------------------------------------------------------------------------


def ticket_item(ticket: TicketRecord) -> dict[str, Any]:
    return {**ticket_key(ticket.ticket_id), **to_item({**dataclasses.asdict(ticket), **index_keys(ticket)})}


def case_item(ticket: TicketRecord) -> dict[str, Any]:
    """The case number's claim: unique, pointing to the ticket."""
    return {**key(f"CASE#{ticket.case_number}", "CASE"), **to_item({"ticket_id": ticket.ticket_id})}


def cc_key(ticket_id: str, address: str) -> dict[str, Any]:
    return key(f"TICKET#{ticket_id}", f"CC#{address}")


def cc_item(ticket: TicketRecord, address: str) -> dict[str, Any]:
    """An address in copy, listed under it ("shared with me") by the ticket's activity."""
    return {
        **cc_key(ticket.ticket_id, address),
        **to_item(
            {
                "ticket_id": ticket.ticket_id,
                "GSI9PK": f"SHARED#{address}",
                "GSI9SK": f"{ticket.last_activity_at}#{ticket.ticket_id}",
            }
        ),
    }


def entry_item(ticket_id: str, entry: TimelineRecord) -> dict[str, Any]:
    return {**key(f"TICKET#{ticket_id}", f"EVENT#{entry.entry_id}"), **to_item(dataclasses.asdict(entry))}


def attachment_item(ticket_id: str, attachment: AttachmentRecord) -> dict[str, Any]:
    """An attachment in the ticket's item collection (an upload moved in, or a mail's file)."""
    attached = dataclasses.replace(attachment, ticket_id=ticket_id)
    return {
        **key(f"TICKET#{ticket_id}", f"ATTACHMENT#{attachment.attachment_id}"),
        **to_item(dataclasses.asdict(attached)),
    }


def upload_key(owner_id: str, attachment_id: str) -> dict[str, Any]:
    return key(f"UPLOAD#{owner_id}", f"ATTACHMENT#{attachment_id}")


def upload_item(upload: AttachmentRecord, expires_epoch: int) -> dict[str, Any]:
    return {
        **upload_key(upload.owner_id, upload.attachment_id),
        **to_item({**dataclasses.asdict(upload), "expires_at": expires_epoch}),
    }


def mail_key(mail_id: str) -> dict[str, Any]:
    return key(f"INBOUND#{mail_id}", "MAIL")


def mail_item(mail_id: str, ticket_id: str, expires_epoch: int) -> dict[str, Any]:
    """A received mail handled: its second delivery finds it and changes nothing."""
    return {**mail_key(mail_id), **to_item({"ticket_id": ticket_id, "expires_at": expires_epoch})}
