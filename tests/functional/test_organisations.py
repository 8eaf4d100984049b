"""Organisations: admins manage, members see, and nobody outside sees or changes anything."""

from __future__ import annotations

import pytest

from tests.functional.conftest import Account, AccountsDriver


@pytest.fixture
def practice(accounts: AccountsDriver) -> tuple[str, Account, Account]:
    admin = accounts.account("admin", "Dr. Anna Schmidt")
    member = accounts.account("member", "Jonas Weber")
    org_id = accounts.organisation(admin, "Praxis Dr. Schmidt")
    accounts.join(admin, org_id, member)
    return org_id, admin, member


def test_creator_becomes_admin_and_both_members_are_listed(
    accounts: AccountsDriver, practice: tuple[str, Account, Account]
) -> None:
    org_id, admin, member = practice
    members = accounts.call("GET", f"/organisations/{org_id}/members", token=member.access_token)
    assert members.status == 200
    assert [(m["full_name"], m["role"]) for m in members.body["items"]] == [
        ("Dr. Anna Schmidt", "admin"),
        ("Jonas Weber", "member"),
    ]
    me = accounts.call("GET", "/accounts/me", token=member.access_token).body
    assert me["organisation"] == {"id": org_id, "name": "Praxis Dr. Schmidt", "role": "member"}
    org = accounts.call("GET", f"/organisations/{org_id}", token=admin.access_token).body
    assert org["member_count"] == 2
    assert org["licensed_practitioners"] == 1
    assert org["invitations"] == []


def test_invitation_mail_names_organisation_and_inviter(accounts: AccountsDriver) -> None:
    admin = accounts.account("admin", "Dr. Anna Schmidt")
    org_id = accounts.organisation(admin, "Praxis <b>Schmidt</b>")
    invitee = accounts.new_email("invitee")
    accounts.call(
        "POST", f"/organisations/{org_id}/invitations", token=admin.access_token, json_body={"email": invitee}
    )
    mail = accounts.mails_to(invitee)[-1]
    assert mail["subject"] == "Einladung zu Praxis <b>Schmidt</b>"
    assert "Dr. Anna Schmidt" in mail["text"]
    assert "Praxis &lt;b&gt;Schmidt&lt;/b&gt;" in mail["html"]  # escaped in the HTML part
    assert "<b>Schmidt</b>" not in mail["html"]


def test_one_organisation_per_customer(
    accounts: AccountsDriver, practice: tuple[str, Account, Account]
) -> None:
    _, admin, member = practice
    for user in (admin, member):
        again = accounts.call(
            "POST", "/organisations", token=user.access_token, json_body={"name": "Zweite Praxis"}
        )
        assert again.status == 409


def test_an_invitation_is_for_its_address_only_and_works_once(accounts: AccountsDriver) -> None:
    admin = accounts.account("admin")
    org_id = accounts.organisation(admin)
    invitee = accounts.account("invitee")
    someone_else = accounts.account("else")
    _, token = accounts.invite(admin, org_id, invitee.email)

    stolen = accounts.call(
        "POST", "/invitations/accept", token=someone_else.access_token, json_body={"token": token}
    )
    assert stolen.status == 403
    accepted = accounts.call(
        "POST", "/invitations/accept", token=invitee.access_token, json_body={"token": token}
    )
    assert accepted.status == 200
    assert accepted.body == {"id": org_id, "name": "Praxis Muster", "role": "member"}
    again = accounts.call(
        "POST", "/invitations/accept", token=invitee.access_token, json_body={"token": token}
    )
    assert again.status == 400


def test_a_revoked_invitation_cannot_be_accepted(accounts: AccountsDriver) -> None:
    admin = accounts.account("admin")
    org_id = accounts.organisation(admin)
    invitee = accounts.account("invitee")
    invitation_id, token = accounts.invite(admin, org_id, invitee.email)
    revoked = accounts.call(
        "DELETE", f"/organisations/{org_id}/invitations/{invitation_id}", token=admin.access_token
    )
    assert revoked.status == 204
    refused = accounts.call(
        "POST", "/invitations/accept", token=invitee.access_token, json_body={"token": token}
    )
    assert refused.status == 400
    assert (
        accounts.call("GET", f"/organisations/{org_id}", token=admin.access_token).body["invitations"] == []
    )


def test_an_invitation_expires_after_seven_days(accounts: AccountsDriver) -> None:
    admin = accounts.account("admin")
    org_id = accounts.organisation(admin)
    invitee = accounts.account("invitee")
    _, token = accounts.invite(admin, org_id, invitee.email)
    accounts.clock.advance(days=7, seconds=1)
    late = accounts.call(
        "POST", "/invitations/accept", token=invitee.access_token, json_body={"token": token}
    )
    assert late.status == 400


