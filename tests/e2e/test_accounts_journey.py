"""A new user's journey with curl-like HTTP calls against the running local stack, and the stack's
own promises: demo logins, JWT checks where the template puts the authorizer, Ctrl-C, restart."""

from __future__ import annotations

import uuid

import requests

from infra.local.demo import ADMIN, AGENT, MEMBER, PortalClient
from tests.e2e.conftest import RunningStack

PASSWORD = "Mein-Neues-Konto-1"


def test_demo_logins_are_printed_and_work(stack: RunningStack) -> None:
    printed = "".join(stack.output)
    client = PortalClient(stack.url)
    for user in (ADMIN, MEMBER, AGENT):
        assert user.email in printed
        tokens = client.sign_in(user)
        me = client.call("GET", "/accounts/me", tokens["access_token"]).json()
        assert me["email"] == user.email
    admin_me = client.call("GET", "/accounts/me", client.sign_in(ADMIN)["access_token"]).json()
    assert admin_me["organisation"]["role"] == "admin"
    demo_tickets = client.call("GET", "/agent/tickets", client.sign_in(AGENT)["access_token"]).json()["items"]
    assert "Keine SMS bei Online-Buchungen" in [t["subject"] for t in demo_tickets]


def test_register_activate_organise_invite_accept_list(stack: RunningStack) -> None:
    client = PortalClient(stack.url)
    first = f"praxis-{uuid.uuid4().hex[:8]}@example.com"
    second = f"kollegin-{uuid.uuid4().hex[:8]}@example.com"

    registered = client.call(
        "POST",
        "/accounts/registrations",
        json={
            "full_name": "Dr. Eva Neu",
            "email": first,
            "privacy_consent": {"accepted": True, "version": "2026-05"},
        },
    )
    assert registered.status_code == 202
    token = client.last_token_for(first, "aktivieren")
    activated = client.call("POST", "/accounts/activation", json={"token": token, "password": PASSWORD})
    assert activated.status_code == 200
    signed_in = client.call("POST", "/accounts/sessions", json={"email": first, "password": PASSWORD})
    assert signed_in.status_code == 200
    access = signed_in.json()["access_token"]

    organisation = client.call("POST", "/organisations", access, json={"name": "Praxis Neu"})
    assert organisation.status_code == 201
    org_id = organisation.json()["id"]
    invited = client.call("POST", f"/organisations/{org_id}/invitations", access, json={"email": second})
    assert invited.status_code == 201
    invitation_token = client.last_token_for(second, "einladung")

    client.call(
        "POST",
        "/accounts/registrations",
        json={
            "full_name": "Mia Kollegin",
            "email": second,
            "privacy_consent": {"accepted": True, "version": "2026-05"},
        },
    )
    second_tokens = client.call(
        "POST",
        "/accounts/activation",
        json={"token": client.last_token_for(second, "aktivieren"), "password": PASSWORD},
    ).json()
    accepted = client.call(
        "POST", "/invitations/accept", second_tokens["access_token"], json={"token": invitation_token}
    )
    assert accepted.status_code == 200

    members = client.call("GET", f"/organisations/{org_id}/members", access)
    assert members.status_code == 200
    assert sorted(m["email"] for m in members.json()["items"]) == sorted([first, second])


def test_the_authorizer_refuses_missing_forged_and_foreign_tokens(stack: RunningStack) -> None:
    client = PortalClient(stack.url)
    access = client.sign_in(ADMIN)["access_token"]
    header, payload, signature = access.split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    for token in (None, "not-a-jwt", forged):
        response = client.call("GET", "/accounts/me", token)
        assert response.status_code == 401
        assert response.json() == {"message": "Unauthorized"}
    assert client.call("GET", "/accounts/health").json() == {"status": "ok"}


def test_outbox_swagger_and_openapi_are_served(stack: RunningStack) -> None:
    assert requests.get(f"{stack.url}/openapi.json", timeout=10).json()["paths"]["/organisations"]
    docs = requests.get(f"{stack.url}/docs", timeout=10)
    assert docs.status_code == 200
    assert "swagger-ui-bundle.js" in docs.text
    assert requests.get(f"{stack.url}/docs/swagger-ui-bundle.js", timeout=10).status_code == 200
    mails = requests.get(f"{stack.url}/_local/outbox", timeout=10).json()["mails"]
    assert any(
        m["to"] == ADMIN.email and m["subject"] == "Bitte bestätigen Sie Ihre Registrierung" for m in mails
    )


def test_ctrl_c_stops_everything_and_a_second_start_works(stack: RunningStack) -> None:
    stopped = stack.process
    stack.restart()  # asserts the Ctrl-C exit code
    assert stopped.poll() == 0
    assert requests.get(f"{stack.url}/accounts/health", timeout=10).json() == {"status": "ok"}
    PortalClient(stack.url).sign_in(ADMIN)


def test_a_google_sign_in_on_the_running_stack_completes_its_profile_or_joins_the_account(
    stack: RunningStack,
) -> None:
    from infra.local.demo import MEMBER

    client = PortalClient(stack.url)
    address = f"google-{uuid.uuid4().hex[:8]}@praxis-neu.example"
    signed_in = client.call(
        "POST",
        "/_local/federated-sign-in",
        json={"provider": "Google", "email": address, "name": "Eva Google"},
    )
    assert signed_in.status_code == 200, signed_in.text
    token = signed_in.json()["access_token"]
    refused = client.call("GET", "/accounts/me", token)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "profile_incomplete")
    completed = client.call(
        "POST",
        "/accounts/me/profile",
        token,
        json={"full_name": "Eva Google", "privacy_consent": {"accepted": True, "version": "2026-05"}},
    )
    assert completed.status_code == 201, completed.text
    assert client.call("GET", "/accounts/me", token).json()["email"] == address

    linked = client.call(
        "POST", "/_local/federated-sign-in", json={"provider": "Google", "email": MEMBER.email}
    )
    me = client.call("GET", "/accounts/me", linked.json()["access_token"]).json()
    assert (linked.json()["linked"], me["email"]) == (True, MEMBER.email)  # one account, not two
