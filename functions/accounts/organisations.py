"""Use cases of organisations: creating, members, roles, invitations."""

from __future__ import annotations

from datetime import timedelta

from accounts import models
from accounts.core import AccountsCore, Role
from accounts.mapping import to_invitation, to_member, to_members, to_organisation
from accounts.store import (
    InvitationRecord,
    MemberRecord,
    OrganisationRecord,
    OrganisationView,
    TokenRecord,
)
from shared.clock import iso
from shared.errors import (
    Conflict,
    Forbidden,
    LinkInvalid,
    NotFound,
)
from shared.events import DomainEvent
from shared.i18n import Language
from shared.identity import Caller
from shared.ids import new_id, new_token, token_digest


class Organisations(AccountsCore):
    # --- organisations -----------------------------------------------------------------------

    def create_organisation(
        self, caller: Caller, request: models.OrganisationCreate, language: Language
    ) -> models.Organisation:
        user = self._profile(caller.user_id)
        if user.organisation_id:
            raise Conflict("organisation.member_elsewhere")
        now = iso(self.clock.now())
        org = OrganisationRecord(
            org_id=new_id(),
            name=request.name,
            licensed_practitioners=self.settings.default_licensed_practitioners,
            member_count=1,
            admin_count=1,
            created_at=now,
            created_by=user.user_id,
        )
        self.store.create_organisation(org, user, now)
        self._publish(
            DomainEvent("OrganisationCreated", {"organisation_id": org.org_id, "created_by": user.user_id}),
            DomainEvent(
                "OrganisationMemberJoined",
                {"organisation_id": org.org_id, "user_id": user.user_id, "role": "admin"},
            ),
        )
        member = MemberRecord(org.org_id, user.user_id, user.full_name, user.email, "admin", now)
        return to_organisation(
            OrganisationView(org, [member], []), with_invitations=True, calendars_in_use=0, language=language
        )

    def _view_for(self, caller: Caller, org_id: str) -> tuple[OrganisationView, MemberRecord | None]:
        """The organisation if the caller may see it (a member, or an agent); 404 for anyone else."""
        view = self.store.get_organisation_view(org_id)
        member = None
        if view is not None:
            member = next((m for m in view.members if m.user_id == caller.user_id), None)
        if view is None or (member is None and not caller.is_agent):
            raise NotFound("organisation.not_found")
        return view, member

    @staticmethod
    def _require_admin(caller: Caller, member: MemberRecord | None) -> None:
        if member is None and not caller.is_agent:
            raise NotFound("organisation.not_found")
        if member is None or member.role != "admin":
            raise Forbidden("organisation.admins_only")

    def organisation(self, caller: Caller, org_id: str, language: Language) -> models.Organisation:
        view, member = self._view_for(caller, org_id)
        admin = caller.is_agent or (member is not None and member.role == "admin")
        return self._shown(view, admin, language)

    def members(self, caller: Caller, org_id: str) -> list[models.Member]:
        view, _member = self._view_for(caller, org_id)
        return to_members(view)

    def _shown(
        self, view: OrganisationView, with_invitations: bool, language: Language
    ) -> models.Organisation:
        assert self.calendar_usage is not None, "the API wires the calendar count"
        in_use = self.calendar_usage(view.organisation.org_id)
        return to_organisation(
            view, with_invitations=with_invitations, calendars_in_use=in_use, language=language
        )

    def rename_organisation(
        self, caller: Caller, org_id: str, request: models.OrganisationUpdate, language: Language
    ) -> models.Organisation:
        view, member = self._view_for(caller, org_id)
        self._require_admin(caller, member)
        self.store.rename_organisation(view, request.name)
        renamed = OrganisationView(
            OrganisationRecord(**{**view.organisation.__dict__, "name": request.name}),
            view.members,
            view.invitations,
        )
        return self._shown(renamed, True, language)

    def invite(
        self, caller: Caller, org_id: str, request: models.InvitationCreate, language: Language
    ) -> models.Invitation:
        members, org = self.store.get_members_and_organisation(org_id, [caller.user_id])
        inviter = members.get(caller.user_id)
        if org is None:
            raise NotFound("organisation.not_found")
        self._require_admin(caller, inviter)
        assert inviter is not None
        if request.email == inviter.email:
            raise Conflict("organisation.already_member")
        token = new_token()
        now = self.clock.now()
        expires = now + timedelta(days=self.settings.invitation_days)
        invitation = InvitationRecord(
            org_id=org_id,
            invitation_id=new_id(),
            email=request.email,
            role=request.role,
            invited_by=caller.user_id,
            created_at=iso(now),
            expires_at=iso(expires),
            token_digest=token_digest(token),
        )
        self.store.create_invitation(
            invitation,
            TokenRecord(
                digest=invitation.token_digest,
                kind="invitation",
                expires_epoch=int(expires.timestamp()),
                data={"organisation_id": org_id, "invitation_id": invitation.invitation_id},
            ),
        )
        if self._mail_allowed(request.email, "invitation"):
            self._mail(
                request.email,
                "invitation",
                language,
                inviter_name=inviter.full_name,
                organisation_name=org.name,
                accept_url=self._link("einladung", token),
                days=self.settings.invitation_days,
            )
        self._publish(
            DomainEvent(
                "OrganisationMemberInvited",
                {"organisation_id": org_id, "invitation_id": invitation.invitation_id, "role": request.role},
            )
        )
        return to_invitation(invitation)

    def revoke_invitation(self, caller: Caller, org_id: str, invitation_id: str) -> None:
        members, org = self.store.get_members_and_organisation(org_id, [caller.user_id])
        if org is None:
            raise NotFound("organisation.not_found")
        self._require_admin(caller, members.get(caller.user_id))
        invitation = self.store.get_invitation(org_id, invitation_id)
        if invitation is None:
            raise NotFound("invitation.not_found")
        self.store.revoke_invitation(invitation)

    def accept_invitation(
        self, caller: Caller, request: models.InvitationAccept
    ) -> models.OrganisationSummary:
        digest = token_digest(request.token)
        record = self.store.get_token(digest, "invitation", int(self.clock.now().timestamp()))
        org_id = str(record.data["organisation_id"])
        invitation = self.store.get_invitation(org_id, str(record.data["invitation_id"]))
        if invitation is None or invitation.token_digest != digest:
            raise LinkInvalid("link.invalid")
        user = self._profile(caller.user_id)
        if user.email != invitation.email:
            raise Forbidden("invitation.other_address")
        if user.organisation_id == org_id:
            raise Conflict("organisation.already_member")
        if user.organisation_id:
            raise Conflict("organisation.member_elsewhere")
        _, org = self.store.get_members_and_organisation(org_id, [])
        if org is None:
            raise LinkInvalid("link.invalid")
        self.store.accept_invitation(invitation, user, org.name, iso(self.clock.now()))
        self._publish(
            DomainEvent(
                "OrganisationMemberJoined",
                {"organisation_id": org_id, "user_id": user.user_id, "role": invitation.role},
            )
        )
        return models.OrganisationSummary(id=org_id, name=org.name, role=invitation.role)

    def change_role(self, caller: Caller, org_id: str, user_id: str, role: Role) -> models.Member:
        members, org = self.store.get_members_and_organisation(org_id, [caller.user_id, user_id])
        if org is None:
            raise NotFound("organisation.not_found")
        self._require_admin(caller, members.get(caller.user_id))
        target = members.get(user_id)
        if target is None:
            raise NotFound("organisation.member_not_found")
        self.store.change_role(target, role)
        if role != target.role:
            self._publish(
                DomainEvent(
                    "OrganisationMemberRoleChanged",
                    {"organisation_id": org_id, "user_id": user_id, "role": role},
                )
            )
        return to_member(MemberRecord(**{**target.__dict__, "role": role}))

    def remove_member(self, caller: Caller, org_id: str, user_id: str) -> None:
        """An admin removes a member; any member may remove themself (leave)."""
        members, org = self.store.get_members_and_organisation(org_id, [caller.user_id, user_id])
        me = members.get(caller.user_id)
        if org is None or (me is None and not caller.is_agent):
            raise NotFound("organisation.not_found")
        if user_id != caller.user_id:
            self._require_admin(caller, me)
        target = members.get(user_id)
        if target is None:
            raise NotFound("organisation.member_not_found")
        self.store.remove_member(target)
        self._publish(
            DomainEvent(
                "OrganisationMemberRemoved",
                {"organisation_id": org_id, "user_id": user_id, "by": caller.user_id},
            )
        )
