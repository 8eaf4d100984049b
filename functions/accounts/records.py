"""The accounts domain's records, as its store reads and writes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

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
