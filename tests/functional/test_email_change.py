"""Changing the e-mail address: a link to the new address, a notice to the current one, nothing changes
until the link is opened; then the profile, the membership, the sign-in and the person's requests all
use the new address; the address stays unique; a link works once."""

from __future__ import annotations

from typing import Any

from tests.functional.conftest import PASSWORD, AccountsDriver, submit
from tests.functional.test_mail_requests import TicketEvents


def test_a_new_address_counts_only_once_confirmed_and_follows_everywhere(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    tickets_events = TicketEvents(accounts)
    person = accounts.registered_account("wechsel")
    org_admin = people["admin"]
    accounts.join(org_admin, people["org_id"], person)
    ticket = submit(accounts, person)
    new = accounts.new_email("neu")

    same = accounts.call(
        "POST", "/accounts/me/email", token=person.access_token, json_body={"email": person.email}
    )
    assert set(same.error["fields"]) == {"email"}
    asked = accounts.call("POST", "/accounts/me/email", token=person.access_token, json_body={"email": new})
    assert asked.status == 202
    assert accounts.mails_to(person.email)[-1]["subject"] == "Änderung Ihrer E-Mail-Adresse angefragt"
    assert accounts.call("GET", "/accounts/me", token=person.access_token).body["email"] == person.email

    token = accounts.token_from_mail(new, "email-bestaetigen")
    confirmed = accounts.call("POST", "/accounts/email/confirmation", json_body={"token": token})
    assert (confirmed.status, confirmed.body["email"]) == (200, new)
    again = accounts.call("POST", "/accounts/email/confirmation", json_body={"token": token})
    assert again.status == 400  # a link works once

    assert accounts.call("GET", "/accounts/me", token=person.access_token).body["email"] == new
    members = accounts.call(
        "GET", f"/organisations/{people['org_id']}/members", token=org_admin.access_token
    ).body
    assert new in [m["email"] for m in members["items"]]
    signed_in = accounts.call("POST", "/accounts/sessions", json_body={"email": new, "password": PASSWORD})
    assert signed_in.status == 200
    assert tickets_events.deliver() == []
    shown = accounts.call("GET", f"/tickets/{ticket['id']}", token=people["agent"].access_token).body
    assert shown["requester"]["email"] == new


def test_an_address_another_account_has_is_refused_when_the_link_is_opened(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    person, other = accounts.registered_account("eins"), people["colleague"]
    asked = accounts.call(
        "POST", "/accounts/me/email", token=person.access_token, json_body={"email": other.email}
    )
    assert asked.status == 202  # the same answer: whether an address has an account is not told here
    token = accounts.token_from_mail(other.email, "email-bestaetigen")
    refused = accounts.call("POST", "/accounts/email/confirmation", json_body={"token": token})
    assert refused.status == 409
    assert accounts.call("GET", "/accounts/me", token=person.access_token).body["email"] == person.email


def test_the_audit_trail_keeps_the_acts_without_content(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    from accounts.worker import handler
    from infra.local.delivery import sqs_event
    from infra.local.lambda_runtime import LocalContext
    from tests.conftest import REGION
    from tests.functional.test_inbox import drain

    sqs = accounts.aws.client("sqs")
    url = accounts.aws.resolver.physical_ids["AccountsAuditQueue"]
    arn = accounts.aws.resolver.attributes["AccountsAuditQueue"]["Arn"]
    drain(sqs, url)
    person = accounts.registered_account("audit")
    new = accounts.new_email("audit-neu")
    accounts.call("POST", "/accounts/me/email", token=person.access_token, json_body={"email": new})
    token = accounts.token_from_mail(new, "email-bestaetigen")
    accounts.call("POST", "/accounts/email/confirmation", json_body={"token": token})
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    result = handler(sqs_event(got + got, arn, REGION), LocalContext("AccountsWorkerFunction", "audit"))
    assert result["batchItemFailures"] == []  # a repeat is the same act

    trail = accounts.call("GET", f"/agent/users/{person.user_id}/audit", token=people["agent"].access_token)
    assert [a["act"] for a in trail.body["items"]] == ["email_change_requested", "email_changed"]
    assert new not in str(trail.body) and person.email not in str(trail.body)
    own = accounts.call("GET", f"/agent/users/{person.user_id}/audit", token=person.access_token)
    assert own.status == 403


def test_a_password_change_or_a_newer_change_voids_a_pending_link(accounts: AccountsDriver) -> None:
    """Found by an outside probe: the notice says "change your password"; that must stop the change."""
    person = accounts.registered_account("vorsicht")
    first, second = accounts.new_email("erst"), accounts.new_email("dann")
    accounts.call("POST", "/accounts/me/email", token=person.access_token, json_body={"email": first})
    accounts.call("POST", "/accounts/me/email", token=person.access_token, json_body={"email": second})
    older, newer = (
        accounts.token_from_mail(first, "email-bestaetigen"),
        accounts.token_from_mail(second, "email-bestaetigen"),
    )
    assert accounts.call("POST", "/accounts/email/confirmation", json_body={"token": newer}).status == 200
    assert accounts.call("POST", "/accounts/email/confirmation", json_body={"token": older}).status == 400

    victim = accounts.registered_account("opfer")
    attacker = accounts.new_email("angreifer")
    accounts.call("POST", "/accounts/me/email", token=victim.access_token, json_body={"email": attacker})
    changed = accounts.call(
        "PUT",
        "/accounts/password",
        token=victim.access_token,
        json_body={"current_password": PASSWORD, "new_password": "Ganz-Neu-Sicher-2027"},
    )
    assert changed.status == 204, changed.body
    late = accounts.call(
        "POST",
        "/accounts/email/confirmation",
        json_body={"token": accounts.token_from_mail(attacker, "email-bestaetigen")},
    )
    assert late.status == 400
    me = accounts.call(
        "POST", "/accounts/sessions", json_body={"email": victim.email, "password": "Ganz-Neu-Sicher-2027"}
    )
    assert me.status == 200  # the address stayed
