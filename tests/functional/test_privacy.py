"""Export and erasure through the accounts API and every domain's queue, on DynamoDB Local and moto:
the rules route the requests, each domain's function does its part and answers, accounts keeps the
state. Failure paths: re-authentication, the last admin, a domain that never answers (asked again by
the schedule), an export that cannot finish. The whole journey with the leftover scan runs on the local
stack (tests/e2e/test_privacy_journey.py)."""

from __future__ import annotations

from typing import Any

import pytest

from infra.local.delivery import sqs_event
from infra.local.lambda_runtime import LocalContext
from tests.conftest import REGION
from tests.functional.conftest import PASSWORD, AccountsDriver, anonymous_body, submit
from tests.functional.test_inbox import drain

# queue -> the function that reads it
QUEUES = {
    "AccountsAuditQueue": ("accounts.worker", "AccountsWorkerFunction"),
    "TicketsEventsQueue": ("tickets.consumer", "TicketsEventsFunction"),
    "InboxEventsQueue": ("inbox.consumer", "InboxConsumerFunction"),
    "AppointmentEventsQueue": ("notifications.consumer", "NotificationsConsumerFunction"),
    "KbChangesQueue": ("kb.indexer", "KbIndexerFunction"),
    "RealtimeEventsQueue": ("realtime.push", "RealtimePushFunction"),
}


class Domains:
    """The privacy requests' way through the bus: every queue a rule fills, and its function."""

    def __init__(self, accounts: AccountsDriver) -> None:
        self.sqs = accounts.aws.client("sqs")
        self.resolver = accounts.aws.resolver
        for queue in QUEUES:
            drain(self.sqs, self.resolver.physical_ids[queue])

    def deliver(self, queue: str) -> int:
        """Runs the queue's function on what waits there; returns how many messages it took."""
        import importlib

        module, function = QUEUES[queue]
        url = self.resolver.physical_ids[queue]
        got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            return 0
        handler = importlib.import_module(module).handler
        result = handler(
            sqs_event(got, self.resolver.attributes[queue]["Arn"], REGION), LocalContext(function, "p")
        )
        failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}
        assert not failed, f"{queue}: {failed}"
        for message in got:
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return len(got)

    def lose(self, queue: str) -> None:
        """What a domain that fails until its queue gives up leaves behind: nothing done."""
        drain(self.sqs, self.resolver.physical_ids[queue])

    def settle(self, skip: tuple[str, ...] = ()) -> None:
        """Delivers until every queue is empty (a domain's answer goes to accounts' queue)."""
        for _ in range(10):
            moved = sum(self.deliver(q) for q in QUEUES if q not in skip)
            for queue in skip:
                self.lose(queue)
            if not moved:
                return
        raise AssertionError("the queues did not settle")


@pytest.fixture
def domains(accounts: AccountsDriver) -> Domains:
    return Domains(accounts)


def erase_me(accounts: AccountsDriver, who: Any, **body: Any) -> Any:
    return accounts.call(
        "POST", "/accounts/me/erasure", token=who.access_token, json_body={"confirm": True, **body}
    )


def state(accounts: AccountsDriver, agent: Any, erasure_id: str) -> dict[str, Any]:
    shown = accounts.call("GET", f"/agent/erasures/{erasure_id}", token=agent.access_token)
    assert shown.status == 200, shown.body
    return dict(shown.body)


