"""Sign-in, refresh, sign-out, forgotten and changed passwords, and the profile."""

from __future__ import annotations

import pytest

from tests.functional.conftest import PASSWORD, Account, AccountsDriver
from tests.support.aws_calls import count_aws_calls

NEW_PASSWORD = "Ganz-Neu-Passwort-7"


def test_wrong_password_and_unknown_address_get_the_same_answer(accounts: AccountsDriver) -> None:
    known = accounts.account()
    wrong = accounts.call(
        "POST", "/accounts/sessions", json_body={"email": known.email, "password": "Falsch-123456"}
    )
    unknown = accounts.call(
        "POST", "/accounts/sessions", json_body={"email": accounts.new_email(), "password": "Falsch-123456"}
    )
    assert wrong.status == unknown.status == 401
    assert wrong.body == unknown.body
    assert wrong.error["message"] == "E-Mail-Adresse oder Passwort ist falsch."


def test_refresh_gives_new_tokens_and_sign_out_ends_them(accounts: AccountsDriver) -> None:
    user = accounts.account()
    refreshed = accounts.call(
        "POST", "/accounts/sessions/refresh", json_body={"refresh_token": user.refresh_token}
    )
    assert refreshed.status == 200
    assert refreshed.body["access_token"]

    assert accounts.call("DELETE", "/accounts/sessions", token=user.access_token).status == 204

    after = accounts.call(
        "POST", "/accounts/sessions/refresh", json_body={"refresh_token": user.refresh_token}
    )
    assert after.status == 401
    assert after.error["code"] == "unauthorized"


