"""Class-level tests, driven by the route table of openapi.json and tests/access_matrix.py:

1. access: every operation that takes an id, called by a user of another organisation with the ids
   of a real object, answers exactly as for a random id (or 403 where the matrix says agents only);
   anonymous callers get 401 on every secured route; every role gets no 5xx with random ids;
2. hostile input: every operation with a body, sent deep nesting, huge numbers, wrong content types,
   invalid UTF-8, control and direction characters and 1 MB strings, answers without a 5xx and stores
   nothing with control characters;
3. forged cursors on every list that takes one are a 422 naming `cursor`.

A new route without a row in the matrix fails `test_every_route_has_a_row`.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from infra import openapi
from shared.ids import new_id
from tests.access_matrix import ROUTES, Row
from tests.functional.conftest import Account, AccountsDriver, submit
from tests.functional.test_attachments import PDF, upload
from tests.support.api import ApiResponse

DOCUMENT = openapi.document()
OPERATIONS = sorted((method, path) for path, ops in DOCUMENT["paths"].items() for method in ops)
SECURED = {(m, p) for p, ops in DOCUMENT["paths"].items() for m, op in ops.items() if "security" in op}
PARAM = re.compile(r"\{([a-z_]+)\}")
RANDOM = {
    "ticket_id": new_id,
    "attachment_id": new_id,
    "org_id": new_id,
    "user_id": new_id,
    "invitation_id": new_id,
    "calendar_id": new_id,
    "message_id": new_id,
    "export_id": new_id,
    "erasure_id": new_id,
    "article_id": new_id,
    "folder_id": new_id,
    "type_key": lambda: "no_such_type",
    "email": lambda: "nobody@praxis-nirgends.example",
    "token": lambda: "x" * 60,
}


def test_every_route_has_a_row_and_every_row_a_route() -> None:
    assert sorted(ROUTES) == OPERATIONS
    assert {p for _, path in OPERATIONS for p in PARAM.findall(path)} <= set(RANDOM)


def _path(template: str, ids: dict[str, str]) -> str:
    return PARAM.sub(lambda m: ids[m.group(1)], template)


def _call(
    accounts: AccountsDriver, method: str, path: str, row: Row, who: Account | None, **extra: Any
) -> ApiResponse:
    return accounts.call(
        method.upper(),
        path,
        token=who.access_token if who else None,
        json_body=extra.pop("json_body", row.body),
        query=row.query or None,
        **extra,
    )


@pytest.fixture
def cast(accounts: AccountsDriver, people: dict[str, Any]) -> dict[str, Any]:
    """Real objects of organisation A, one of each kind an id can name."""
    colleague, admin, agent = people["colleague"], people["admin"], people["agent"]
    attachment_id, _ = upload(accounts, colleague, PDF, "befund.pdf", "application/pdf")
    cc = "cc-matrix@praxis-a.example"
    ticket = submit(accounts, colleague, cc=[cc], attachment_ids=[attachment_id])
    spare_upload, _ = upload(accounts, colleague, PDF, "zweiter.pdf", "application/pdf")
    calendar = accounts.call(
        "POST",
        f"/organisations/{people['org_id']}/calendars",
        token=admin.access_token,
        json_body={"name": "Dr. A"},
    )
    invitation_id, _ = accounts.invite(admin, people["org_id"], "eingeladen@praxis-a.example")
    folder = accounts.call(
        "POST", "/agent/kb/folders", token=agent.access_token, json_body={"name": "Matrix"}
    )
    draft = accounts.call(
        "POST",
        "/agent/kb/articles",
        token=agent.access_token,
        json_body={"folder_id": folder.body["id"], "title": "Entwurf", "body": "Noch nicht veröffentlicht."},
    )
    from inbox.dependencies import service as inbox_service
    from inbox.records import MessageRecord

    message_id = new_id()
    inbox_service().store.add_message(
        colleague.user_id,
        MessageRecord(message_id, "ticket", "Antwort", "Text", "2026-11-29T10:00:00Z", "antwort"),
        source_id=f"matrix-{message_id}",
        expires_epoch=2_000_000_000,
    )
    export = accounts.call("POST", "/accounts/me/exports", token=colleague.access_token)
    erasure = accounts.call(
        "POST",
        "/agent/erasures",
        token=agent.access_token,
        json_body={"email": "weg@praxis-nirgends.example"},
    )
    return {
        "ids": {
            "export_id": export.body["id"],
            "erasure_id": erasure.body["id"],
            "ticket_id": ticket["id"],
            "attachment_id": spare_upload,
            "org_id": people["org_id"],
            "user_id": colleague.user_id,
            "invitation_id": invitation_id,
            "calendar_id": calendar.body["id"],
            "message_id": message_id,
            "article_id": draft.body["id"],
            "draft_article_id": draft.body["id"],
            "folder_id": folder.body["id"],
            "type_key": "bug_report",
            "email": cc,
            "token": "x" * 60,
        },
        "ticket_attachment_id": attachment_id,
        **people,
    }


def test_another_organisation_learns_nothing_and_anonymous_callers_are_refused(
    accounts: AccountsDriver, cast: dict[str, Any]
) -> None:
    outsider = cast["outsider"]
    mismatches: list[str] = []
    for method, template in OPERATIONS:
        row = ROUTES[(method, template)]
        names = PARAM.findall(template)
        random_ids = {n: RANDOM[n]() for n in names}
        real_ids = dict(cast["ids"])
        if template == "/tickets/{ticket_id}/attachments/{attachment_id}":
            real_ids["attachment_id"] = cast["ticket_attachment_id"]
        if row.hidden:
            real_ids["article_id"] = cast["ids"][row.hidden]
        if (method, template) in SECURED:
            anonymous = _call(accounts, method, _path(template, random_ids), row, None)
            if anonymous.status != 401:
                mismatches.append(f"{method} {template}: anonymous got {anonymous.status}")
        if (
            not names
            or row.access in ("public", "capability")
            or (row.access == "public_object" and not row.hidden)
        ):
            continue
        real = _call(accounts, method, _path(template, real_ids), row, outsider)
        fake = _call(accounts, method, _path(template, random_ids), row, outsider)
        if row.access == "agents":
            if (real.status, fake.status) != (403, 403):
                mismatches.append(
                    f"{method} {template}: agents only, outsider got {real.status}/{fake.status}"
                )
        elif (real.status, real.body) != (fake.status, fake.body):
            mismatches.append(
                f"{method} {template}: real {real.status} {real.body} != random {fake.status} {fake.body}"
            )
    assert mismatches == []


@pytest.mark.parametrize("role", ["admin", "colleague", "outsider", "agent"])
def test_every_role_on_every_route_gets_an_answer_the_matrix_allows(
    accounts: AccountsDriver, people: dict[str, Any], role: str
) -> None:
    who: Account = people[role]
    wrong: list[str] = []
    for method, template in OPERATIONS:
        row = ROUTES[(method, template)]
        if (method, template) in {("delete", "/accounts/sessions"), ("put", "/accounts/password")}:
            continue  # ends the session this loop runs on; their own tests cover them
        path = _path(template, {n: RANDOM[n]() for n in PARAM.findall(template)})
        answer = _call(accounts, method, path, row, who)
        if answer.status >= 500:
            wrong.append(f"{method} {template}: {answer.status}")
        if row.access == "agents" and role != "agent" and answer.status != 403:
            wrong.append(f"{method} {template}: agents only, {role} got {answer.status}")
        if row.access == "agents" and role == "agent" and answer.status in (401, 403):
            wrong.append(f"{method} {template}: agent refused with {answer.status}")
    assert wrong == []


def test_ids_as_long_as_the_document_allows_are_not_found_never_a_5xx(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    """Found by an outside probe: a 2,048-character id (the document's limit) overflowed a DynamoDB key."""
    wrong: list[str] = []
    for method, template in OPERATIONS:
        if not PARAM.search(template) or (method, template) == ("delete", "/accounts/sessions"):
            continue
        row = ROUTES[(method, template)]
        who = people["agent"] if row.access == "agents" else people["admin"]
        answer = _call(
            accounts, method, _path(template, {n: "a" * 2048 for n in PARAM.findall(template)}), row, who
        )
        if answer.status >= 500:
            wrong.append(f"{method} {template}: {answer.status}")
    assert wrong == []


def _strings_replaced(value: Any, text: str) -> tuple[Any, int]:
    if isinstance(value, str):
        return text, 1
    if isinstance(value, dict):
        pairs = [(k, _strings_replaced(v, text)) for k, v in value.items()]
        return {k: v for k, (v, _) in pairs}, sum(n for _, (_, n) in pairs)
    if isinstance(value, list):
        items = [_strings_replaced(v, text) for v in value]
        return [v for v, _ in items], sum(n for _, n in items)
    return value, 0


HOSTILE_RAW: list[tuple[str, bytes, str]] = [
    ("deep-brackets", b"[" * 100_000, "application/json"),
    ("deep-objects", b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "application/json"),
    ("huge-integer", b'{"size": 1' + b"0" * 5000 + b"}", "application/json"),
    ("huge-float", b'{"size": 1e999}', "application/json"),
    ("nan", b'{"size": NaN}', "application/json"),
    ("invalid-utf8", b'{"name": "\xff\xfe"}', "application/json"),
    ("text-plain", b'{"name": "x"}', "text/plain"),
    ("octet-stream", b"\x00\x01\x02", "application/octet-stream"),
    ("form", b"name=x", "application/x-www-form-urlencoded"),
    ("not-json", b"{name: x", "application/json"),
    ("json-array", b"[1, 2, 3]", "application/json"),
    ("json-string", b'"text"', "application/json"),
    ("json-null", b"null", "application/json"),
    # media types are case-insensitive and +json is JSON: read as JSON (outside probe: these were 500s)
    ("json-type-in-capitals", b'{"zz_unknown": 1}', "Application/JSON; Charset=UTF-8"),
    ("json-suffix-type", b'{"zz_unknown": 1}', "application/problem+json"),
]


def test_hostile_bodies_never_reach_a_5xx(accounts: AccountsDriver, people: dict[str, Any]) -> None:
    broken: list[str] = []
    for method, template in OPERATIONS:
        row = ROUTES[(method, template)]
        if row.body is None:
            continue
        who = people["agent"] if row.access == "agents" else people["outsider"]
        path = _path(template, {n: RANDOM[n]() for n in PARAM.findall(template)})
        for name, raw, content_type in HOSTILE_RAW:
            answer = _call(
                accounts,
                method,
                path,
                row,
                who,
                json_body=None,
                body_bytes=raw,
                headers={"content-type": content_type},
            )
            if answer.status >= 500 or answer.status < 400:
                broken.append(f"{method} {template} [{name}]: {answer.status}")
        for name, text in (*UNTYPEABLE, ("megabyte", "a" * 1_000_000)):
            body, replaced = _strings_replaced(row.body, text)
            if not replaced:
                continue
            answer = _call(accounts, method, path, row, who, json_body=body)
            if answer.status >= 500 or (name != "megabyte" and answer.status != 422):
                broken.append(f"{method} {template} [{name}]: {answer.status}")
        # every list of texts the schema names, given a long one, and the valid body wrapped in an array
        for field in _string_lists(method, template):
            for text in ("a" * 1100, "ä" * 600_000):
                answer = _call(accounts, method, path, row, who, json_body={**row.body, field: [text]})
                if answer.status != 422 or not answer.error["fields"]:
                    broken.append(f"{method} {template} [{field}: long]: {answer.status}")
        wrapped = _call(accounts, method, path, row, who, json_body=[row.body])
        if wrapped.status != 422 or set(wrapped.error["fields"]) != {"body"}:
            broken.append(f"{method} {template} [array-wrapped]: {wrapped.status}")
    assert broken == []


def _resolved(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _string_lists(method: str, template: str) -> list[str]:
    """The body's properties that are lists of texts (ids, addresses), from the operation's schema."""
    content = DOCUMENT["paths"][template][method].get("requestBody", {}).get("content", {})
    schema = _resolved(content.get("application/json", {}).get("schema", {}))
    found = []
    for name, prop in schema.get("properties", {}).items():
        options = [_resolved(p) for p in prop.get("anyOf", [prop])]
        if any(
            o.get("type") == "array" and _resolved(o.get("items", {})).get("type") == "string"
            for o in options
        ):
            found.append(name)
    return found


# Text no person types, each refused in every string of every body and every query parameter.
UNTYPEABLE = [
    ("nul-esc-override", "a\x00b\x1b[31m\u202ec"),
    ("vertical-tab", "Zeile\x0bZeile"),
    ("form-feed", "Zeile\x0cZeile"),
    ("next-line", "Zeile\x85Zeile"),
    ("line-separator", "Zeile\u2028Zeile"),
    ("lone-surrogate", "x\ud800y"),
    ("left-to-right-mark", "Anna\u200e"),
    ("arabic-letter-mark", "Anna\u061c"),
    ("zero-width-space", "An\u200bna"),
    ("byte-order-mark", "\ufeffAnna"),
    ("soft-hyphen", "An\u00adna"),
    ("hangul-filler", "\u3164"),
    ("tag-character", "Anna\U000e0041"),
    ("noncharacter", "Anna\uffff"),
]


def test_query_parameters_refuse_what_bodies_refuse(accounts: AccountsDriver, people: dict[str, Any]) -> None:
    wrong: list[str] = []
    for method, template in OPERATIONS:
        row = ROUTES[(method, template)]
        who = people["agent"] if row.access == "agents" else people["admin"]
        path = _path(template, {n: RANDOM[n]() for n in PARAM.findall(template)})
        for name, text in UNTYPEABLE:
            if name == "lone-surrogate":
                continue  # cannot be written in a URL (no UTF-8 for it)
            answer = accounts.call(
                method.upper(),
                path,
                token=who.access_token,
                query={**row.query, "q": text},
                json_body=row.body,
            )
            if answer.status != 422 or "q" not in answer.body["error"].get("fields", {}):
                wrong.append(f"{method} {template} [{name}]: {answer.status}")
    assert wrong == []


def test_an_id_token_is_refused_where_an_access_token_is_needed(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    from accounts.identity_provider import CognitoIdentityProvider

    resources = accounts.aws.resolver.physical_ids
    identity = CognitoIdentityProvider(
        accounts.aws.client("cognito-idp"), resources["UserPool"], resources["WebClient"]
    )
    admin = people["admin"]
    id_token = identity.sign_in(admin.email, admin.password).id_token
    for method, template in sorted(SECURED):
        row = ROUTES[(method, template)]
        path = _path(template, {n: RANDOM[n]() for n in PARAM.findall(template)})
        answer = accounts.call(
            method.upper(), path, token=id_token, json_body={"unexpected": 1} if row.body else None
        )
        assert answer.status == 401, (method, template, answer.status)


def test_agent_routes_refuse_everyone_else_before_reading_their_input(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    agent_rows = {k for k, row in ROUTES.items() if row.access == "agents"}
    assert agent_rows == {(m, p) for m, p in OPERATIONS if p.startswith("/agent/")}
    for method, template in sorted(agent_rows):
        path = _path(template, {n: RANDOM[n]() for n in PARAM.findall(template)})
        answer = accounts.call(
            method.upper(), path, token=people["colleague"].access_token, json_body={"unexpected": 1}
        )
        assert (answer.status, answer.body["error"]["code"]) == (403, "forbidden"), (method, template)


def test_forged_cursors_are_a_named_field_error(accounts: AccountsDriver, cast: dict[str, Any]) -> None:
    refused: list[str] = []
    lists = [
        (m, p)
        for m, p in OPERATIONS
        if any(q.get("name") == "cursor" for q in DOCUMENT["paths"][p][m].get("parameters", []))
    ]
    assert lists, "no list takes a cursor: the operation table changed"
    forged = "eyJQSyI6eyJTIjoiVVNFUiN4In0sIlNLIjp7IlMiOiJ5In19"  # {"PK":{"S":"USER#x"},"SK":{"S":"y"}}
    for method, template in lists:
        row = ROUTES[(method, template)]
        who = cast["agent"] if row.access == "agents" else cast["admin"]
        path = _path(template, cast["ids"])
        answer = accounts.call(
            method.upper(), path, token=who.access_token, query={**row.query, "cursor": forged}
        )
        if answer.status != 422 or "cursor" not in answer.body["error"].get("fields", {}):
            refused.append(f"{method} {template}: {answer.status} {answer.body}")
    assert refused == []


def _texts_that_must_say_something(method: str, template: str) -> list[str]:
    """The operation's query parameters the document requires at least one character of (its pattern
    then asks for one that is not blank)."""
    found = []
    for parameter in DOCUMENT["paths"][template][method].get("parameters", []):
        options = [
            _resolved(o) for o in parameter.get("schema", {}).get("anyOf", [parameter.get("schema", {})])
        ]
        if parameter["in"] == "query" and any(
            o.get("type") == "string" and o.get("minLength", 0) >= 1 and "format" not in o for o in options
        ):
            found.append(parameter["name"])
    return found


def test_a_query_parameter_of_blanks_is_refused_as_a_body_text_of_blanks_is(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    """Surrounding blanks are stripped from query values as from a body's texts; what is left must
    still be what the document says (a search for "  " was answered 200: outside probe)."""
    wrong: list[str] = []
    checked = 0
    for method, template in OPERATIONS:
        row = ROUTES[(method, template)]
        who = people["agent"] if row.access == "agents" else people["admin"]
        path = _path(template, {n: RANDOM[n]() for n in PARAM.findall(template)})
        for name in _texts_that_must_say_something(method, template):
            checked += 1
            answer = accounts.call(
                method.upper(),
                path,
                token=who.access_token,
                query={**row.query, name: "   "},
                json_body=row.body,
            )
            if answer.status != 422 or name not in answer.body["error"].get("fields", {}):
                wrong.append(f"{method} {template} [{name}]: {answer.status} {answer.body}")
    assert checked >= 2  # the knowledge base's and the inbox's searches at least
    assert wrong == []
