"""Records to the API's models: what a person sees of accounts and organisations."""

from __future__ import annotations

from accounts import models
from accounts.store import InvitationRecord, MemberRecord, OrganisationView, UserRecord
from shared.i18n import Language, text


def to_profile(user: UserRecord) -> models.Profile:
    organisation = None
    if user.organisation_id and user.role:
        organisation = models.OrganisationSummary(
            id=user.organisation_id, name=user.organisation_name or "", role=user.role
        )
    return models.Profile(
        user_id=user.user_id,
        email=user.email,
        full_name=user.full_name,
        language=user.language,
        privacy_consent_version=user.consent_version,
        privacy_consent_at=user.consent_at,
        created_at=user.created_at,
        organisation=organisation,
    )


def to_member(member: MemberRecord) -> models.Member:
    return models.Member(
        user_id=member.user_id,
        full_name=member.full_name,
        email=member.email,
        role=member.role,
        joined_at=member.joined_at,
    )


def to_invitation(invitation: InvitationRecord) -> models.Invitation:
    return models.Invitation(
        id=invitation.invitation_id,
        email=invitation.email,
        role=invitation.role,
        invited_by=invitation.invited_by,
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
    )


def to_organisation(
    view: OrganisationView, *, with_invitations: bool, calendars_in_use: int, language: Language
) -> models.Organisation:
    org = view.organisation
    licensed = org.licensed_practitioners
    return models.Organisation(
        id=org.org_id,
        name=org.name,
        licensed_practitioners=licensed,
        calendars_in_use=calendars_in_use,
        licence_warning=text(
            "organisation.licence_exceeded", language, count=licensed, in_use=calendars_in_use
        )
        if calendars_in_use > licensed
        else None,
        member_count=org.member_count,
        created_at=org.created_at,
        members=to_members(view),
        invitations=[to_invitation(i) for i in view.invitations] if with_invitations else None,
    )


def to_members(view: OrganisationView) -> list[models.Member]:
    """Admins first, then by joining."""
    return sorted(
        (to_member(m) for m in view.members),
        key=lambda m: (m.role != "admin", m.joined_at, m.full_name.casefold()),
    )