def test_a_member_cannot_manage_the_organisation(
    accounts: AccountsDriver, practice: tuple[str, Account, Account]
) -> None:
    org_id, admin, member = practice
    token = member.access_token
    attempts = [
        accounts.call(
            "POST", f"/organisations/{org_id}/invitations", token=token, json_body={"email": "x@a.example"}
        ),
        accounts.call("PATCH", f"/organisations/{org_id}", token=token, json_body={"name": "Meine Praxis"}),
        accounts.call(
            "PATCH",
            f"/organisations/{org_id}/members/{admin.user_id}",
            token=token,
            json_body={"role": "member"},
        ),
        accounts.call(
            "PATCH",
            f"/organisations/{org_id}/members/{member.user_id}",
            token=token,
            json_body={"role": "admin"},
        ),
        accounts.call("DELETE", f"/organisations/{org_id}/members/{admin.user_id}", token=token),
    ]
    assert [a.status for a in attempts] == [403] * 5
    assert attempts[0].error["message"] == "Nur Administratoren der Organisation dürfen das."
    org = accounts.call("GET", f"/organisations/{org_id}", token=admin.access_token).body
    assert org["name"] == "Praxis Dr. Schmidt"
    assert [m["role"] for m in org["members"]] == ["admin", "member"]
    assert accounts.call("GET", f"/organisations/{org_id}", token=token).body["invitations"] is None


def test_admin_changes_roles_and_removes_members(
    accounts: AccountsDriver, practice: tuple[str, Account, Account]
) -> None:
    org_id, admin, member = practice
    promoted = accounts.call(
        "PATCH",
        f"/organisations/{org_id}/members/{member.user_id}",
        token=admin.access_token,
        json_body={"role": "admin"},
    )
    assert promoted.status == 200
    assert promoted.body["role"] == "admin"
    assert (
        accounts.call("GET", "/accounts/me", token=member.access_token).body["organisation"]["role"]
        == "admin"
    )

    removed = accounts.call(
        "DELETE", f"/organisations/{org_id}/members/{member.user_id}", token=admin.access_token
    )
    assert removed.status == 204
    assert accounts.call("GET", "/accounts/me", token=member.access_token).body["organisation"] is None
    assert accounts.call("GET", f"/organisations/{org_id}", token=member.access_token).status == 404
    org = accounts.call("GET", f"/organisations/{org_id}", token=admin.access_token).body
    assert org["member_count"] == 1


def test_the_last_admin_can_neither_leave_nor_step_down(accounts: AccountsDriver) -> None:
    admin = accounts.account("admin")
    org_id = accounts.organisation(admin)
    leave = accounts.call(
        "DELETE", f"/organisations/{org_id}/members/{admin.user_id}", token=admin.access_token
    )
    demote = accounts.call(
        "PATCH",
        f"/organisations/{org_id}/members/{admin.user_id}",
        token=admin.access_token,
        json_body={"role": "member"},
    )
    assert (leave.status, demote.status) == (409, 409)
    assert leave.error["message"] == "Eine Organisation braucht mindestens einen Administrator."
    assert (
        accounts.call("GET", "/accounts/me", token=admin.access_token).body["organisation"]["role"] == "admin"
    )


def test_a_member_may_leave(accounts: AccountsDriver, practice: tuple[str, Account, Account]) -> None:
    org_id, _, member = practice
    left = accounts.call(
        "DELETE", f"/organisations/{org_id}/members/{member.user_id}", token=member.access_token
    )
    assert left.status == 204
    assert accounts.call("GET", "/accounts/me", token=member.access_token).body["organisation"] is None


def test_a_user_of_another_organisation_reads_and_changes_nothing(
    accounts: AccountsDriver, practice: tuple[str, Account, Account]
) -> None:
    org_a, admin_a, member_a = practice
    admin_b = accounts.account("admin-b")
    accounts.organisation(admin_b, "Praxis B")
    token = admin_b.access_token
    attempts = [
        accounts.call("GET", f"/organisations/{org_a}", token=token),
        accounts.call("GET", f"/organisations/{org_a}/members", token=token),
        accounts.call("PATCH", f"/organisations/{org_a}", token=token, json_body={"name": "Übernommen"}),
        accounts.call(
            "POST", f"/organisations/{org_a}/invitations", token=token, json_body={"email": "b@b.example"}
        ),
        accounts.call(
            "PATCH",
            f"/organisations/{org_a}/members/{member_a.user_id}",
            token=token,
            json_body={"role": "admin"},
        ),
        accounts.call("DELETE", f"/organisations/{org_a}/members/{member_a.user_id}", token=token),
        accounts.call("GET", f"/agent/organisations/{org_a}", token=token),
        accounts.call("GET", f"/agent/users/{member_a.user_id}", token=token),
    ]
    assert [a.status for a in attempts] == [404, 404, 404, 404, 404, 404, 403, 403]
    org = accounts.call("GET", f"/organisations/{org_a}", token=admin_a.access_token).body
    assert org["name"] == "Praxis Dr. Schmidt"
    assert org["member_count"] == 2


