"""The inbox's part of a person's export and erasure (shared.privacy, docs/privacy.md): every message
of the person's inbox with its read state and the e-mail preferences (colleagues' names and addresses
in them replaced by "eine andere Person"); erasure deletes the person's
partition (messages, state, preferences) and the markers of what they were sent, and takes the name
and address out of the messages of everyone whose inbox names the person (found by the `NAMED#`
pointers each message leaves) and of the organisation's members. Mails to addresses
without an account are kept only as a digest of the address (delivery records, 90 days)."""

from __future__ import annotations

from typing import Any

from inbox.store import InboxStore
from shared.directory import Directory
from shared.privacy import ERASED_NAME, PrivacyRequest

ANOTHER_PERSON = "eine andere Person"


def _others(directory: Directory, request: PrivacyRequest) -> list[str]:
    """The names and addresses of the person's colleagues: a copy of one's data names no one else."""
    return [
        n
        for org_id in request.organisation_ids
        for m in directory.members(org_id)
        if m.user_id != request.user_id
        for n in (m.full_name, m.email)
    ]


def _without(text: str, others: list[str]) -> str:
    for name in sorted(others, key=len, reverse=True):
        text = text.replace(name, ANOTHER_PERSON)
    return text


def export_part(store: InboxStore, directory: Directory, request: PrivacyRequest) -> dict[str, Any]:
    if request.user_id is None:
        return {"messages": [], "email_preferences": None}
    messages, state, marketing = store.everything_of(request.user_id)
    others = _others(directory, request)
    return {
        "messages": [
            {
                "kind": m.kind,
                "subject": _without(m.subject, others),
                "text": _without(m.body, others),
                "received_at": m.created_at,
                "case_number": m.case_number,
                "read": state.is_read(m),
            }
            for m in sorted(messages, key=lambda m: m.message_id)
        ],
        "email_preferences": {"marketing_emails": marketing},
    }


def erase(store: InboxStore, directory: Directory, request: PrivacyRequest) -> int:
    """The person's inbox goes; the messages of their organisation's members that name them (a reply
    they wrote, a request they filed) show "Gelöschte Person" instead of the name and address."""
    forgotten = store.forget(request.user_id) if request.user_id else 0
    names = [n for n in (request.full_name, request.email) if n]
    inboxes = store.named_in([n for n in (request.user_id, *names) if n])
    inboxes |= {m.user_id for org_id in request.organisation_ids for m in directory.members(org_id)}
    for user_id in inboxes - {request.user_id}:
        store.scrub(user_id, names, ERASED_NAME)
    return forgotten
