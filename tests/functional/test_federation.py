"""Google and Facebook sign-in: the first sign-in makes a user-pool user and nothing else, so every route
but the profile completion answers 403 `profile_incomplete`; the person completes name and consent and
the account exists. A verified provider address of an existing password account is linked to it (one
account, not two); an unverified one never takes an account over; the pool's own SignUp is refused."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from infra.local.federation import FederatedSignIn
from tests.functional.conftest import AccountsDriver
from tests.functional.test_mail_requests import TicketEvents

CONSENT = {"accepted": True, "version": "2026-05"}


class InProcessTrigger:
    """The pre-sign-up trigger as the local stack invokes it (a FunctionProcess's interface)."""

    logical_id = "AccountsFederationFunction"

    def invoke(self, event: dict[str, Any]) -> tuple[bool, Any]:
        from accounts.federation import handler
        from infra.local.lambda_runtime import LocalContext

        try:
            return True, handler(event, LocalContext(self.logical_id, "t"))
        except Exception as error:  # as Lambda reports a trigger's error to Cognito
            return False, {"errorMessage": str(error)}


def provider_sign_in(accounts: AccountsDriver, email: str, verified: bool = True) -> dict[str, Any]:
    import json

    simulated = FederatedSignIn(accounts.aws.resolver, {"AccountsFederationFunction": InProcessTrigger()})  # type: ignore[dict-item]
    status, _, body = simulated(
        "POST",
        "/_local/federated-sign-in",
        json.dumps(
            {
                "provider": "Google",
                "email": email,
                "email_verified": verified,
                "name": "Eva Google",
                "subject": uuid.uuid4().hex,
            }
        ).encode(),
    )
    assert status == 200, body
    return dict(json.loads(body))


def test_a_first_google_sign_in_completes_the_profile_before_anything_else(accounts: AccountsDriver) -> None:
    tickets_events = TicketEvents(accounts)
    email = accounts.new_email("google")
    anonymous = accounts.call(
        "POST",
        "/tickets/anonymous",
        json_body={
            "request_type": "application_help",
            "email": email,
            "full_name": "Eva Google",
            "company": "Praxis Google",
            "subject": "Vor dem Konto gestellt",
            "description": "Eine Frage, bevor ich ein Konto hatte.",
            "fields": {"topic": "Kalender"},
            "privacy_consent": True,
        },
    )
    assert anonymous.status == 202
    tokens = provider_sign_in(accounts, email)
    token = tokens["access_token"]
    assert tokens["linked"] is False
    for method, path, body in (
        ("GET", "/accounts/me", None),
        ("POST", "/organisations", {"name": "Praxis G"}),
        ("GET", "/tickets", None),
    ):
        refused = accounts.call(method, path, token=token, json_body=body)
        assert (refused.status, refused.error["code"]) == (403, "profile_incomplete"), path
        assert "vervollständigen" in refused.error["message"]
    bad = accounts.call("POST", "/accounts/me/profile", token=token, json_body={"full_name": "E"})
    assert set(bad.error["fields"]) == {"full_name", "privacy_consent"}
    done = accounts.call(
        "POST",
        "/accounts/me/profile",
        token=token,
        json_body={"full_name": "Eva Google", "privacy_consent": CONSENT},
    )
    assert done.status == 201, done.body
    assert (done.body["email"], done.body["full_name"], done.body["privacy_consent_version"]) == (
        email,
        "Eva Google",
        "2026-05",
    )
    assert accounts.call("GET", "/accounts/me", token=token).status == 200
    again = accounts.call(
        "POST",
        "/accounts/me/profile",
        token=token,
        json_body={"full_name": "Eva", "privacy_consent": CONSENT},
    )
    assert again.status == 409
    assert tickets_events.deliver() == []  # the activation proves the address: earlier requests follow
    mine = accounts.call("GET", "/tickets", token=token, query={"status": "all"}).body["items"]
    assert [t["subject"] for t in mine] == ["Vor dem Konto gestellt"]


def test_a_verified_provider_address_of_a_password_account_signs_in_as_that_account(
    accounts: AccountsDriver,
) -> None:
    existing = accounts.registered_account("both")
    tokens = provider_sign_in(accounts, existing.email)
    assert tokens["linked"] is True
    me = accounts.call("GET", "/accounts/me", token=tokens["access_token"])
    assert (me.status, me.body["user_id"]) == (200, existing.user_id)  # one account, not two


def test_an_unverified_provider_address_never_takes_over_an_account(accounts: AccountsDriver) -> None:
    existing = accounts.registered_account("victim")
    tokens = provider_sign_in(accounts, existing.email, verified=False)
    assert tokens["linked"] is False
    token = tokens["access_token"]
    refused = accounts.call(
        "POST",
        "/accounts/me/profile",
        token=token,
        json_body={"full_name": "Mallory", "privacy_consent": CONSENT},
    )
    assert (refused.status, refused.error["code"]) == (403, "forbidden")
    assert "nicht bestätigt" in refused.error["message"]
    stranger = provider_sign_in(accounts, accounts.new_email("unverified"), verified=False)
    unverified = accounts.call(
        "POST",
        "/accounts/me/profile",
        token=stranger["access_token"],
        json_body={"full_name": "Nobody", "privacy_consent": CONSENT},
    )
    assert unverified.status == 403


def test_the_pools_own_sign_up_is_refused_and_password_accounts_cannot_complete(
    accounts: AccountsDriver,
) -> None:
    from accounts.federation import SelfSignUpRefused, link

    with pytest.raises(SelfSignUpRefused):
        link(accounts.aws.client("cognito-idp"), {"triggerSource": "PreSignUp_SignUp", "userPoolId": "x"})
    person = accounts.account("native")
    complete = accounts.call(
        "POST",
        "/accounts/me/profile",
        token=person.access_token,
        json_body={"full_name": "X Y", "privacy_consent": CONSENT},
    )
    assert complete.status == 409  # a profile exists
    assert accounts.call("GET", "/accounts/providers").body == {"items": [], "next_cursor": None}


def test_a_provider_user_never_blocks_the_owner_of_the_address(accounts: AccountsDriver) -> None:
    """Found by an outside probe: an unverified (or unfinished) provider sign-in with someone's address
    made that person's registration fail. A provider's user is not found by the address (as in AWS)."""
    address = accounts.new_email("owner")
    provider_sign_in(accounts, address, verified=False)
    owner = accounts.registered_account(full_name="Olga Owner", email=address)
    assert accounts.call("GET", "/accounts/me", token=owner.access_token).body["email"] == address