def test_unknown_organisation_and_member_are_404(
    accounts: AccountsDriver, practice: tuple[str, Account, Account]
) -> None:
    org_id, admin, _ = practice
    assert (
        accounts.call("GET", "/organisations/01J00000000000000000000000", token=admin.access_token).status
        == 404
    )
    missing = accounts.call("DELETE", f"/organisations/{org_id}/members/nobody", token=admin.access_token)
    assert missing.status == 404


def test_rename_reaches_every_members_profile(
    accounts: AccountsDriver, practice: tuple[str, Account, Account]
) -> None:
    org_id, admin, member = practice
    renamed = accounts.call(
        "PATCH", f"/organisations/{org_id}", token=admin.access_token, json_body={"name": "MVZ Schmidt"}
    )
    assert renamed.status == 200
    assert (
        accounts.call("GET", "/accounts/me", token=member.access_token).body["organisation"]["name"]
        == "MVZ Schmidt"
    )


def test_a_body_cannot_set_roles_or_licences(accounts: AccountsDriver) -> None:
    admin = accounts.account("admin")
    sneaky = accounts.call(
        "POST",
        "/organisations",
        token=admin.access_token,
        json_body={"name": "Praxis", "licensed_practitioners": 99, "created_by": "someone"},
    )
    assert sneaky.status == 422
    assert set(sneaky.error["fields"]) == {"licensed_practitioners", "created_by"}
    assert accounts.call("GET", "/accounts/me", token=admin.access_token).body["organisation"] is None


def test_agents_look_up_users_and_organisations_and_set_licences(
    accounts: AccountsDriver, practice: tuple[str, Account, Account]
) -> None:
    org_id, admin, member = practice
    agent = accounts.make_agent(accounts.account("agent"))
    found = accounts.call(
        "GET", "/agent/users", token=agent.access_token, query={"email": member.email.upper()}
    )
    assert found.status == 200
    assert found.body["user_id"] == member.user_id
    org = accounts.call("GET", f"/agent/organisations/{org_id}", token=agent.access_token)
    assert org.status == 200
    assert org.body["invitations"] == []
    listed = accounts.call(
        "GET", "/agent/organisations", token=agent.access_token, query={"name_prefix": "praxis dr"}
    )
    assert org_id in [o["id"] for o in listed.body["items"]]

    licensed = accounts.call(
        "PUT",
        f"/agent/organisations/{org_id}/licence",
        token=agent.access_token,
        json_body={"licensed_practitioners": 5},
    )
    assert licensed.status == 200
    assert licensed.body["licensed_practitioners"] == 5
    invalid = accounts.call(
        "PUT",
        f"/agent/organisations/{org_id}/licence",
        token=agent.access_token,
        json_body={"licensed_practitioners": 0},
    )
    assert invalid.status == 422
    assert set(invalid.error["fields"]) == {"licensed_practitioners"}
    by_customer = accounts.call(
        "PUT",
        f"/agent/organisations/{org_id}/licence",
        token=admin.access_token,
        json_body={"licensed_practitioners": 50},
    )
    assert by_customer.status == 403
    assert (
        accounts.call("GET", f"/organisations/{org_id}", token=admin.access_token).body[
            "licensed_practitioners"
        ]
        == 5
    )


def test_agent_queries_name_their_wrong_fields(accounts: AccountsDriver) -> None:
    agent = accounts.make_agent(accounts.account("agent"))
    bad_email = accounts.call("GET", "/agent/users", token=agent.access_token, query={"email": "kein-at"})
    bad_cursor = accounts.call(
        "GET", "/agent/organisations", token=agent.access_token, query={"cursor": "nonsense"}
    )
    no_email = accounts.call("GET", "/agent/users", token=agent.access_token)
    assert (bad_email.status, bad_cursor.status, no_email.status) == (422, 422, 422)
    assert set(bad_email.error["fields"]) == {"email"}
    assert set(bad_cursor.error["fields"]) == {"cursor"}
    assert no_email.error["fields"] == {"email": "Dieses Feld ist erforderlich."}


def test_agents_page_through_organisations(accounts: AccountsDriver) -> None:
    agent = accounts.make_agent(accounts.account("agent"))
    created = {accounts.organisation(accounts.account("admin"), f"Zahnarztpraxis {n}") for n in range(3)}
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        pages += 1
        query = {"name_prefix": "Zahnarztpraxis", "limit": "2", **({"cursor": cursor} if cursor else {})}
        page = accounts.call("GET", "/agent/organisations", token=agent.access_token, query=query)
        assert page.status == 200
        seen += [o["id"] for o in page.body["items"]]
        cursor = page.body["next_cursor"]
        if not cursor:
            break
    assert created <= set(seen)
    assert len(seen) == len(set(seen))
    assert pages >= 2
