"""Use cases of getting in and out: sessions, passwords, the profile."""

from __future__ import annotations

from accounts import models
from accounts.core import AccountsCore
from accounts.identity_provider import IssuedTokens
from accounts.mapping import to_profile
from accounts.store import (
    UserRecord,
)
from shared import sessions
from shared.errors import (
    FieldError,
    Invalid,
    LinkInvalid,
)
from shared.events import DomainEvent
from shared.identity import Caller
from shared.ids import token_digest


class Access(AccountsCore):
    # --- sessions and passwords --------------------------------------------------------------

    def sign_in(self, request: models.SignInRequest, source_ip: str) -> IssuedTokens:
        self._limit_source("sign-in", source_ip)
        began = sessions.now_ms()
        return self._issued(self.identity.sign_in(request.email, request.password), began)

    def refresh(self, request: models.RefreshRequest) -> IssuedTokens:
        began = sessions.now_ms()
        return self._issued(self.identity.refresh(request.refresh_token), began)

    def sign_out(self, caller: Caller) -> None:
        """Ends every session of the caller: refresh and access tokens stop working at once."""
        self._end_sessions(self._profile(caller.user_id))

    def forgot_password(self, request: models.ForgotPasswordRequest, source_ip: str) -> None:
        """Accepts a reset request for any address; the worker looks it up and mails (see `register`)."""
        self._limit_source("forgot-password", source_ip)
        self.requests.send({"kind": "password_reset", "email": request.email})

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
