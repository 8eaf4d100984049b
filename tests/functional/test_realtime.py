"""Realtime's rules, against DynamoDB Local and moto's management API: a ticket opens one connection
once and never after it expired; a pop-up reaches the calendar's organisation only, and only the
connections that show that calendar; a gone connection is forgotten; a frame never carries content."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from infra.local.lambda_runtime import LocalContext
from shared.ids import new_token, token_digest
from tests.functional.conftest import AccountsDriver
from tests.support.failing import FailingClient


@pytest.fixture
def realtime(accounts: AccountsDriver, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The push side wired to moto's management API (locally the stack serves its own)."""
    from realtime import dependencies

    monkeypatch.setenv("REALTIME_ENDPOINT", accounts.aws.moto_endpoint)
    dependencies.push_service.reset()
    yield dependencies
    dependencies.push_service.reset()


def sent(accounts: AccountsDriver, connection_id: str) -> list[dict[str, Any]]:
    """What moto's management API received for a connection (one JSON frame per post)."""
    from moto.apigatewaymanagementapi.models import apigatewaymanagementapi_backends
    from moto.core import DEFAULT_ACCOUNT_ID

    backend = apigatewaymanagementapi_backends[DEFAULT_ACCOUNT_ID]["eu-central-1"]
    connection = backend.connections.get(connection_id)
    raw = connection.data.decode() if connection else ""
    return [json.loads(part) for part in raw.replace("}{", "}\n{").splitlines() if part]


def socket_event(route: str, connection_id: str, **extra: Any) -> dict[str, Any]:
    kind = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route, "MESSAGE")
    return {"requestContext": {"routeKey": route, "eventType": kind, "connectionId": connection_id}, **extra}


def open_connection(accounts: AccountsDriver, token: str, connection_id: str) -> int:
    from realtime.handler import handler

    granted = accounts.call("POST", "/realtime/tickets", token=token)
    assert granted.status == 201, granted.body
    event = socket_event("$connect", connection_id, queryStringParameters={"ticket": granted.body["ticket"]})
    return int(handler(event, LocalContext("RealtimeFunction", "c"))["statusCode"])


