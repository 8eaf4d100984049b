"""Fixtures of the functional tier: the accounts handler in-process against DynamoDB Local and moto."""

from __future__ import annotations

import dataclasses
import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from infra.local import outbox
from infra.local.delivery import sqs_event
from infra.local.lambda_runtime import LocalContext
from tests.conftest import REGION, LocalAws
from tests.support.api import ApiResponse, InProcessApi
from tests.support.clock import FrozenClock

PASSWORD = "Richtig-Sicher-2026"
_ips = itertools.count(1)


@dataclass
class Account:
    email: str
    full_name: str
    password: str
    access_token: str
    refresh_token: str
    user_id: str


class AccountsDriver:
    """What a test does with the accounts API, in a user's words."""

    def __init__(self, api: InProcessApi, clock: FrozenClock, aws: LocalAws) -> None:
        self.api = api
        self.clock = clock
        self.aws = aws

    @staticmethod
    def inject(service: str, client: Any) -> None:
        """Replaces one AWS client of the functions (e.g. with a failing wrapper)."""
        from shared import aws, wiring

        aws.override(service, client)
        wiring.rebuild_everywhere()

    def call(self, method: str, path: str, **kwargs: Any) -> ApiResponse:
        return self.api.call(method, path, **kwargs)

    def fetch(self, url: str) -> ApiResponse:
        return self.api.fetch(url)

    @staticmethod
    def new_email(prefix: str = "user") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:10]}@praxis-muster.example"

    def run_account_requests(self) -> tuple[int, int]:
        """Runs the accounts worker once over what the API queued (registrations, reset requests), as
        Lambda would after the answer went out: handled messages are deleted, failed ones come back
        (as after their visibility timeout). Returns (handled, failed)."""
        from accounts.worker import handler

        sqs = self.aws.client("sqs")
        url = self.aws.resolver.physical_ids["AccountRequestsQueue"]
        arn = self.aws.resolver.attributes["AccountRequestsQueue"]["Arn"]
        handled, failed = 0, []
        while got := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]).get(
            "Messages", []
        ):
            result = handler(sqs_event(got, arn, REGION), LocalContext("AccountsWorkerFunction", "batch"))
            failed_ids = {f["itemIdentifier"] for f in result["batchItemFailures"]}
            done = [m for m in got if m["MessageId"] not in failed_ids]
            if done:
                sqs.delete_message_batch(
                    QueueUrl=url,
                    Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
                )
            handled += len(done)
            failed += [m for m in got if m["MessageId"] in failed_ids]
        for message in failed:
            sqs.change_message_visibility(
                QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )
        return handled, len(failed)

    def mails_to(self, email: str) -> list[dict[str, Any]]:
        """What arrived at `email`, once the asynchronous account requests are done."""
        assert self.run_account_requests()[1] == 0, "the accounts worker failed"
        return [m for m in outbox.mails(REGION) if m["to"] == email]

    def token_from_mail(self, email: str, path_word: str) -> str:
        for mail in reversed(self.mails_to(email)):
            for link in mail["links"]:
                parts = urlsplit(link)
                if path_word in parts.path:
                    return parts.fragment.removeprefix("token=")
        raise LookupError(f"no {path_word} link mailed")

    def register(self, email: str, full_name: str = "Dr. Erika Muster") -> ApiResponse:
        return self.call(
            "POST",
            "/accounts/registrations",
            json_body={
                "full_name": full_name,
                "email": email,
                "privacy_consent": {"accepted": True, "version": "2026-05"},
            },
        )

    def registered_account(
        self, prefix: str = "user", full_name: str = "Dr. Erika Muster", email: str | None = None
    ) -> Account:
        """A person who went through registration and activation by mail, as a user does."""
        email = email or self.new_email(prefix)
        assert self.register(email, full_name).status == 202
        token = self.token_from_mail(email, "aktivieren")
        activated = self.call(
            "POST", "/accounts/activation", json_body={"token": token, "password": PASSWORD}
        )
        assert activated.status == 200, activated.body
        me = self.call("GET", "/accounts/me", token=activated.body["access_token"])
        return Account(
            email,
            full_name,
            PASSWORD,
            activated.body["access_token"],
            activated.body["refresh_token"],
            me.body["user_id"],
        )

    def account(self, prefix: str = "user", full_name: str = "Dr. Erika Muster") -> Account:
        """A person who only needs to exist: the user-pool user and the profile are written directly, as
        activation would leave them (no mail, no activation link); signed in with Cognito's tokens.
        Tests about registration and activation use `registered_account`."""
        from accounts.identity_provider import CognitoIdentityProvider
        from accounts.store import AccountsStore, TokenRecord, UserRecord
        from shared.ids import new_token, token_digest

        email = self.new_email(prefix)
        resources = self.aws.resolver.physical_ids
        identity = CognitoIdentityProvider(
            self.aws.client("cognito-idp"), resources["UserPool"], resources["WebClient"]
        )
        store = AccountsStore(self.aws.client("dynamodb"), resources["AccountsTable"])
        user_id = identity.create_user(email, full_name, PASSWORD)
        digest = token_digest(new_token())
        store.put_token(TokenRecord(digest, "activation", 4_000_000_000, {}))
        now = "2026-01-01T00:00:00Z"
        store.create_user(UserRecord(user_id, email, full_name, "de", "2026-05", now, now), digest)
        tokens = identity.sign_in(email, PASSWORD)
        return Account(email, full_name, PASSWORD, tokens.access_token, tokens.refresh_token or "", user_id)

    def seeded_organisation(self, admin: Account, name: str, members: list[Account]) -> str:
        """An organisation that only needs to exist, with its admin and members: written as creating it
        and accepting invitations would leave it (no requests, no mails). Tests about organisations
        use `organisation` and `join`."""
        from accounts.records import MemberRecord, OrganisationRecord
        from accounts.settings import api_settings
        from accounts.store import AccountsStore
        from shared.directory import organisation_key
        from shared.dynamo import to_item
        from shared.ids import new_id

        resources = self.aws.resolver.physical_ids
        store = AccountsStore(self.aws.client("dynamodb"), resources["AccountsTable"])
        now = "2026-01-01T00:00:00Z"
        org = OrganisationRecord(
            new_id(),
            name,
            api_settings().default_licensed_practitioners,
            1 + len(members),
            1,
            now,
            admin.user_id,
        )
        founder = store.get_user(admin.user_id)
        assert founder is not None
        store.create_organisation(dataclasses.replace(org, member_count=1), founder, now)
        for member in members:
            store._run_membership_change(
                [
                    store._member_put(
                        MemberRecord(
                            org.org_id, member.user_id, member.full_name, member.email, "member", now
                        )
                    ),
                    store._profile_join(member.user_id, org.org_id, name, "member"),
                    {
                        "Update": {
                            "TableName": resources["AccountsTable"],
                            "Key": organisation_key(org.org_id),
                            "UpdateExpression": "ADD member_count :one",
                            "ExpressionAttributeValues": to_item({":one": 1}),
                        }
                    },
                ]
            )
        return org.org_id

    def organisation(self, admin: Account, name: str = "Praxis Muster") -> str:
        created = self.call("POST", "/organisations", token=admin.access_token, json_body={"name": name})
        assert created.status == 201, created.body
        return str(created.body["id"])

    def invite(self, admin: Account, org_id: str, email: str, role: str = "member") -> tuple[str, str]:
        """Invites; returns (invitation id, the token from the mailed link)."""
        invited = self.call(
            "POST",
            f"/organisations/{org_id}/invitations",
            token=admin.access_token,
            json_body={"email": email, "role": role},
        )
        assert invited.status == 201, invited.body
        return str(invited.body["id"]), self.token_from_mail(email, "einladung")

    def join(self, admin: Account, org_id: str, member: Account, role: str = "member") -> None:
        _, token = self.invite(admin, org_id, member.email, role)
        accepted = self.call(
            "POST", "/invitations/accept", token=member.access_token, json_body={"token": token}
        )
        assert accepted.status == 200, accepted.body

    def make_agent(self, account: Account) -> Account:
        from accounts.identity_provider import CognitoIdentityProvider

        cognito = self.aws.client("cognito-idp")
        pool = self.aws.resolver.physical_ids["UserPool"]
        cognito.admin_add_user_to_group(UserPoolId=pool, Username=account.email, GroupName="agents")
        identity = CognitoIdentityProvider(cognito, pool, self.aws.resolver.physical_ids["WebClient"])
        tokens = identity.sign_in(account.email, account.password)  # a new token carries the group
        return Account(
            account.email,
            account.full_name,
            account.password,
            tokens.access_token,
            tokens.refresh_token or "",
            account.user_id,
        )


