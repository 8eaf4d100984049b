"""Demo data, created through the public API exactly as a user would (register, open the mailed link,
activate, create an organisation, invite, accept), so the demo also proves the journey works."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

DEMO_PASSWORD = "Demo-Passwort-2026"


@dataclass(frozen=True)
class DemoUser:
    role: str
    full_name: str
    email: str
    password: str = DEMO_PASSWORD


ADMIN = DemoUser("organisation admin", "Dr. Anna Schmidt", "anna.schmidt@praxis-schmidt.example")
MEMBER = DemoUser("organisation member", "Jonas Weber", "jonas.weber@praxis-schmidt.example")
AGENT = DemoUser("support agent", "Sabine Support", "sabine@support.example")
ORGANISATION = "Praxis Dr. Schmidt"


class PortalClient:
    """A tiny HTTP client of the portal API, shared by the demo seeding and the e2e tests."""

    def __init__(self, base_url: str, language: str = "de") -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Accept-Language"] = language

    def call(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.session.request(method, f"{self.base_url}{path}", headers=headers, timeout=30, **kwargs)

    def outbox(self) -> dict[str, Any]:
        response = self.call("GET", "/_local/outbox")
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def last_token_for(self, email: str, path_word: str, wait_seconds: float = 15, seen: int = 0) -> str:
        """The token of the newest link containing `path_word` mailed to `email`, among the mails after
        the first `seen` of that address. Some mails are sent asynchronously (registration, password
        reset), so this waits for the mail as a person would."""
        deadline = time.monotonic() + wait_seconds
        while True:
            mails = [m for m in self.outbox()["mails"] if m["to"] == email][seen:]
            for mail in reversed(mails):
                for link in mail["links"]:
                    parts = urlsplit(link)
                    if path_word in parts.path and parts.fragment.startswith("token="):
                        return parts.fragment[len("token=") :]
            if time.monotonic() > deadline:
                raise LookupError(f"no {path_word} link mailed to that address")
            time.sleep(0.1)  # a real asynchronous flow (SQS -> worker -> SES) on the local stack

    def register_and_activate(self, user: DemoUser) -> dict[str, Any]:
        response = self.call(
            "POST",
            "/accounts/registrations",
            json={
                "full_name": user.full_name,
                "email": user.email,
                "privacy_consent": {"accepted": True, "version": "2026-05"},
            },
        )
        response.raise_for_status()
        token = self.last_token_for(user.email, "aktivieren")
        activated = self.call(
            "POST", "/accounts/activation", json={"token": token, "password": user.password}
        )
        activated.raise_for_status()
        tokens: dict[str, Any] = activated.json()
        return tokens

    def sign_in(self, user: DemoUser) -> dict[str, Any]:
        response = self.call(
            "POST", "/accounts/sessions", json={"email": user.email, "password": user.password}
        )
        response.raise_for_status()
        tokens: dict[str, Any] = response.json()
        return tokens


def seed(api_url: str, cognito: Any, user_pool_id: str) -> list[DemoUser]:
    client = PortalClient(api_url)
    admin_tokens = client.register_and_activate(ADMIN)
    created = client.call("POST", "/organisations", admin_tokens["access_token"], json={"name": ORGANISATION})
    created.raise_for_status()
    org_id = created.json()["id"]
    invited = client.call(
        "POST",
        f"/organisations/{org_id}/invitations",
        admin_tokens["access_token"],
        json={"email": MEMBER.email, "role": "member"},
    )
    invited.raise_for_status()
    invitation_token = client.last_token_for(MEMBER.email, "einladung")
    member_tokens = client.register_and_activate(MEMBER)
    client.call(
        "POST", "/invitations/accept", member_tokens["access_token"], json={"token": invitation_token}
    ).raise_for_status()
    client.register_and_activate(AGENT)
    cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=AGENT.email, GroupName="agents")
    from infra.local import kb_demo

    kb_demo.seed(client, client.sign_in(AGENT)["access_token"])
    client.call(
        "POST",
        "/tickets",
        member_tokens["access_token"],
        json={
            "request_type": "bug_report",
            "subject": "Keine SMS bei Online-Buchungen",
            "description": "Seit Montag bekommen wir keine SMS mehr, wenn Patienten online einen Termin buchen.",
            "fields": {"module": "notifications"},
        },
    ).raise_for_status()
    return [ADMIN, MEMBER, AGENT]
