"""Tickets as customers, anonymous requesters and agents use them."""

from __future__ import annotations

from typing import Any

from tests.functional.conftest import AccountsDriver, anonymous_body, submit, ticket_body


def test_request_types_are_public_with_their_fields(accounts: AccountsDriver) -> None:
    types = accounts.call("GET", "/request-types")
    assert types.status == 200
    names = {t["key"]: t["name"]["de"] for t in types.body["items"]}
    assert names == {
        "bug_report": "Fehler melden",
        "application_help": "Unterstützung zur Anwendung",
        "licensing_invoices": "Lizenzierung und Rechnungen",
        "business_data": "Geschäftsdaten anfordern",
        "new_partner": "Neue Partner",
        "orders_applications": "Anträge, Neubestellungen",
    }


def test_a_signed_in_submission_takes_name_email_and_organisation_from_the_account(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    ticket = submit(accounts, people["colleague"])
    assert ticket["case_number"].startswith("SR-")
    assert ticket["status"] == "open"
    assert ticket["requester"]["full_name"] == "Jonas Weber"
    assert ticket["requester"]["email"] == people["colleague"].email
    assert ticket["organisation_id"] == people["org_id"]
    assert ticket["fields"] == {"module": "notifications"}


def test_case_numbers_are_unique_and_increasing(accounts: AccountsDriver, people: dict[str, Any]) -> None:
    numbers = [int(submit(accounts, people["admin"])["case_number"][3:]) for _ in range(3)]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3


def test_a_submission_is_validated_against_its_type(accounts: AccountsDriver, people: dict[str, Any]) -> None:
    bad = accounts.call(
        "POST",
        "/tickets",
        token=people["admin"].access_token,
        json_body=ticket_body(fields={"module": "Mond", "steps": 5, "extra": "x", "occurred_on": "gestern"}),
    )
    assert bad.status == 422
    assert set(bad.error["fields"]) == {"fields.module", "fields.steps", "fields.extra", "fields.occurred_on"}
    missing = accounts.call(
        "POST", "/tickets", token=people["admin"].access_token, json_body=ticket_body(fields={})
    )
    assert missing.error["fields"] == {"fields.module": "Dieses Feld ist erforderlich."}
    unknown = accounts.call(
        "POST", "/tickets", token=people["admin"].access_token, json_body=ticket_body(request_type="wish")
    )
    assert set(unknown.error["fields"]) == {"request_type"}


def test_a_form_gets_every_error_in_one_answer(accounts: AccountsDriver, people: dict[str, Any]) -> None:
    """The body's schema and the type's own fields are checked in the same round."""
    token = people["admin"].access_token
    body = ticket_body(subject="x", fields={"module": "Mond", "occurred_on": "gestern"})
    both = accounts.call("POST", "/tickets", token=token, json_body=body, language="en")
    assert both.status == 422
    assert set(both.error["fields"]) == {"subject", "fields.module", "fields.occurred_on"}
    assert both.error["fields"]["fields.module"].startswith("Please choose Appointment booking, Calendar")
    unknown = accounts.call(
        "POST", "/tickets", token=token, json_body=ticket_body(subject="", request_type="wish")
    )
    assert set(unknown.error["fields"]) == {"subject", "request_type"}
    anonymous = accounts.call(
        "POST", "/tickets/anonymous", json_body={"request_type": "bug_report", "fields": {"module": "x"}}
    )
    assert {"email", "subject", "privacy_consent", "fields.module"} <= set(anonymous.error["fields"])
    ticket = submit(accounts, people["admin"])
    edit = accounts.call(
        "PATCH", f"/tickets/{ticket['id']}", token=token, json_body={"subject": "", "fields": {"module": "x"}}
    )
    assert set(edit.error["fields"]) == {"subject", "fields.module"}
    outsider = accounts.account("outsider").access_token
    theirs = accounts.call(
        "PATCH",
        f"/tickets/{ticket['id']}",
        token=outsider,
        json_body={"subject": "", "fields": {"module": "x"}},
    )
    assert set(theirs.error["fields"]) == {"subject"}, "nothing of a ticket one may not see"


def test_a_body_cannot_set_status_assignee_organisation_or_case_number(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    sneaky = accounts.call(
        "POST",
        "/tickets",
        token=people["admin"].access_token,
        json_body=ticket_body(status="closed", assignee_id="x", organisation_id="y", case_number="SR-1"),
    )
    assert sneaky.status == 422
    assert set(sneaky.error["fields"]) == {"status", "assignee_id", "organisation_id", "case_number"}
    ticket = submit(accounts, people["admin"])
    edit = accounts.call(
        "PATCH",
        f"/tickets/{ticket['id']}",
        token=people["admin"].access_token,
        json_body={"status": "closed"},
    )
    assert edit.status == 422


def test_anonymous_submission_answers_the_same_and_is_rate_limited(accounts: AccountsDriver) -> None:
    first = accounts.call("POST", "/tickets/anonymous", json_body=anonymous_body())
    other = accounts.call("POST", "/tickets/anonymous", json_body=anonymous_body(email="x@praxis-x.example"))
    assert first.status == other.status == 202
    assert first.body["message"] == other.body["message"]
    assert first.body["case_number"] != other.body["case_number"]
    statuses = [
        accounts.call("POST", "/tickets/anonymous", json_body=anonymous_body()).status for _ in range(4)
    ]
    assert statuses == [202, 202, 202, 429]  # 5 per source address and hour in the functional stack


def test_anonymous_submission_names_every_missing_field(accounts: AccountsDriver) -> None:
    bad = accounts.call("POST", "/tickets/anonymous", json_body={"request_type": "application_help"})
    assert bad.status == 422
    assert set(bad.error["fields"]) == {
        "email",
        "full_name",
        "company",
        "subject",
        "description",
        "privacy_consent",
    }


def test_the_organisation_sees_a_ticket_and_outsiders_get_404(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    ticket = submit(accounts, people["colleague"])
    tid = ticket["id"]
    assert accounts.call("GET", f"/tickets/{tid}", token=people["admin"].access_token).status == 200
    outsider = people["outsider"].access_token
    attempts = [
        accounts.call("GET", f"/tickets/{tid}", token=outsider),
        accounts.call("POST", f"/tickets/{tid}/replies", token=outsider, json_body={"body": "Hallo"}),
        accounts.call("PATCH", f"/tickets/{tid}", token=outsider, json_body={"subject": "Übernommen!"}),
        accounts.call("POST", f"/tickets/{tid}/close", token=outsider),
        accounts.call("POST", f"/tickets/{tid}/cc", token=outsider, json_body={"email": "o@o.example"}),
        accounts.call("GET", f"/tickets/{tid}/attachments/01J00000000000000000000000", token=outsider),
    ]
    assert [a.status for a in attempts] == [404] * 6
    mine = accounts.call("GET", "/tickets", token=outsider, query={"status": "all"})
    assert tid not in [t["id"] for t in mine.body["items"]]


def test_customers_get_403_on_agent_routes(accounts: AccountsDriver, people: dict[str, Any]) -> None:
    ticket = submit(accounts, people["admin"])
    token = people["admin"].access_token
    attempts = [
        accounts.call("GET", "/agent/tickets", token=token),
        accounts.call(
            "PUT", f"/agent/tickets/{ticket['id']}/assignee", token=token, json_body={"assignee_id": None}
        ),
        accounts.call(
            "PUT", f"/agent/tickets/{ticket['id']}/status", token=token, json_body={"status": "closed"}
        ),
        accounts.call(
            "POST", f"/agent/tickets/{ticket['id']}/notes", token=token, json_body={"body": "intern"}
        ),
    ]
    assert [a.status for a in attempts] == [403] * 4


def test_lists_default_to_open_newest_activity_first(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    admin, colleague = people["admin"], people["colleague"]
    older = submit(accounts, admin, subject="Erste Anfrage")
    accounts.clock.advance(minutes=1)
    newer = submit(accounts, colleague, subject="Zweite Anfrage")
    accounts.clock.advance(minutes=1)
    closed = submit(accounts, admin, subject="Dritte Anfrage")
    accounts.call("POST", f"/tickets/{closed['id']}/close", token=admin.access_token)
    accounts.clock.advance(minutes=1)
    accounts.call(
        "POST", f"/tickets/{older['id']}/replies", token=admin.access_token, json_body={"body": "Noch da?"}
    )

    organisation = accounts.call("GET", "/tickets", token=admin.access_token, query={"scope": "organisation"})
    assert [t["id"] for t in organisation.body["items"]][:2] == [older["id"], newer["id"]]
    assert closed["id"] not in [t["id"] for t in organisation.body["items"]]
    mine = accounts.call("GET", "/tickets", token=admin.access_token)
    assert newer["id"] not in [t["id"] for t in mine.body["items"]]
    done = accounts.call("GET", "/tickets", token=admin.access_token, query={"status": "closed"})
    assert [t["id"] for t in done.body["items"]] == [closed["id"]]
    by_creator = accounts.call(
        "GET",
        "/tickets",
        token=admin.access_token,
        query={"scope": "organisation", "creator": colleague.user_id, "status": "all"},
    )
    assert {t["id"] for t in by_creator.body["items"]} == {newer["id"]}


def test_the_agent_workflow_and_the_customer_timeline(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    customer, agent = people["colleague"], people["agent"]
    ticket = submit(accounts, customer)
    tid = ticket["id"]

    unassigned = accounts.call("GET", "/agent/tickets", token=agent.access_token, query={"assignee": "none"})
    assert tid in [t["id"] for t in unassigned.body["items"]]
    blank = accounts.call("GET", "/agent/tickets", token=agent.access_token, query={"assignee": ""})
    assert tid in [t["id"] for t in blank.body["items"]]  # an empty filter filters nothing (probe)
    padded = accounts.call(
        "GET", "/agent/tickets", token=agent.access_token, query={"request_type": " bug_report "}
    )
    assert tid in [t["id"] for t in padded.body["items"]]  # blanks around a value go, as in bodies
    assigned = accounts.call(
        "PUT",
        f"/agent/tickets/{tid}/assignee",
        token=agent.access_token,
        json_body={"assignee_id": "me"},  # as the list filter takes it
    )
    assert assigned.status == 200 and assigned.body["assignee"]["full_name"] == "Sabine Support"
    assert assigned.body["assignee"]["user_id"] == agent.user_id
    mine = accounts.call("GET", "/agent/tickets", token=agent.access_token, query={"assignee": "me"})
    assert tid in [t["id"] for t in mine.body["items"]]
    every = {"assignee": "me", "status": "all"}
    assert tid in [
        t["id"]
        for t in accounts.call("GET", "/agent/tickets", token=agent.access_token, query=every).body["items"]
    ]

    accounts.call(
        "POST", f"/agent/tickets/{tid}/notes", token=agent.access_token, json_body={"body": "Intern: Kunde X"}
    )
    reply = accounts.call(
        "POST", f"/tickets/{tid}/replies", token=agent.access_token, json_body={"body": "Welche Nummer?"}
    )
    assert reply.status == 201
    waiting = accounts.call(
        "PUT", f"/agent/tickets/{tid}/status", token=agent.access_token, json_body={"status": "waiting"}
    )
    assert waiting.body["status"] == "waiting"
    for who, query in (
        (customer, {"status": "waiting"}),
        (customer, {"status": "waiting", "scope": "organisation"}),
    ):
        waiting_for_me = accounts.call("GET", "/tickets", token=who.access_token, query=query)
        assert [t["id"] for t in waiting_for_me.body["items"]] == [tid], query
    assert accounts.call("GET", "/agent/tickets", token=agent.access_token, query={"status": "waiting"}).body[
        "items"
    ]

    answered = accounts.call(
        "POST", f"/tickets/{tid}/replies", token=customer.access_token, json_body={"body": "0171 …"}
    )
    assert answered.status == 201
    no_longer = accounts.call("GET", "/tickets", token=customer.access_token, query={"status": "waiting"})
    assert tid not in [t["id"] for t in no_longer.body["items"]]
    seen = accounts.call("GET", f"/tickets/{tid}", token=customer.access_token).body
    assert seen["status"] == "in_progress"
    assert [e["kind"] for e in seen["timeline"]] == ["assignment", "reply", "status", "reply", "status"]
    assert all(not e["internal"] for e in seen["timeline"])
    assert "Intern: Kunde X" not in str(seen)
    assert seen["reply_count"] == 2
    assert seen["last_comment_by"]["full_name"] == "Jonas Weber"
    as_agent = accounts.call("GET", f"/tickets/{tid}", token=agent.access_token).body
    assert [e["kind"] for e in as_agent["timeline"]].count("note") == 1

    by_colleague = accounts.call("POST", f"/tickets/{tid}/close", token=people["admin"].access_token)
    assert by_colleague.status == 403  # a colleague, not the requester
    closed = accounts.call("POST", f"/tickets/{tid}/close", token=customer.access_token)
    assert closed.body["status"] == "closed"


def test_closed_tickets_take_no_reply_but_a_linked_follow_up(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    customer = people["admin"]
    ticket = submit(accounts, customer, cc=[people["colleague"].email])
    tid = ticket["id"]
    assert (
        accounts.call("POST", f"/tickets/{tid}/close", token=customer.access_token).body["status"] == "closed"
    )

    refused = accounts.call(
        "POST", f"/tickets/{tid}/replies", token=customer.access_token, json_body={"body": "Noch eins"}
    )
    assert refused.status == 409
    assert f"/tickets/{tid}/follow-ups" in refused.error["message"]

    follow_up = accounts.call(
        "POST",
        f"/tickets/{tid}/follow-ups",
        token=customer.access_token,
        json_body={"description": "Das Problem ist wieder aufgetreten, diesmal beim Verschieben."},
    )
    assert follow_up.status == 201
    assert follow_up.body["follow_up_of"] == tid
    assert follow_up.body["subject"].startswith(f"Folgefrage zu {ticket['case_number']}")
    assert follow_up.body["cc"] == [people["colleague"].email], "left out: the original's CCs"
    original = accounts.call("GET", f"/tickets/{tid}", token=customer.access_token).body
    assert original["follow_ups"] == [follow_up.body["id"]]
    alone = accounts.call(
        "POST",
        f"/tickets/{tid}/follow-ups",
        token=customer.access_token,
        json_body={"description": "Diesmal ohne die Kollegin in Kopie, bitte.", "cc": []},
    )
    assert alone.status == 201 and alone.body["cc"] == []
    early = accounts.call(
        "POST",
        f"/tickets/{follow_up.body['id']}/follow-ups",
        token=customer.access_token,
        json_body={"description": "Noch offen, trotzdem eine Folgefrage?"},
    )
    assert early.status == 409


def test_requester_edits_and_manages_cc_and_cc_participants_may_read_and_reply(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    requester, outsider = people["admin"], people["outsider"]
    ticket = submit(accounts, requester)
    tid = ticket["id"]
    edited = accounts.call(
        "PATCH",
        f"/tickets/{tid}",
        token=requester.access_token,
        json_body={"subject": "SMS fehlen seit Montag", "fields": {"module": "calendar"}},
    )
    assert edited.body["subject"] == "SMS fehlen seit Montag" and edited.body["fields"] == {
        "module": "calendar"
    }
    colleague_edit = accounts.call(
        "PATCH",
        f"/tickets/{tid}",
        token=people["colleague"].access_token,
        json_body={"subject": "Meins jetzt"},
    )
    assert colleague_edit.status == 403

    cc = accounts.call(
        "POST",
        f"/tickets/{tid}/cc",
        token=requester.access_token,
        json_body={"email": outsider.email.upper()},
    )
    assert cc.body["cc"] == [outsider.email]
    assert accounts.call("GET", f"/tickets/{tid}", token=outsider.access_token).status == 200
    shared = accounts.call("GET", "/tickets", token=outsider.access_token, query={"scope": "shared"})
    assert [t["id"] for t in shared.body["items"]] == [tid], "a CC finds the ticket in a list"
    mine = accounts.call("GET", "/tickets", token=outsider.access_token, query={"status": "all"})
    assert tid not in [t["id"] for t in mine.body["items"]]
    assert (
        accounts.call(
            "POST",
            f"/tickets/{tid}/replies",
            token=outsider.access_token,
            json_body={"body": "Ich schaue mit."},
        ).status
        == 201
    )
    removed = accounts.call("DELETE", f"/tickets/{tid}/cc/{outsider.email}", token=requester.access_token)
    assert removed.body["cc"] == []
    gone = accounts.call("GET", "/tickets", token=outsider.access_token, query={"scope": "shared"})
    assert gone.body["items"] == []
    assert accounts.call("GET", f"/tickets/{tid}", token=outsider.access_token).status == 404

    assert accounts.call("POST", f"/tickets/{tid}/close", token=requester.access_token).status == 200
    for method, path, body in (
        ("POST", f"/tickets/{tid}/cc", {"email": outsider.email}),
        ("DELETE", f"/tickets/{tid}/cc/{outsider.email}", None),
    ):
        closed = accounts.call(method, path, token=requester.access_token, json_body=body)
        assert closed.status == 409 and closed.error["code"] == "conflict", "a closed ticket's CCs stay"


def test_assignee_must_be_an_agent(accounts: AccountsDriver, people: dict[str, Any]) -> None:
    ticket = submit(accounts, people["admin"])
    refused = accounts.call(
        "PUT",
        f"/agent/tickets/{ticket['id']}/assignee",
        token=people["agent"].access_token,
        json_body={"assignee_id": people["admin"].user_id},
    )
    assert refused.status == 422 and set(refused.error["fields"]) == {"assignee_id"}


def test_agents_add_and_change_request_types_without_a_deployment(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    agent = people["agent"].access_token
    new_type = {
        "key": "data_protection",
        "name": {"de": "Datenschutz", "en": "Data protection"},
        "help_text": {"de": "Fragen zum Datenschutz.", "en": "Questions about data protection."},
        "fields": [
            {"key": "article", "label": {"de": "Artikel", "en": "Article"}, "kind": "text", "required": True}
        ],
    }
    created = accounts.call("POST", "/agent/request-types", token=agent, json_body=new_type)
    assert created.status == 201
    again = accounts.call("POST", "/agent/request-types", token=agent, json_body=new_type)
    assert again.status == 409
    listed = accounts.call("GET", "/request-types")
    assert "data_protection" in [t["key"] for t in listed.body["items"]]
    ticket = submit(accounts, people["admin"], request_type="data_protection", fields={"article": "Art. 15"})
    assert ticket["fields"] == {"article": "Art. 15"}
    retired = accounts.call(
        "PUT", "/agent/request-types/data_protection", token=agent, json_body={**new_type, "active": False}
    )
    assert retired.status == 200
    assert "data_protection" not in [t["key"] for t in accounts.call("GET", "/request-types").body["items"]]
    by_customer = accounts.call(
        "POST", "/agent/request-types", token=people["admin"].access_token, json_body=new_type
    )
    assert by_customer.status == 403


def test_a_follow_up_by_a_cc_of_another_organisation_stays_in_the_originals_organisation(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    requester, outsider = people["admin"], people["outsider"]
    ticket = submit(accounts, requester, cc=[outsider.email], customer_number="K-4711")
    tid = ticket["id"]
    accounts.call("POST", f"/tickets/{tid}/close", token=requester.access_token)
    asked = accounts.call(
        "POST",
        f"/tickets/{tid}/follow-ups",
        token=outsider.access_token,
        json_body={"description": "Bei uns tritt das auch wieder auf, seit heute Morgen."},
    )
    assert asked.status == 201, asked.body
    assert asked.body["organisation_id"] == people["org_id"]
    assert requester.email in asked.body["cc"]
    # the outsider's own organisation does not get the original's subject and customer number
    theirs = accounts.call(
        "GET", "/tickets", token=outsider.access_token, query={"scope": "organisation", "status": "all"}
    )
    assert asked.body["id"] not in [t["id"] for t in theirs.body["items"]]
    # the original's organisation sees it, and the outsider follows it as its requester
    ours = accounts.call(
        "GET", "/tickets", token=people["colleague"].access_token, query={"scope": "organisation"}
    )
    assert asked.body["id"] in [t["id"] for t in ours.body["items"]]
    assert accounts.call("GET", f"/tickets/{asked.body['id']}", token=outsider.access_token).status == 200


def test_the_organisation_list_of_someone_without_one_is_empty(accounts: AccountsDriver) -> None:
    loner = accounts.account("solo")
    listed = accounts.call("GET", "/tickets", token=loner.access_token, query={"scope": "organisation"})
    assert (listed.status, listed.body) == (200, {"items": [], "next_cursor": None})


def test_a_type_field_is_named_once_with_the_types_own_rule(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    """A value the schema and the type both refuse: one entry, in the type's words (no validator steps)."""
    answers = [
        accounts.call(
            "POST",
            "/tickets",
            token=people["colleague"].access_token,
            json_body=ticket_body(request_type="orders_applications", fields=fields),
        ).error["fields"]
        for fields in (
            {"product": "x" * 30000},
            {"product": "Kalender", "quantity": 10**20},
            {"product": {"a": [1]}},
            {"product": "Kalender", "Bad-Key": "1"},
        )
    ]
    assert answers == [
        {"fields.product": "Bitte höchstens 200 Zeichen eingeben."},
        {"fields.quantity": "Der Wert darf höchstens 1.000 sein."},
        {"fields.product": "Bitte einen Text angeben."},
        {"fields.Bad-Key": "Dieses Feld ist nicht erlaubt."},
    ]
