"""Registration and activation, as a new user and as someone probing addresses would see them."""

from __future__ import annotations

from tests.functional.conftest import PASSWORD, AccountsDriver


def test_registration_answers_the_same_for_new_and_known_addresses(accounts: AccountsDriver) -> None:
    known = accounts.account("known")
    fresh = accounts.new_email("fresh")

    for_fresh = accounts.register(fresh)
    for_known = accounts.register(known.email)

    assert for_fresh.status == for_known.status == 202
    assert for_fresh.body == for_known.body
    assert accounts.mails_to(fresh)[-1]["subject"] == "Bitte bestätigen Sie Ihre Registrierung"
    assert accounts.mails_to(known.email)[-1]["subject"] == "Sie haben bereits ein Konto"


def test_activation_link_sets_the_password_and_signs_in(accounts: AccountsDriver) -> None:
    email = accounts.new_email()
    accounts.register(email, "Dr. Anna Schmidt")
    mail = accounts.mails_to(email)[-1]
    assert "Dr. Anna Schmidt" in mail["text"]
    assert mail["reference_id"] in mail["text"]
    token = accounts.token_from_mail(email, "aktivieren")

    activated = accounts.call(
        "POST", "/accounts/activation", json_body={"token": token, "password": PASSWORD}
    )

    assert activated.status == 200
    me = accounts.call("GET", "/accounts/me", token=activated.body["access_token"])
    assert me.status == 200
    assert me.body["email"] == email
    assert me.body["full_name"] == "Dr. Anna Schmidt"
    assert me.body["privacy_consent_version"] == "2026-05"
    assert me.body["privacy_consent_at"] == "2026-09-08T13:00:00Z"
    signed_in = accounts.call("POST", "/accounts/sessions", json_body={"email": email, "password": PASSWORD})
    assert signed_in.status == 200


def test_activation_link_works_once(accounts: AccountsDriver) -> None:
    email = accounts.new_email()
    accounts.register(email)
    token = accounts.token_from_mail(email, "aktivieren")
    first = accounts.call("POST", "/accounts/activation", json_body={"token": token, "password": PASSWORD})
    again = accounts.call("POST", "/accounts/activation", json_body={"token": token, "password": PASSWORD})
    assert first.status == 200
    assert again.status == 400
    assert again.error["code"] == "link_invalid"


def test_activation_link_expires_after_24_hours(accounts: AccountsDriver) -> None:
    email = accounts.new_email()
    accounts.register(email)
    token = accounts.token_from_mail(email, "aktivieren")
    accounts.clock.advance(hours=24, seconds=1)
    expired = accounts.call("POST", "/accounts/activation", json_body={"token": token, "password": PASSWORD})
    assert expired.status == 400
    assert expired.error["code"] == "link_invalid"


def test_activation_refuses_a_guessed_token(accounts: AccountsDriver) -> None:
    guessed = accounts.call(
        "POST", "/accounts/activation", json_body={"token": "A" * 43, "password": PASSWORD}
    )
    assert guessed.status == 400
    assert guessed.error["code"] == "link_invalid"


def test_a_weak_password_is_named_and_the_link_stays_usable(accounts: AccountsDriver) -> None:
    email = accounts.new_email()
    accounts.register(email)
    token = accounts.token_from_mail(email, "aktivieren")

    weak = accounts.call("POST", "/accounts/activation", json_body={"token": token, "password": "kurz"})
    assert weak.status == 422
    assert set(weak.error["fields"]) == {"password"}

    no_digit = accounts.call(
        "POST",
        "/accounts/activation",
        json_body={"token": token, "password": "nurbuchstabenHier"},
        language="en",
    )
    assert no_digit.status == 422
    assert "digit" in no_digit.error["fields"]["password"]

    fine = accounts.call("POST", "/accounts/activation", json_body={"token": token, "password": PASSWORD})
    assert fine.status == 200


def test_bad_registration_names_every_wrong_field_and_sends_nothing(accounts: AccountsDriver) -> None:
    email = accounts.new_email()
    response = accounts.call(
        "POST",
        "/accounts/registrations",
        json_body={
            "full_name": "X",
            "email": "not-an-address",
            "privacy_consent": {"accepted": False},
            "role": "admin",
        },
    )
    assert response.status == 422
    fields = response.error["fields"]
    assert fields == {
        "full_name": "Bitte mindestens 2 Zeichen eingeben.",
        "email": "Bitte eine gültige E-Mail-Adresse angeben.",
        "privacy_consent.accepted": "Bitte stimmen Sie der Datenschutzerklärung zu.",
        "privacy_consent.version": "Dieses Feld ist erforderlich.",
        "role": "Dieses Feld ist nicht erlaubt.",
    }
    assert accounts.mails_to(email) == []


def test_errors_speak_english_when_asked(accounts: AccountsDriver) -> None:
    response = accounts.call("POST", "/accounts/registrations", raw_body="{broken", language="en-GB,en;q=0.9")
    assert response.status == 422
    assert response.error == {
        "code": "validation_error",
        "message": "The request contains invalid data.",
        "fields": {"body": "The body is not valid JSON."},
    }


def test_registration_is_rate_limited_per_source_address(accounts: AccountsDriver) -> None:
    # The functional stack allows 5 public requests per source address and hour.
    statuses = [accounts.register(accounts.new_email()).status for _ in range(6)]
    assert statuses == [202] * 5 + [429]
    limited = accounts.register(accounts.new_email())
    assert limited.error["code"] == "rate_limited"
    assert int(limited.headers["retry-after"]) > 0
    accounts.clock.advance(hours=1)
    assert accounts.register(accounts.new_email()).status == 202


def test_mails_to_one_address_are_capped_silently(accounts: AccountsDriver) -> None:
    email = accounts.new_email()
    answers = []
    for n in range(6):
        accounts.api.source_ip = f"203.0.113.{n + 1}"  # as from different machines
        answers.append(accounts.register(email))
    assert {a.status for a in answers} == {202}
    assert len(accounts.mails_to(email)) == 5
