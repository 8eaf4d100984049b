"""Use cases of joining: registration (answered at once, mailed by the worker) and activation."""

from __future__ import annotations

import dataclasses
import time
from datetime import timedelta
from typing import Any

from accounts import models
from accounts.core import AccountsCore
from accounts.identity_provider import IssuedTokens
from accounts.mapping import to_profile
from accounts.store import (
    UserRecord,
)
from shared.addresses import normalise_or_none
from shared.clock import iso
from shared.errors import (
    Conflict,
    FieldError,
    Forbidden,
    Invalid,
    LinkInvalid,
)
from shared.events import DomainEvent
from shared.i18n import Language, text
from shared.identity import Caller
from shared.ids import token_digest

# The acts of the audit trail: the event, and the kind of act kept for it.
AUDITED = {
    "FederatedAccountCreated": "federated_account_created",
    "FederatedAccountLinked": "federated_account_linked",
    "UserEmailChangeRequested": "email_change_requested",
    "UserEmailChanged": "email_changed",
    "UserExportRequested": "export_requested",
    "UserErasureRequested": "erasure_requested",
    "UserErasureCompleted": "erasure_completed",
}


class Signup(AccountsCore):
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

    # --- the audit trail -------------------------------------------------------------------------

    def record_act(self, event: dict[str, Any]) -> None:
        """One act on an account, kept as its kind and time (and the event's id: a repeat is one act)."""
        act = AUDITED.get(str(event.get("detail-type")))
        if act is None:
            raise ValueError(f"not an audited act: {event.get('detail-type')!r}")
        detail = event["detail"]
        if not detail["data"].get("user_id"):
            return  # an erasure of an address that never had an account: no account, no trail
        self.store.record_act(
            str(detail["data"]["user_id"]),
            act,
            str(detail["metadata"].get("occurred_at") or iso(self.clock.now())),
            str(detail["metadata"]["event_id"]),
        )

    def acts(self, caller: Caller, user_id: str) -> models.AuditPage:
        caller.require_agent()
        acts = self.store.acts(user_id)
        if not acts:
            self._profile(user_id)  # 404 for a person who does not exist (an erased one keeps the trail)
        return models.AuditPage(items=[models.AuditAct(act=a, at=t) for a, t in acts])

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

    def complete_profile(self, caller: Caller, request: models.ProfileCompletion) -> models.Profile:
        """The first Google or Facebook sign-in made a user-pool user and nothing else: the person gives
        their name and consent, and the account exists. Only for a user a provider created (never to
        recreate an erased or a password account), only with an address the provider verified, never
        for an address another account has (Conflict: that person signs in with the password; the
        pre-sign-up trigger links a verified provider address to it)."""
        if self.store.get_user(caller.user_id) is not None:
            raise Conflict("account.profile_complete")
        attributes = self.identity.federated_user(caller.user_id)
        if attributes is None or attributes.get("sub") != caller.user_id:
            raise Forbidden("account.not_federated")
        email = normalise_or_none(attributes.get("email", ""))
        if email is None or attributes.get("email_verified") != "true":
            raise Forbidden("account.email_unverified")
        now = iso(self.clock.now())
        user = UserRecord(
            user_id=caller.user_id,
            email=email,
            full_name=request.full_name,
            language=request.language,
            consent_version=request.privacy_consent.version,
            consent_at=now,
            created_at=now,
        )
        self.store.create_federated_user(user)
        self._publish(
            DomainEvent("UserActivated", {"user_id": user.user_id, "language": user.language}),
            DomainEvent("FederatedAccountCreated", {"user_id": user.user_id}),
        )
        self.logger.info("federated profile completed", extra={"user_id": user.user_id})
        return to_profile(user)

    # --- changing the e-mail address -----------------------------------------------------------

    def request_email_change(
        self, caller: Caller, request: models.EmailChange, language: Language
    ) -> models.Accepted:
        """A link to the new address (it proves the person reads it) and a notice to the current one;
        nothing changes until the link is opened. The same answer whether or not another account has
        the new address (that is said when the link is opened, to the person who holds it)."""
        user = self._profile(caller.user_id)
        if request.email == user.email:
            raise Invalid("request.invalid", fields=[FieldError("email", "account.email_same")])
        self.limiter.check(
            "email-change-user", user.user_id, limit=5, window_seconds=3600, now=self.clock.now()
        )
        if self._mail_allowed(request.email, "email_change"):
            token = self._issue_link(
                "email_change",
                timedelta(hours=self.settings.activation_hours),
                # valid only while the address is the one it changes and no session was ended since
                {
                    "user_id": user.user_id,
                    "email": request.email,
                    "from_email": user.email,
                    "issued_at": int(time.time()),
                },
            )
            self._mail(
                request.email,
                "email_change",
                user.language,
                full_name=user.full_name,
                confirm_url=self._link("email-bestaetigen", token),
                hours=self.settings.activation_hours,
            )
        if self._mail_allowed(user.email, "email_change_notice"):
            self._mail(user.email, "email_change_notice", user.language, full_name=user.full_name)
        self._publish(DomainEvent("UserEmailChangeRequested", {"user_id": user.user_id}))
        return models.Accepted(message=text("account.email_change_sent", language))

    def confirm_email_change(self, request: models.EmailConfirmation) -> models.Profile:
        """Opening the link: the address is changed everywhere the account keeps it (profile,
        membership, sign-in); other domains follow the event (tickets: the person's requests)."""
        digest = token_digest(request.token)
        record = self.store.get_token(digest, "email_change", int(self.clock.now().timestamp()))
        user = self._profile(str(record.data["user_id"]))
        new_email = str(record.data["email"])
        cut = self.store.sessions_valid_after(user.user_id)
        if record.data.get("from_email") != user.email or int(str(record.data.get("issued_at") or 0)) < cut:
            self.store.consume_token(digest)  # a newer change, or a password change, voided it
            raise LinkInvalid("link.invalid")
        self.store.change_email(user, new_email, digest)
        self.identity.set_email(user.email, new_email)
        self._publish(DomainEvent("UserEmailChanged", {"user_id": user.user_id}))
        self.logger.info("e-mail address changed", extra={"user_id": user.user_id})
        return to_profile(dataclasses.replace(user, email=new_email))

    def providers(self) -> models.ProviderPage:
        """The sign-in providers the stack has switched on, with where the browser goes for each."""
        settings = self.settings
        items = []
        for name in [p for p in settings.federation_providers.split(",") if p in ("Google", "Facebook")]:
            url = None
            if settings.auth_domain:
                url = (
                    f"https://{settings.auth_domain}/oauth2/authorize?identity_provider={name}"
                    f"&client_id={settings.user_pool_client_id}&response_type=code&scope=openid+email+profile"
                    f"&redirect_uri={str(settings.portal_url).rstrip('/')}/anmelden/rueckkehr"
                )
            items.append(models.Provider(name=name, authorize_url=url))  # type: ignore[arg-type]
        return models.ProviderPage(items=items)

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