def test_an_erased_member_is_out_at_once_and_every_domain_confirms(
    accounts: AccountsDriver, people: dict[str, Any], domains: Domains
) -> None:
    person, admin, agent = accounts.account("weg", "Wiebke Weg"), people["admin"], people["agent"]
    colleague, outsider = people["colleague"], people["outsider"]
    accounts.join(admin, people["org_id"], person)
    ticket = submit(accounts, person, cc=["kopie@praxis-extern.example", colleague.email, outsider.email])
    domains.settle()  # the copies' inboxes get "Wiebke Weg hat Sie in Kopie gesetzt"

    def named(who: Any) -> list[str]:
        items = accounts.call("GET", "/inbox", token=who.access_token).body["items"]
        return [m["subject"] + m["body"] for m in items if "Wiebke Weg" in m["subject"] + m["body"]]

    assert named(colleague) and named(outsider)

    erased = erase_me(accounts, person, password=PASSWORD)
    assert erased.status == 202, erased.body
    assert erased.body["status"] == "in_progress"
    assert accounts.mails_to(person.email)[-1]["subject"] == "Ihre Daten werden gelöscht"
    assert accounts.call("GET", "/accounts/me", token=person.access_token).status in (401, 404)
    signed_in = accounts.call(
        "POST", "/accounts/sessions", json_body={"email": person.email, "password": PASSWORD}
    )
    assert signed_in.status == 401
    refreshed = accounts.call(
        "POST", "/accounts/sessions/refresh", json_body={"refresh_token": person.refresh_token}
    )
    assert refreshed.status == 401  # was a 500 (probe): the pool forgot the user, not its tokens
    members = accounts.call("GET", f"/organisations/{people['org_id']}/members", token=admin.access_token)
    assert person.email not in [m["email"] for m in members.body["items"]]

    domains.settle()
    assert named(colleague) == named(outsider) == []  # in the organisation and beyond
    done = state(accounts, agent, erased.body["id"])
    assert (done["status"], done["parts_missing"]) == ("completed", [])
    assert set(done["parts_confirmed"]) == {"accounts", "tickets", "inbox", "notifications", "kb", "realtime"}
    kept = accounts.call("GET", f"/tickets/{ticket['id']}", token=admin.access_token).body
    assert (kept["requester"]["full_name"], kept["requester"]["email"]) == ("Gelöschte Person", None)
    acts = accounts.call("GET", f"/agent/users/{person.user_id}/audit", token=agent.access_token).body
    assert [a["act"] for a in acts["items"]][-2:] == ["erasure_requested", "erasure_completed"]

    from accounts.store import AccountsStore

    store = AccountsStore(
        accounts.aws.client("dynamodb"), accounts.aws.resolver.physical_ids["AccountsTable"]
    )
    record = store.get_erasure(erased.body["id"])
    assert record is not None and (record.email, record.user_id, record.full_name) == (None, None, None)

    again = accounts.call(
        "POST", "/agent/erasures", token=agent.access_token, json_body={"email": person.email}
    )
    assert again.status == 202  # idempotent: the address alone, nothing left to find
    domains.settle()
    assert state(accounts, agent, again.body["id"])["status"] == "completed"


def test_the_last_admin_hands_over_first_and_a_sole_admin_may_go(
    accounts: AccountsDriver, people: dict[str, Any], domains: Domains
) -> None:
    admin, colleague = people["admin"], people["colleague"]
    refused = erase_me(accounts, admin, password=PASSWORD)
    assert (refused.status, refused.error["code"]) == (409, "hand_over_first")
    promoted = accounts.call(
        "PATCH",
        f"/organisations/{people['org_id']}/members/{colleague.user_id}",
        token=admin.access_token,
        json_body={"role": "admin"},
    )
    assert promoted.status == 200
    assert erase_me(accounts, admin, password=PASSWORD).status == 202
    assert erase_me(accounts, people["outsider"], password=PASSWORD).status == 202  # the only member
    domains.settle()


