"""Schemathesis hooks of the contract run (tests/e2e/test_contract.py; schemathesis.toml names this
module). Environment:
- CONTRACT_API: the stack's base URL;
- CONTRACT_ROLE_ACCOUNT: "email password" of the account the run calls as (absent: anonymous);
- CONTRACT_SESSION_ACCOUNT: "email password" of an account whose sessions the session-ending
  operations (sign-out, password change) may end, signed in anew for each of their calls, so that
  they are tested for real without ending the run's own session.

Only what a schema cannot say is arranged here: a cursor is a token the list issued (a forged one is
refused, tests/functional/test_access_and_hostile_input.py), so generated cursors are left out; the
password change gets the account's real current password in its schema-valid cases.
"""

from __future__ import annotations

import json
import os
import urllib.request
from typing import Any

import schemathesis

SESSION_ENDING = {("DELETE", "/accounts/sessions"), ("PUT", "/accounts/password")}
_tokens: dict[str, str] = {}
_passwords: dict[str, str] = {}


def _account(variable: str) -> tuple[str, str] | None:
    value = os.environ.get(variable)
    if not value:
        return None
    email, password = value.split(" ", 1)
    return email, _passwords.setdefault(email, password)


def _sign_in(email: str, password: str) -> str:
    request = urllib.request.Request(
        f"{os.environ['CONTRACT_API']}/accounts/sessions",
        data=json.dumps({"email": email, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(json.load(response)["access_token"])


@schemathesis.auth(refresh_interval=None)  # asked every call: the role token is kept here
class RoleAuth:
    """The run's role, signed in once; the session-ending operations with a session of their own."""

    def get(self, case: Any, ctx: Any) -> str | None:
        if (case.method.upper(), case.path) in SESSION_ENDING:
            account = _account("CONTRACT_SESSION_ACCOUNT")
            return _sign_in(*account) if account else None
        account = _account("CONTRACT_ROLE_ACCOUNT")
        if account is None:
            return None
        if account[0] not in _tokens:
            _tokens[account[0]] = _sign_in(*account)
        return _tokens[account[0]]

    def set(self, case: Any, data: str | None, ctx: Any) -> None:
        if data is not None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schemathesis.hook
def before_call(ctx: Any, case: Any, **kwargs: Any) -> None:
    if case.query and "cursor" in case.query:
        del case.query["cursor"]
    if (case.method.upper(), case.path) == ("PUT", "/accounts/password") and isinstance(case.body, dict):
        account = _account("CONTRACT_SESSION_ACCOUNT")
        if account and "current_password" in case.body and not _negative(case, "body"):
            case.body["current_password"] = account[1]


@schemathesis.hook
def after_call(ctx: Any, case: Any, response: Any) -> None:
    if (case.method.upper(), case.path) == ("PUT", "/accounts/password") and response.status_code == 204:
        account = _account("CONTRACT_SESSION_ACCOUNT")
        if account and isinstance(case.body, dict):
            _passwords[account[0]] = str(case.body["new_password"]).strip()


def _negative(case: Any, location: str) -> bool:
    meta = getattr(case, "meta", None)
    if meta is None:
        return False
    return any(
        loc.name.lower() == location and info.mode.is_negative for loc, info in meta.components.items()
    )
