"""Domain errors. Services raise these; the resolver factory maps them to HTTP once for every function.

Each error carries a message key (translated per request, German by default) and, for invalid input,
the wrong fields with their own message keys.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class FieldError:
    field: str
    message_key: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)


class DomainError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(self, message_key: str, *, fields: list[FieldError] | None = None, **params: Any) -> None:
        super().__init__(message_key)
        self.message_key = message_key
        self.fields = fields or []
        self.params = params


class Invalid(DomainError):
    status = 422
    code = "validation_error"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class ReauthenticationRequired(Forbidden):
    """An irreversible act (erasure) needs the password again, or a sign-in of the last minutes."""

    code = "reauthentication_required"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class HandOverFirst(Conflict):
    """The only admin of an organisation with other members leaves or is erased: make another admin."""

    code = "hand_over_first"


class LinkInvalid(DomainError):
    """A single-use link that is unknown, expired or already used; the three are told apart to nobody."""

    status = 400
    code = "link_invalid"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"

    def __init__(self, message_key: str, *, retry_after_seconds: int, **params: Any) -> None:
        super().__init__(message_key, **params)
        self.retry_after_seconds = retry_after_seconds


class DependencyFailed(DomainError):
    """An AWS dependency failed after its retries; the caller may try again."""

    status = 503
    code = "temporarily_unavailable"