def test_changing_the_password_ends_every_session(accounts: AccountsDriver) -> None:
    user = accounts.account()
    other_device = accounts.call(
        "POST", "/accounts/sessions", json_body={"email": user.email, "password": PASSWORD}
    )

    changed = accounts.call(
        "PUT",
        "/accounts/password",
        token=user.access_token,
        json_body={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )

    assert changed.status == 204
    for refresh_token in (user.refresh_token, other_device.body["refresh_token"]):
        refused = accounts.call(
            "POST", "/accounts/sessions/refresh", json_body={"refresh_token": refresh_token}
        )
        assert refused.status == 401
    old = accounts.call("POST", "/accounts/sessions", json_body={"email": user.email, "password": PASSWORD})
    new = accounts.call(
        "POST", "/accounts/sessions", json_body={"email": user.email, "password": NEW_PASSWORD}
    )
    assert (old.status, new.status) == (401, 200)
    assert accounts.mails_to(user.email)[-1]["subject"] == "Ihr Passwort wurde geändert"


def test_changing_the_password_needs_the_current_one(accounts: AccountsDriver) -> None:
    user = accounts.account()
    refused = accounts.call(
        "PUT",
        "/accounts/password",
        token=user.access_token,
        json_body={"current_password": "Nicht-Meins-99", "new_password": NEW_PASSWORD},
    )
    assert refused.status == 422
    assert refused.error["fields"] == {"current_password": "Das aktuelle Passwort ist falsch."}
    still = accounts.call(
        "POST", "/accounts/sessions/refresh", json_body={"refresh_token": user.refresh_token}
    )
    assert still.status == 200


def test_forgot_password_answers_the_same_and_mails_only_known_addresses(accounts: AccountsDriver) -> None:
    user = accounts.account()
    stranger = accounts.new_email()
    for_user = accounts.call("POST", "/accounts/password/forgot", json_body={"email": user.email})
    for_stranger = accounts.call("POST", "/accounts/password/forgot", json_body={"email": stranger})
    assert for_user.status == for_stranger.status == 202
    assert for_user.body == for_stranger.body
    assert accounts.mails_to(stranger) == []
    assert accounts.mails_to(user.email)[-1]["subject"] == "Passwort zurücksetzen"


def test_reset_link_sets_a_new_password_once_and_ends_sessions(accounts: AccountsDriver) -> None:
    user = accounts.account()
    accounts.call("POST", "/accounts/password/forgot", json_body={"email": user.email})
    token = accounts.token_from_mail(user.email, "passwort-neu")

    reset = accounts.call(
        "POST", "/accounts/password/reset", json_body={"token": token, "password": NEW_PASSWORD}
    )
    reused = accounts.call(
        "POST", "/accounts/password/reset", json_body={"token": token, "password": NEW_PASSWORD}
    )

    assert reset.status == 204
    assert reused.status == 400
    assert reused.error["code"] == "link_invalid"
    signed_in = accounts.call(
        "POST", "/accounts/sessions", json_body={"email": user.email, "password": NEW_PASSWORD}
    )
    assert signed_in.status == 200
    old_session = accounts.call(
        "POST", "/accounts/sessions/refresh", json_body={"refresh_token": user.refresh_token}
    )
    assert old_session.status == 401


def test_reset_link_expires_after_an_hour(accounts: AccountsDriver) -> None:
    user = accounts.account()
    accounts.call("POST", "/accounts/password/forgot", json_body={"email": user.email})
    token = accounts.token_from_mail(user.email, "passwort-neu")
    accounts.clock.advance(minutes=61)
    late = accounts.call(
        "POST", "/accounts/password/reset", json_body={"token": token, "password": NEW_PASSWORD}
    )
    assert late.status == 400
    signed_in = accounts.call(
        "POST", "/accounts/sessions", json_body={"email": user.email, "password": PASSWORD}
    )
    assert signed_in.status == 200


def test_an_activation_link_is_no_reset_link(accounts: AccountsDriver) -> None:
    email = accounts.new_email()
    accounts.register(email)
    activation = accounts.token_from_mail(email, "aktivieren")
    misused = accounts.call(
        "POST", "/accounts/password/reset", json_body={"token": activation, "password": NEW_PASSWORD}
    )
    assert misused.status == 400


def test_profile_changes_name_and_language_only(accounts: AccountsDriver) -> None:
    user = accounts.account()
    changed = accounts.call(
        "PATCH",
        "/accounts/me",
        token=user.access_token,
        json_body={"full_name": "Dr. Erika Neu", "language": "en"},
    )
    assert changed.status == 200
    assert (changed.body["full_name"], changed.body["language"]) == ("Dr. Erika Neu", "en")
    assert accounts.call("GET", "/accounts/me", token=user.access_token).body["full_name"] == "Dr. Erika Neu"

    refused = accounts.call(
        "PATCH", "/accounts/me", token=user.access_token, json_body={"email": "x@y.example", "language": "fr"}
    )
    assert refused.status == 422
    assert set(refused.error["fields"]) == {"email", "language"}
    assert accounts.call("GET", "/accounts/me", token=user.access_token).body["email"] == user.email


def test_mails_follow_the_users_language(accounts: AccountsDriver) -> None:
    user = accounts.account()
    accounts.call("PATCH", "/accounts/me", token=user.access_token, json_body={"language": "en"})
    accounts.call("POST", "/accounts/password/forgot", json_body={"email": user.email})
    assert accounts.mails_to(user.email)[-1]["subject"] == "Reset your password"


def _act(accounts: AccountsDriver, act: str, user: Account) -> None:
    if act == "sign_out":
        assert accounts.call("DELETE", "/accounts/sessions", token=user.access_token).status == 204
    elif act == "change_password":
        changed = accounts.call(
            "PUT",
            "/accounts/password",
            token=user.access_token,
            json_body={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        )
        assert changed.status == 204
    else:
        accounts.call("POST", "/accounts/password/forgot", json_body={"email": user.email})
        token = accounts.token_from_mail(user.email, "passwort-neu")
        reset = accounts.call(
            "POST", "/accounts/password/reset", json_body={"token": token, "password": NEW_PASSWORD}
        )
        assert reset.status == 204


@pytest.mark.parametrize("act", ["sign_out", "change_password", "reset_password"])
def test_the_access_token_is_refused_right_after_the_session_ends(accounts: AccountsDriver, act: str) -> None:
    user = accounts.account()
    reads = ["/accounts/me", "/tickets", "/inbox", "/agent/kb/articles", "/organisations/x/calendars"]
    before = [accounts.call("GET", path, token=user.access_token).status for path in reads]
    assert 401 not in before
    _act(accounts, act, user)
    for path in reads:  # every function, not only the one that ended the session
        after = accounts.call("GET", path, token=user.access_token)
        assert (after.status, after.error["code"]) == (401, "session_ended"), path
    signed_in = accounts.call(
        "POST",
        "/accounts/sessions",
        json_body={"email": user.email, "password": PASSWORD if act == "sign_out" else NEW_PASSWORD},
    )
    assert accounts.call("GET", "/accounts/me", token=signed_in.body["access_token"]).status == 200


def test_a_sign_in_that_began_after_the_cut_keeps_its_token_in_the_cuts_second(
    accounts: AccountsDriver,
) -> None:
    """Which came first is decided in milliseconds: a token of the cut's second lives only if its
    sign-in began after the cut, however late the accounts API records it (it was decided by the
    second of the record, so a sign-in whose second rolled over was refused: a rare flake above)."""
    from accounts.store import AccountsStore
    from shared import directory, sessions

    user = accounts.account()
    table = accounts.aws.resolver.physical_ids["AccountsTable"]
    db = accounts.aws.client("dynamodb")
    store = AccountsStore(db, table)
    cut_ms = sessions.now_ms()
    second = cut_ms // 1000
    store.end_sessions(user.user_id, second + 1, cut_ms)
    store.keep_session(user.user_id, "after", second, cut_ms + 3)
    store.keep_session(user.user_id, "before", second, cut_ms - 3)
    profile = directory.read_profile_item(db, table, user.user_id, consistent=True)
    assert sessions.is_current({"iat": second, "jti": "after"}, profile)
    assert not sessions.is_current({"iat": second, "jti": "before"}, profile)
    assert sessions.is_current({"iat": second + 1, "jti": "any"}, profile)  # a later second: no record needed


@pytest.mark.parametrize("route", ["/accounts/password/forgot", "/accounts/registrations"])
def test_known_and_unknown_addresses_cost_the_api_the_same_work(accounts: AccountsDriver, route: str) -> None:
    """The answer goes out after the same AWS calls whatever the address (the worker does the rest),
    so its timing cannot tell whether an address is registered."""
    known = accounts.account()
    accounts.run_account_requests()
    body = {"full_name": "Eva Neu", "privacy_consent": {"accepted": True, "version": "2026-05"}}
    answers, calls = [], []
    for email in (known.email, accounts.new_email("stranger")):
        with count_aws_calls() as counted:
            answers.append(
                accounts.call(
                    "POST", route, json_body={"email": email, **(body if "registrations" in route else {})}
                )
            )
        calls.append(dict(counted))
    assert answers[0].status == answers[1].status == 202 and answers[0].body == answers[1].body
    assert calls[0] == calls[1] == {"dynamodb:UpdateItem": 1, "sqs:SendMessage": 1}
    assert accounts.run_account_requests() == (2, 0)


def test_a_password_may_be_as_long_as_the_document_says(accounts: AccountsDriver) -> None:
    """256 characters, as Cognito takes them (the local stack lifts moto's lower limit)."""
    user = accounts.account()
    longest = "Aa1" + "x" * 253
    changed = accounts.call(
        "PUT",
        "/accounts/password",
        token=user.access_token,
        json_body={"current_password": user.password, "new_password": longest},
    )
    assert changed.status == 204, changed.body
    signed_in = accounts.call(
        "POST", "/accounts/sessions", json_body={"email": user.email, "password": longest}
    )
    assert signed_in.status == 200
    too_long = accounts.call(
        "POST", "/accounts/sessions", json_body={"email": user.email, "password": longest + "y"}
    )
    assert too_long.status == 422 and set(too_long.error["fields"]) == {"password"}
