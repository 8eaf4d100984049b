"""What every use case of accounts stands on: the parts and the steps several share. No boto3 here:
store, identity provider, mailer, event publisher and rate limiter are passed in, and the caller is an
explicit argument of every call.

Answers never reveal whether an e-mail address is registered: registration and "forgot password"
return the same whatever the address, and what differs happens only in the e-mail that is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from aws_lambda_powertools import Logger

from accounts.identity_provider import CognitoIdentityProvider, IssuedTokens
from accounts.store import (
    AccountsStore,
    TokenKind,
    TokenRecord,
    UserRecord,
)
from shared import sessions
from shared.clock import Clock
from shared.errors import NotFound
from shared.events import DomainEvent, EventPublisher, publish_after_commit
from shared.i18n import Language
from shared.ids import new_id, new_token, token_digest
from shared.mail import Mailer, MailSuppressed
from shared.privacy import ExportParts
from shared.queues import Queue
from shared.ratelimit import RateLimiter

if TYPE_CHECKING:
    from accounts.settings import AccountsSettings

Role = Literal["admin", "member"]


@dataclass
class AccountsCore:
    store: AccountsStore
    identity: CognitoIdentityProvider
    mailer: Mailer
    publisher: EventPublisher
    limiter: RateLimiter
    clock: Clock
    settings: AccountsSettings
    logger: Logger
    requests: Queue  # public requests the worker answers (registration, password reset)
    # The calendars an organisation has set up (the notifications domain's count; API only).
    calendar_usage: Callable[[str], int] | None = None
    # Privacy exports: the domains' parts and the archives (shared.privacy).
    exports: ExportParts | None = None

    # --- helpers -----------------------------------------------------------------------------

    def _link(self, path: str, token: str) -> str:
        # The token rides in the fragment: browsers never send it to a server or in a Referer.
        return f"{str(self.settings.portal_url).rstrip('/')}/{path}#token={token}"

    def _limit_source(self, action: str, source_ip: str) -> None:
        self.limiter.check(
            f"{action}-source",
            source_ip,
            limit=self.settings.requests_per_source_per_hour,
            window_seconds=3600,
            now=self.clock.now(),
        )

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
        try:
            self.mailer.send(
                to=to, template=template, language=language, context=dict(context), reference_id=reference_id
            )
        except MailSuppressed:  # the address bounced or complained: nothing goes there any more
            self.logger.info("mail suppressed", extra={"template": template, "reference_id": reference_id})
            return
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

    def _issued(self, tokens: IssuedTokens, began_ms: int) -> IssuedTokens:
        """Tokens of a sign-in that began after a session cut but were issued in its second (a new
        sign-in right after a password change) are let through by their id (shared.sessions); a
        token of an earlier second cannot be in a cut's second that came after the sign-in began."""
        claims = tokens.access_claims()
        if int(claims.get("iat", 0)) >= began_ms // 1000:
            self.store.keep_session(
                str(claims["sub"]), str(claims.get("jti", "")), int(claims["iat"]), began_ms
            )
        return tokens

    def _end_sessions(self, user: UserRecord) -> None:
        self.identity.sign_out_everywhere(user.email)
        self.store.end_sessions(user.user_id, sessions.cut_now(), sessions.now_ms())
        # live connections end too (realtime closes them)
        self._publish(DomainEvent("UserSignedOut", {"user_id": user.user_id}))