def test_a_ticket_opens_one_connection_once_and_never_after_it_expired(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    from realtime.dependencies import service
    from realtime.handler import handler

    token = people["colleague"].access_token
    granted = accounts.call("POST", "/realtime/tickets", token=token).body
    assert granted["expires_in"] == 60 and granted["ticket"]
    context = LocalContext("RealtimeFunction", "c")
    first = handler(
        socket_event("$connect", "conn-a", queryStringParameters={"ticket": granted["ticket"]}), context
    )
    again = handler(
        socket_event("$connect", "conn-b", queryStringParameters={"ticket": granted["ticket"]}), context
    )
    forged = handler(socket_event("$connect", "conn-c", queryStringParameters={"ticket": "x" * 43}), context)
    missing = handler(socket_event("$connect", "conn-d"), context)
    assert [r["statusCode"] for r in (first, again, forged, missing)] == [200, 401, 401, 401]

    expired = new_token()  # issued a while ago: its minute is over
    service().store.put_ticket(
        token_digest(expired), people["colleague"].user_id, int(time.time()) - 61, int(time.time()) - 1
    )
    late = handler(socket_event("$connect", "conn-e", queryStringParameters={"ticket": expired}), context)
    assert late["statusCode"] == 401
    assert [c.connection_id for c in service().store.of_user(people["colleague"].user_id)] == ["conn-a"]
    handler(socket_event("$disconnect", "conn-a"), context)
    assert service().store.of_user(people["colleague"].user_id) == []


def test_a_pop_up_reaches_the_calendars_organisation_and_the_connections_that_show_it(
    accounts: AccountsDriver, people: dict[str, Any], realtime: Any
) -> None:
    from realtime.handler import handler

    admin, colleague, outsider = people["admin"], people["colleague"], people["outsider"]
    for token, connection_id in (
        (admin.access_token, "pop-admin"),
        (colleague.access_token, "pop-colleague"),
        (outsider.access_token, "pop-outsider"),
    ):
        assert open_connection(accounts, token, connection_id) == 200
    answer = handler(
        socket_event(
            "$default", "pop-colleague", body=json.dumps({"action": "calendars", "calendars": ["cal-x"]})
        ),
        LocalContext("RealtimeFunction", "m"),
    )
    assert json.loads(answer["body"]) == {"type": "ok", "action": "calendars"}
    notice = {
        "detail-type": "AppointmentNotice",
        "detail": {
            "metadata": {"event_id": "01M8POPUP00000000000000001", "occurred_at": "2026-11-29T12:00:00Z"},
            "data": {
                "organisation_id": people["org_id"],
                "calendar_id": "cal-a",
                "appointment_id": "apt-1",
                "kind": "booked",
                "start": "2026-12-01T09:00:00Z",
                "previous_start": None,
                "time_zone": "Europe/Berlin",
            },
        },
    }
    pushed = realtime.push_service().handle(notice)
    assert (pushed.sent, pushed.failed) == (1, 0)
    [frame] = sent(accounts, "pop-admin")
    assert (frame["v"], frame["type"], frame["id"], frame["data"]["calendar_id"]) == (
        1,
        "calendar.appointment",
        "01M8POPUP00000000000000001",
        "cal-a",
    )
    assert sent(accounts, "pop-colleague") == []  # shows another calendar
    assert sent(accounts, "pop-outsider") == []  # another organisation


def test_a_gone_connection_is_forgotten_and_the_others_still_get_their_frame(
    accounts: AccountsDriver, people: dict[str, Any], realtime: Any
) -> None:
    colleague = people["colleague"]
    for connection_id in ("tab-1", "tab-2"):
        assert open_connection(accounts, colleague.access_token, connection_id) == 200
    service = realtime.push_service()
    service.pusher._client = FailingClient(
        service.pusher._client, {"post_to_connection": ("GoneException", 1)}
    )
    added = {
        "detail-type": "InboxMessageAdded",
        "detail": {
            "metadata": {"event_id": "01M8GONE000000000000000001", "occurred_at": "2026-11-29T12:00:00Z"},
            "data": {
                "user_id": colleague.user_id,
                "message_id": "01M8MSG0000000000000000001",
                "kind": "ticket",
                "unread": 3,
            },
        },
    }
    pushed = service.handle(added)
    assert (pushed.sent, pushed.gone) == (1, 1)
    assert len(service.store.of_user(colleague.user_id)) == 1
    [frame] = sent(accounts, "tab-1") or sent(accounts, "tab-2")
    assert frame["cursor"] == "01M8MSG0000000000000000001" and frame["data"]["unread"] == 3
    assert set(frame) == {"v", "type", "id", "at", "cursor", "data"}  # no subject, no body


def test_a_ticket_from_before_a_sign_out_or_a_removal_gives_nothing_of_the_old_session(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    """Found by an outside probe: tickets taken before a sign-out, or before leaving the organisation,
    were honoured as of when they were issued."""
    from realtime.dependencies import service
    from realtime.handler import handler

    context = LocalContext("RealtimeFunction", "c")
    member = accounts.account("leaver")
    accounts.join(people["admin"], people["org_id"], member)
    before_removal = accounts.call("POST", "/realtime/tickets", token=member.access_token).body["ticket"]
    removed = accounts.call(
        "DELETE",
        f"/organisations/{people['org_id']}/members/{member.user_id}",
        token=people["admin"].access_token,
    )
    assert removed.status == 204
    opened = handler(
        socket_event("$connect", "after-removal", queryStringParameters={"ticket": before_removal}), context
    )
    assert opened["statusCode"] == 200
    [connection] = service().store.of_user(member.user_id)
    assert connection.organisation_id is None  # no pop-ups, no news of the practice it left

    before_sign_out = accounts.call("POST", "/realtime/tickets", token=member.access_token).body["ticket"]
    assert accounts.call("DELETE", "/accounts/sessions", token=member.access_token).status == 204
    late = handler(
        socket_event("$connect", "after-sign-out", queryStringParameters={"ticket": before_sign_out}), context
    )
    assert late["statusCode"] == 401


def test_a_calendar_list_beyond_the_limit_is_refused_not_cut(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    from realtime.handler import handler

    assert open_connection(accounts, people["admin"].access_token, "many-calendars") == 200
    answer = handler(
        socket_event(
            "$default",
            "many-calendars",
            body=json.dumps({"action": "calendars", "calendars": [f"c{n}" for n in range(101)]}),
        ),
        LocalContext("RealtimeFunction", "m"),
    )
    assert json.loads(answer["body"]) == {"type": "error", "code": "invalid", "field": "calendars"}
