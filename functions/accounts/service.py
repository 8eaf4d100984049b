"""Use cases of accounts and organisations. No boto3 here: store, identity provider, mailer, event
publisher and rate limiter are passed in, and the caller is an explicit argument of every call.

Answers never reveal whether an e-mail address is registered: registration and "forgot password"
return the same whatever the address, and what differs happens only in the e-mail that is sent.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from aws_lambda_powertools import Logger

from accounts import models
from accounts.identity_provider import CognitoIdentityProvider, IssuedTokens
from accounts.settings import AccountsSettings
from accounts.store import (
    AccountsStore,
    InvitationRecord,
    MemberRecord,
    OrganisationRecord,
    OrganisationView,
    TokenKind,
    TokenRecord,
    UserRecord,
)
from shared import sessions
from shared.clock import Clock, iso
from shared.errors import (
    Conflict,
    FieldError,
    Forbidden,
    Invalid,
    LinkInvalid,
    NotFound,
    RateLimited,
)
from shared.events import DomainEvent, EventPublisher, publish_after_commit
from shared.i18n import Language
from shared.identity import Caller
from shared.ids import new_id, new_token, token_digest
from shared.mail import Mailer
from shared.queues import Queue
from shared.ratelimit import RateLimiter

Role = Literal["admin", "member"]


@dataclass
class AccountsService:
    store: AccountsStore
    identity: CognitoIdentityProvider
    mailer: Mailer
    publisher: EventPublisher
    limiter: RateLimiter
    clock: Clock
    settings: AccountsSettings
    logger: Logger
    requests: Queue  # public requests the worker answers (registration, password reset)

    # --- helpers -----------------------------------------------------------------------------

    def _link(self, path: str, token: str) -> str:
        # The token rides in the fragment: browsers never send it to a server or in a Referer.
        return f"{str(self.settings.portal_url).rstrip('/')}/{path}#token={token}"

    def _limit_source(self, action: str, source_ip: str) -> None:
        allowed, retry_after = self.limiter.allow(
            f"{action}-source",
            source_ip,
            limit=self.settings.requests_per_source_per_hour,
            window_seconds=3600,
            now=self.clock.now(),
        )
        if not allowed:
            raise RateLimited("request.rate_limited", retry_after_seconds=retry_after)

    def _mail_allowed(self, email: str, kind: str) -> bool:
        """Caps the mails one address receives, silently: the answer must not differ."""
        # One cap per kind of mail: registering someone's address five times must not stop their
        # password-reset mail.
        allowed, _ = self.limiter.allow(
            f"mail-address-{kind}",
            email,
            limit=self.settings.mails_per_address_per_hour,
            window_seconds=3600,
            now=self.clock.now(),
        )
        if not allowed:
            self.logger.warning("mail to one address rate-limited", extra={"reason": "address_limit"})
        return allowed

    def _publish(self, *events: DomainEvent) -> None:
        publish_after_commit(self.publisher, list(events), self.logger)

    def _mail(self, to: str, template: str, language: Language, **context: object) -> None:
        reference_id = new_id()
        self.mailer.send(
            to=to, template=template, language=language, context=dict(context), reference_id=reference_id
        )
        self.logger.info("mail sent", extra={"template": template, "reference_id": reference_id})

    def _profile(self, user_id: str) -> UserRecord:
        user = self.store.get_user(user_id)
        if user is None:
            raise NotFound("account.not_found")
        return user

    def _expiry(self, delta: timedelta) -> int:
        return int((self.clock.now() + delta).timestamp())

    def _issue_link(self, kind: TokenKind, lifetime: timedelta, data: dict[str, object]) -> str:
        """Stores a single-use link's digest and returns the token that goes into the e-mail."""
        token = new_token()
        self.store.put_token(TokenRecord(token_digest(token), kind, self._expiry(lifetime), data))
        return token

    # --- registration and activation ---------------------------------------------------------

    def register(self, request: models.RegistrationRequest, source_ip: str) -> None:
        """Accepts a registration; the worker (`registration_requested`) decides and mails, so the answer
        is the same, in content and in time, whether or not the address is known."""
        self._limit_source("register", source_ip)
        self.requests.send(
            {
                "kind": "registration",
                "email": request.email,
                "full_name": request.full_name,
                "language": request.language,
                "consent_version": request.privacy_consent.version,
                "consent_at": iso(self.clock.now()),
            }
        )

    def handle_request(self, request: dict[str, Any]) -> None:
        """The worker's part of a public request (see `register` and `forgot_password`)."""
        if request["kind"] == "registration":
            self.registration_requested(
                models.RegistrationRequest.model_validate(
                    {
                        "email": request["email"],
                        "full_name": request["full_name"],
                        "language": request["language"],
                        "privacy_consent": {"accepted": True, "version": request["consent_version"]},
                    }
                ),
                consent_at=str(request["consent_at"]),
            )
        elif request["kind"] == "password_reset":
            self.password_reset_requested(str(request["email"]))
        else:
            self.logger.error("unknown account request", extra={"kind": request["kind"]})

    def registration_requested(self, request: models.RegistrationRequest, consent_at: str) -> None:
        if not self._mail_allowed(request.email, "registration"):
            return
        existing_id = self.store.user_id_for_email(request.email)
        if existing_id is not None:
            existing = self.store.get_user(existing_id)
            language = existing.language if existing else request.language
            self._mail(
                request.email,
                "account_exists",
                language,
                sign_in_url=f"{str(self.settings.portal_url).rstrip('/')}/anmelden",
                reset_url=f"{str(self.settings.portal_url).rstrip('/')}/passwort-vergessen",
            )
            return
        token = self._issue_link(
            "activation",
            timedelta(hours=self.settings.activation_hours),
            {
                "email": request.email,
                "full_name": request.full_name,
                "language": request.language,
                "consent_version": request.privacy_consent.version,
                "consent_at": consent_at,
            },
        )
        self._mail(
            request.email,
            "activation",
            request.language,
            full_name=request.full_name,
            activation_url=self._link("aktivieren", token),
            hours=self.settings.activation_hours,
        )

    def activate(self, request: models.ActivationRequest) -> IssuedTokens:
        digest = token_digest(request.token)
        record = self.store.get_token(digest, "activation", int(self.clock.now().timestamp()))
        data = record.data
        try:
            user_id = self.identity.create_user(data["email"], data["full_name"], request.password)
        except Conflict:
            self.store.consume_token(digest)
            raise LinkInvalid("link.invalid") from None
        user = UserRecord(
            user_id=user_id,
            email=data["email"],
            full_name=data["full_name"],
            language=data["language"],
            consent_version=data["consent_version"],
            consent_at=data["consent_at"],
            created_at=iso(self.clock.now()),
        )
        try:
            self.store.create_user(user, digest)
        except Exception:
            self.identity.delete_user(user.email)  # nothing half-stored: the pool follows the table
            raise
        tokens = self.identity.sign_in(user.email, request.password)
        self._publish(DomainEvent("UserActivated", {"user_id": user_id, "language": user.language}))
        return tokens

    def _issued(self, tokens: IssuedTokens) -> IssuedTokens:
        """Tokens issued in the second of a session cut (a new sign-in right after a password change)
        are let through by their id; any other second needs nothing (shared.sessions)."""
        claims = tokens.access_claims()
        if int(claims.get("iat", 0)) >= int(time.time()):
            self.store.keep_session(str(claims["sub"]), str(claims.get("jti", "")), int(claims["iat"]))
        return tokens

    def _end_sessions(self, user: UserRecord) -> None:
        self.identity.sign_out_everywhere(user.email)
        self.store.end_sessions(user.user_id, sessions.cut_now())

    # --- sessions and passwords --------------------------------------------------------------

    def sign_in(self, request: models.SignInRequest, source_ip: str) -> IssuedTokens:
        self._limit_source("sign-in", source_ip)
        return self._issued(self.identity.sign_in(request.email, request.password))

    def refresh(self, request: models.RefreshRequest) -> IssuedTokens:
        return self._issued(self.identity.refresh(request.refresh_token))

    def sign_out(self, caller: Caller) -> None:
        """Ends every session of the caller: refresh and access tokens stop working at once."""
        self._end_sessions(self._profile(caller.user_id))

    def forgot_password(self, request: models.ForgotPasswordRequest, source_ip: str) -> None:
        """Accepts a reset request for any address; the worker looks it up and mails (see `register`)."""
        self._limit_source("forgot-password", source_ip)
        self.requests.send({"kind": "password_reset", "email": request.email})

    def password_reset_requested(self, email: str) -> None:
        user_id = self.store.user_id_for_email(email)
        if user_id is None or not self._mail_allowed(email, "password_reset"):
            return
        user = self._profile(user_id)
        token = self._issue_link(
            "password_reset", timedelta(minutes=self.settings.password_reset_minutes), {"user_id": user_id}
        )
        self._mail(
            user.email,
            "password_reset",
            user.language,
            full_name=user.full_name,
            reset_url=self._link("passwort-neu", token),
            minutes=self.settings.password_reset_minutes,
        )

    def reset_password(self, request: models.ResetPasswordRequest) -> None:
        digest = token_digest(request.token)
        record = self.store.get_token(digest, "password_reset", int(self.clock.now().timestamp()))
        user = self.store.get_user(str(record.data["user_id"]))
        if user is None:
            raise LinkInvalid("link.invalid")
        self.store.consume_token(digest)  # first, so two uses of one link cannot both succeed
        self.identity.set_password(user.email, request.password)
        self._end_sessions(user)
        self._mail(user.email, "password_changed", user.language, full_name=user.full_name)

    def change_password(self, caller: Caller, request: models.ChangePasswordRequest) -> None:
        user = self._profile(caller.user_id)
        if not self.identity.password_matches(user.email, request.current_password):
            raise Invalid(
                "request.invalid", fields=[FieldError("current_password", "auth.current_password_wrong")]
            )
        self.identity.set_password(user.email, request.new_password)
        self._end_sessions(user)
        self._mail(user.email, "password_changed", user.language, full_name=user.full_name)

    # --- profile -----------------------------------------------------------------------------

    def profile(self, caller: Caller) -> models.Profile:
        return to_profile(self._profile(caller.user_id))

    def update_profile(self, caller: Caller, change: models.ProfileUpdate) -> models.Profile:
        user = self._profile(caller.user_id)
        self.store.update_profile(user, change.full_name, change.language)
        if change.full_name is not None and change.full_name != user.full_name:
            self.identity.set_name(user.email, change.full_name)
        updated = UserRecord(
            **{
                **user.__dict__,
                "full_name": change.full_name or user.full_name,
                "language": change.language or user.language,
            }
        )
        self._publish(
            DomainEvent("UserProfileChanged", {"user_id": user.user_id, "language": updated.language})
        )
        return to_profile(updated)

    # --- organisations -----------------------------------------------------------------------

    def create_organisation(self, caller: Caller, request: models.OrganisationCreate) -> models.Organisation:
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
        return to_organisation(OrganisationView(org, [member], []), with_invitations=True)

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

    def organisation(self, caller: Caller, org_id: str) -> models.Organisation:
        view, member = self._view_for(caller, org_id)
        admin = caller.is_agent or (member is not None and member.role == "admin")
        return to_organisation(view, with_invitations=admin)

    def rename_organisation(
        self, caller: Caller, org_id: str, request: models.OrganisationUpdate
    ) -> models.Organisation:
        view, member = self._view_for(caller, org_id)
        self._require_admin(caller, member)
        self.store.rename_organisation(view, request.name)
        renamed = OrganisationView(
            OrganisationRecord(**{**view.organisation.__dict__, "name": request.name}),
            view.members,
            view.invitations,
        )
        return to_organisation(renamed, with_invitations=True)

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

    # --- agents ------------------------------------------------------------------------------

    def find_user(self, caller: Caller, email: str) -> models.Profile:
        caller.require_agent()
        user_id = self.store.user_id_for_email(email)
        if user_id is None:
            raise NotFound("account.not_found")
        return to_profile(self._profile(user_id))

    def user(self, caller: Caller, user_id: str) -> models.Profile:
        caller.require_agent()
        return to_profile(self._profile(user_id))

    def list_organisations(
        self, caller: Caller, name_prefix: str, cursor: str | None, limit: int
    ) -> models.OrganisationPage:
        caller.require_agent()
        orgs, next_cursor = self.store.list_organisations(name_prefix, cursor, limit)
        return models.OrganisationPage(
            items=[
                models.OrganisationListItem(
                    id=o.org_id,
                    name=o.name,
                    licensed_practitioners=o.licensed_practitioners,
                    member_count=o.member_count,
                    created_at=o.created_at,
                )
                for o in orgs
            ],
            next_cursor=next_cursor,
        )

    def agent_organisation(self, caller: Caller, org_id: str) -> models.Organisation:
        caller.require_agent()
        return self.organisation(caller, org_id)

    def set_licence(self, caller: Caller, org_id: str, request: models.LicenceChange) -> models.Organisation:
        caller.require_agent()
        self.store.set_licence(org_id, request.licensed_practitioners)
        self._publish(
            DomainEvent(
                "OrganisationLicenceChanged",
                {"organisation_id": org_id, "licensed_practitioners": request.licensed_practitioners},
            )
        )
        return self.organisation(caller, org_id)


def to_profile(user: UserRecord) -> models.Profile:
    organisation = None
    if user.organisation_id and user.role:
        organisation = models.OrganisationSummary(
            id=user.organisation_id, name=user.organisation_name or "", role=user.role
        )
    return models.Profile(
        id=user.user_id,
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


def to_organisation(view: OrganisationView, *, with_invitations: bool) -> models.Organisation:
    org = view.organisation
    return models.Organisation(
        id=org.org_id,
        name=org.name,
        licensed_practitioners=org.licensed_practitioners,
        member_count=org.member_count,
        created_at=org.created_at,
        members=sorted(
            (to_member(m) for m in view.members),
            key=lambda m: (m.role != "admin", m.joined_at, m.full_name.casefold()),
        ),
        invitations=[to_invitation(i) for i in view.invitations] if with_invitations else None,
    )