def test_erasure_needs_the_password_again_or_a_fresh_provider_sign_in(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    person = people["colleague"]
    wrong = erase_me(accounts, person, password="Falsch-1234")
    assert (wrong.status, wrong.error["code"]) == (403, "reauthentication_required")
    assert erase_me(accounts, person).error["code"] == "reauthentication_required"
    unconfirmed = accounts.call(
        "POST", "/accounts/me/erasure", token=person.access_token, json_body={"password": PASSWORD}
    )
    assert unconfirmed.status == 422 and set(unconfirmed.error["fields"]) == {"confirm"}
    for almost in (1, 1.0, "true", False):  # only true confirms (1 erased an account: outside probe)
        lax = accounts.call(
            "POST",
            "/accounts/me/erasure",
            token=person.access_token,
            json_body={"password": PASSWORD, "confirm": almost},
        )
        assert lax.status == 422 and set(lax.error["fields"]) == {"confirm"}, almost
    assert accounts.call("GET", "/accounts/me", token=person.access_token).status == 200
    for _ in range(3):  # five tries an hour: a stolen access token is no way to guess the password
        erase_me(accounts, person, password="Falsch-1234")
    throttled = erase_me(accounts, person, password=PASSWORD)
    assert throttled.status == 429


def test_a_domain_that_never_answered_is_asked_again_until_it_confirms(
    accounts: AccountsDriver, people: dict[str, Any], domains: Domains
) -> None:
    from accounts.worker import handler as worker

    person, agent = accounts.account("spaet", "Sven Spät"), people["agent"]
    accounts.join(people["admin"], people["org_id"], person)
    submit(accounts, person)
    erased = erase_me(accounts, person, password=PASSWORD)
    domains.settle(skip=("TicketsEventsQueue",))  # the tickets' part failed until its queue gave up
    waiting = state(accounts, agent, erased.body["id"])
    assert (waiting["status"], waiting["parts_missing"]) == ("in_progress", ["tickets"])

    worker({}, LocalContext("AccountsWorkerFunction", "s"))  # too early: nothing asked again
    assert domains.deliver("TicketsEventsQueue") == 0
    accounts.clock.advance(minutes=16)
    # this one, and any other test's erasure left running in the same table
    assert worker({}, LocalContext("AccountsWorkerFunction", "s"))["asked_again"] >= 1
    domains.settle()
    assert state(accounts, agent, erased.body["id"])["status"] == "completed"
    mine = accounts.call(
        "GET",
        "/tickets",
        token=people["admin"].access_token,
        query={"status": "all", "scope": "organisation"},
    )
    assert "Gelöschte Person" in [t["requester"]["full_name"] for t in mine.body["items"]]


def test_an_export_that_cannot_finish_says_so(
    accounts: AccountsDriver, people: dict[str, Any], domains: Domains
) -> None:
    person = people["colleague"]
    asked = accounts.call("POST", "/accounts/me/exports", token=person.access_token)
    assert asked.status == 202 and asked.body["status"] == "pending"
    domains.settle(skip=("KbChangesQueue",))
    path = f"/accounts/me/exports/{asked.body['id']}"
    pending = accounts.call("GET", path, token=person.access_token).body
    assert (pending["status"], pending["parts_missing"], pending["download_url"]) == ("pending", ["kb"], None)
    accounts.clock.advance(hours=2)
    failed = accounts.call("GET", path, token=person.access_token).body
    assert (failed["status"], failed["parts_missing"]) == ("failed", ["kb"])
    other = accounts.call("GET", path, token=people["admin"].access_token)
    assert other.status == 404  # someone else's export is not there for anyone else


def test_an_address_without_account_is_erased_on_an_agents_request(
    accounts: AccountsDriver, people: dict[str, Any], domains: Domains
) -> None:
    address = accounts.new_email("anonym")
    submitted = accounts.call("POST", "/tickets/anonymous", json_body=anonymous_body(email=address))
    assert submitted.status == 202, submitted.body
    agent = people["agent"]
    listed = accounts.call("GET", "/agent/tickets", token=agent.access_token, query={"status": "all"}).body
    ticket_id = next(t["id"] for t in listed["items"] if t["case_number"] == submitted.body["case_number"])
    erased = accounts.call("POST", "/agent/erasures", token=agent.access_token, json_body={"email": address})
    assert erased.status == 202 and erased.body["requested_by"] == "agent"
    domains.settle()
    assert state(accounts, agent, erased.body["id"])["status"] == "completed"
    assert accounts.call("GET", f"/tickets/{ticket_id}", token=agent.access_token).status == 404
    listed = accounts.call("GET", "/agent/erasures", token=agent.access_token).body
    assert erased.body["id"] in [e["id"] for e in listed["items"]]


def test_a_provider_account_confirms_with_a_fresh_sign_in(
    accounts: AccountsDriver, people: dict[str, Any], domains: Domains, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from accounts import privacy as use_cases
    from tests.functional.test_federation import CONSENT, provider_sign_in

    token = provider_sign_in(accounts, accounts.new_email("google"))["access_token"]
    completed = accounts.call(
        "POST",
        "/accounts/me/profile",
        token=token,
        json_body={"full_name": "Eva Google", "privacy_consent": CONSENT},
    )
    assert completed.status == 201, completed.body
    later = time.time() + 11 * 60  # the sign-in is more than 10 minutes old
    monkeypatch.setattr(use_cases.time, "time", lambda: later)
    stale = accounts.call("POST", "/accounts/me/erasure", token=token, json_body={"confirm": True})
    assert (stale.status, stale.error["code"]) == (403, "reauthentication_required")
    monkeypatch.undo()
    fresh = accounts.call("POST", "/accounts/me/erasure", token=token, json_body={"confirm": True})
    assert fresh.status == 202, fresh.body
    # a first sign-in that never completed its profile can leave too (was 403 profile_incomplete: probe)
    never = provider_sign_in(accounts, accounts.new_email("halb"))["access_token"]
    left = accounts.call("POST", "/accounts/me/erasure", token=never, json_body={"confirm": True})
    assert left.status == 202, left.body
    assert accounts.call("GET", "/accounts/me", token=never).status == 401
    domains.settle()
    assert state(accounts, people["agent"], fresh.body["id"])["status"] == "completed"


def test_an_erased_persons_live_connections_end(
    accounts: AccountsDriver, people: dict[str, Any], domains: Domains, monkeypatch: pytest.MonkeyPatch
) -> None:
    from realtime import dependencies
    from tests.functional.test_realtime import open_connection

    monkeypatch.setenv("REALTIME_ENDPOINT", accounts.aws.moto_endpoint)
    dependencies.push_service.reset()
    person = accounts.account("live", "Lena Live")
    accounts.join(people["admin"], people["org_id"], person)
    assert open_connection(accounts, person.access_token, "erased-tab") == 200
    assert dependencies.push_service().store.of_user(person.user_id)
    erased = erase_me(accounts, person, password=PASSWORD)
    domains.settle()
    assert dependencies.push_service().store.of_user(person.user_id) == []
    assert "realtime" in state(accounts, people["agent"], erased.body["id"])["parts_confirmed"]
    dependencies.push_service.reset()