@pytest.fixture
def accounts(local_aws: LocalAws, function_environment: None) -> Iterator[AccountsDriver]:
    from accounts.handler import handler as accounts_handler
    from inbox.handler import handler as inbox_handler
    from kb.handler import handler as kb_handler
    from notifications.handler import handler as notifications_handler
    from realtime.handler import handler as realtime_handler
    from shared import aws, secrets, settings, wiring
    from tickets.handler import handler as tickets_handler

    settings.forget()
    aws.reset()
    secrets.forget()
    clock = FrozenClock()
    wiring.use_clock_everywhere(clock)
    n = next(_ips)
    api = InProcessApi(
        local_aws.resolver,
        {
            "AccountsFunction": accounts_handler,
            "TicketsFunction": tickets_handler,
            "InboxFunction": inbox_handler,
            "NotificationsFunction": notifications_handler,
            "KbFunction": kb_handler,
            "RealtimeFunction": realtime_handler,
        },
        source_ip=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
    )
    try:
        yield AccountsDriver(api, clock, local_aws)
    finally:
        wiring.reset_everywhere()
        aws.reset()


DESCRIPTION = "Seit gestern kommen keine SMS mehr an, wenn Patienten online buchen."


def ticket_body(**overrides: Any) -> dict[str, Any]:
    return {
        "request_type": "bug_report",
        "subject": "SMS-Benachrichtigung fehlt",
        "description": DESCRIPTION,
        "fields": {"module": "notifications"},
        **overrides,
    }


