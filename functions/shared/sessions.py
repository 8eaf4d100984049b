"""Signing out, changing or resetting a password ends every session at once, access tokens included.

API Gateway's JWT authorizer accepts a token until it expires; it knows nothing of sign-out. So the
accounts domain writes a cut into the user's profile, `sessions_valid_after` (epoch seconds, the
second after the act), and every signed-in request of every function reads the profile (one
consistent GetItem, which the request's own profile read then reuses: see shared.directory) and
refuses a token issued before the cut with 401 `session_ended`.

Token times have one-second resolution. A cut refuses every token issued in its second; a token the
accounts API itself issues for a sign-in that began after the cut (signing in again right after
changing the password) is let through by its `jti`, which the accounts API records in
`session_jtis`. Which came first is decided in milliseconds: the cut also records
`sessions_cut_ms`, and a sign-in's `jti` is kept only when the sign-in began after it. (It used to be
decided by the second the accounts API recorded the token in, so a sign-in whose second rolled over
before the record was refused once: a known flake of the sessions test.)
The cut uses the wall clock, not a service's injectable clock: it is compared with Cognito's `iat`.
"""

from __future__ import annotations

import time
from typing import Any, Literal

from shared import directory


def cut_now() -> int:
    """The first second whose tokens survive a cut made now."""
    return int(time.time()) + 1


def now_ms() -> int:
    """The wall clock in milliseconds: when a cut is made, when a sign-in begins."""
    return time.time_ns() // 1_000_000


def is_current(claims: dict[str, Any], profile: dict[str, Any] | None) -> bool:
    """Whether a verified access token's session has not been ended since it was issued."""
    if profile is None:
        return True  # no profile (yet): nothing was ended; the routes answer for themselves
    valid_after = int(profile.get("sessions_valid_after") or 0)
    try:
        issued = int(str(claims.get("iat", "0")))
    except ValueError:
        return False
    return issued >= valid_after or str(claims.get("jti", "")) in set(profile.get("session_jtis") or ())


def check(client: Any, accounts_table: str, claims: dict[str, Any]) -> Literal["ok", "ended", "incomplete"]:
    """Reads the caller's profile once (consistently): whether the session still holds, or whether the
    person has no profile yet (a first sign-in with Google or Facebook: the profile is completed first)."""
    user_id = str(claims.get("sub", ""))
    values = directory.read_profile_item(client, accounts_table, user_id, consistent=True)
    directory.remember(user_id, values)
    if values is None:
        # an erased account's tokens are ended; any other account without a profile completes it first
        erased = client.get_item(TableName=accounts_table, Key=directory.erased_key(user_id)).get("Item")
        return "ended" if erased else "incomplete"
    return "ok" if is_current(claims, values) else "ended"
