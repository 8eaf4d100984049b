"""The caller, from the JWT claims that API Gateway's authorizer verified. Never from the body."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.errors import Forbidden, Unauthorized

AGENTS_GROUP = "agents"


@dataclass(frozen=True)
class Caller:
    user_id: str
    groups: frozenset[str]
    auth_time: int = 0  # when the person last signed in with their credentials (epoch seconds)

    @property
    def is_agent(self) -> bool:
        return AGENTS_GROUP in self.groups

    def require_agent(self) -> None:
        if not self.is_agent:
            raise Forbidden("auth.agents_only")


def _groups(raw: Any) -> frozenset[str]:
    """HTTP API passes array claims as a string such as "[agents admins]"; a test may pass a list."""
    if raw is None:
        return frozenset()
    if isinstance(raw, list):
        return frozenset(str(g) for g in raw)
    cleaned = str(raw).strip().strip("[]")
    return frozenset(g for g in cleaned.replace(",", " ").split() if g)


def caller_from_event(event: dict[str, Any]) -> Caller:
    claims = (((event.get("requestContext") or {}).get("authorizer") or {}).get("jwt") or {}).get(
        "claims"
    ) or {}
    subject = claims.get("sub")
    if not subject or claims.get("token_use", "access") != "access":
        raise Unauthorized("request.unauthorized")
    try:
        auth_time = int(claims.get("auth_time") or 0)
    except ValueError:
        auth_time = 0
    return Caller(user_id=str(subject), groups=_groups(claims.get("cognito:groups")), auth_time=auth_time)