def anonymous_body(**overrides: Any) -> dict[str, Any]:
    return {
        "request_type": "application_help",
        "email": "gast@praxis-gast.example",
        "full_name": "Gerd Gast",
        "company": "Praxis Gast",
        "subject": "Wie lege ich einen Kalender an?",
        "description": "Ich finde die Einstellung für einen zweiten Kalender nicht.",
        "fields": {"topic": "Kalender"},
        "privacy_consent": True,
        **overrides,
    }


@pytest.fixture
def people(accounts: AccountsDriver) -> dict[str, Any]:
    admin = accounts.account("admin", "Dr. Anna Schmidt")
    colleague = accounts.account("colleague", "Jonas Weber")
    org_id = accounts.seeded_organisation(admin, "Praxis Dr. Schmidt", [colleague])
    outsider = accounts.account("outsider", "Olga Außen")
    accounts.seeded_organisation(outsider, "Praxis Anders", [])
    agent = accounts.make_agent(accounts.account("agent", "Sabine Support"))
    return {"admin": admin, "colleague": colleague, "outsider": outsider, "agent": agent, "org_id": org_id}


def submit(accounts: AccountsDriver, who: Account, **overrides: Any) -> dict[str, Any]:
    """A signed-in submission that must succeed; the created ticket."""
    created = accounts.call("POST", "/tickets", token=who.access_token, json_body=ticket_body(**overrides))
    assert created.status == 201, created.body
    return dict(created.body)
