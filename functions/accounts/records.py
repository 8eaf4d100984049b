"""The accounts domain's records, as its store reads and writes them."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from shared.dynamo import record

TokenKind = Literal["activation", "password_reset", "invitation", "email_change"]


@dataclass(frozen=True)
class UserRecord:
    user_id: str
    email: str
    full_name: str
    language: Literal["de", "en"]
    consent_version: str
    consent_at: str
    created_at: str
    organisation_id: str | None = None
    organisation_name: str | None = None
    role: Literal["admin", "member"] | None = None


@dataclass(frozen=True)
class OrganisationRecord:
    org_id: str
    name: str
    licensed_practitioners: int
    member_count: int
    admin_count: int
    created_at: str
    created_by: str


@dataclass(frozen=True)
class MemberRecord:
    org_id: str
    user_id: str
    full_name: str
    email: str
    role: Literal["admin", "member"]
    joined_at: str


@dataclass(frozen=True)
class InvitationRecord:
    org_id: str
    invitation_id: str
    email: str
    role: Literal["admin", "member"]
    invited_by: str
    created_at: str
    expires_at: str
    token_digest: str


@dataclass(frozen=True)
class TokenRecord:
    digest: str
    kind: TokenKind
    expires_epoch: int
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OrganisationView:
    organisation: OrganisationRecord
    members: list[MemberRecord]
    invitations: list[InvitationRecord]


# --- from a stored item's attributes, and what an item of a record holds besides its keys ------


def user_record(values: Mapping[str, Any]) -> UserRecord:
    return record(UserRecord, values)


def organisation_record(values: Mapping[str, Any]) -> OrganisationRecord:
    return record(OrganisationRecord, values)


def member_record(values: Mapping[str, Any]) -> MemberRecord:
    return record(MemberRecord, values)


def invitation_record(values: Mapping[str, Any]) -> InvitationRecord:
    return record(InvitationRecord, values)


def user_attributes(user: UserRecord) -> dict[str, Any]:
    """What a new profile stores (organisation fields come later, with a membership)."""
    values = dataclasses.asdict(user)
    for joined_later in ("organisation_id", "organisation_name", "role"):
        values.pop(joined_later)
    return values


def organisation_attributes(org: OrganisationRecord) -> dict[str, Any]:
    return dataclasses.asdict(org)
