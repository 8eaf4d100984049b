"""A person's whole life on the running local stack: they use every domain (organisation, calendar as
practitioner, a ticket with an attachment and a CC, copy of a colleague's ticket, a reply by mail, the
inbox, a helpful vote with a comment), get a copy of their data, hand the organisation over, erase
themself, and then every table, bucket, queue and the user pool is scanned for their address, name,
phone number and user id: nothing is left outside what docs/privacy.md keeps on purpose."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from email.message import EmailMessage
from typing import Any

import boto3
import requests

from infra.local.demo import AGENT, DemoUser, PortalClient
from tests.e2e.conftest import RunningStack, eventually
from tests.e2e.test_inbox_journey import mails
from tests.e2e.test_tickets_journey import upload, wait_for_state
from tests.support import files

PASSWORD = "Mein-Konto-Loeschen-1"
PDF = files.pdf()


def _client(config: dict[str, Any], service: str) -> Any:
    endpoint = config["dynamodb_endpoint"] if service == "dynamodb" else config["moto_endpoint"]
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=config["region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def leftovers(config: dict[str, Any], needles: list[str], kept: set[str]) -> list[str]:
    """Where any needle still occurs: every item of every table (but the partitions kept on purpose),
    every object (key and bytes) of every bucket, every message waiting in every queue, the user pool."""
    found: list[str] = []
    raw = [n.encode() for n in needles]
    dynamodb = _client(config, "dynamodb")
    for table in dynamodb.list_tables()["TableNames"]:
        for page in dynamodb.get_paginator("scan").paginate(TableName=table):
            for item in page["Items"]:
                text = json.dumps(item, ensure_ascii=False)
                if item.get("PK", {}).get("S") not in kept and any(n in text for n in needles):
                    found.append(f"{table}: {item['PK']['S']} / {item['SK']['S']}")
    s3 = _client(config, "s3")
    for bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for entry in page.get("Contents", []):
                body = s3.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read()
                if any(n in entry["Key"] for n in needles) or any(r in body for r in raw):
                    found.append(f"s3://{bucket}/{entry['Key']}")
    sqs = _client(config, "sqs")
    for url in sqs.list_queues().get("QueueUrls", []):
        waiting = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
        for message in waiting.get("Messages", []):
            if any(n in message["Body"] for n in needles):
                found.append(f"queue {url.rsplit('/', 1)[-1]}")
    cognito = _client(config, "cognito-idp")
    for pool in cognito.list_user_pools(MaxResults=10)["UserPools"]:
        for user in cognito.list_users(UserPoolId=pool["Id"])["Users"]:
            if any(n in json.dumps(user, default=str) for n in needles):
                found.append(f"user pool: {user['Username']}")
    return found


def reaches(client: PortalClient, path: str, token: str, status: str) -> dict[str, Any]:
    """The resource once its `status` is the one awaited (export and erasure run through every domain)."""
    reached = eventually(
        lambda: (answer := client.call("GET", path, token).json())["status"] == status and answer, timeout=60
    )
    assert reached, client.call("GET", path, token).json()
    return dict(reached)


def test_use_everything_export_hand_over_erase_and_nothing_is_left(stack: RunningStack) -> None:
    client = PortalClient(stack.url)
    tag = uuid.uuid4().hex[:8]
    digits = str(int(tag, 16))[-7:].rjust(7, "1")
    person = DemoUser("person", f"Perdita Löschmann {tag}", f"perdita-{tag}@praxis-loesch.example", PASSWORD)
    colleague = DemoUser(
        "colleague", f"Konrad Bleibtreu {tag}", f"konrad-{tag}@praxis-loesch.example", PASSWORD
    )
    outsider_cc = f"extern-{tag}@labor-extern.example"

    me = client.register_and_activate(person)["access_token"]
    my_id = client.call("GET", "/accounts/me", me).json()["user_id"]
    org_id = client.call("POST", "/organisations", me, json={"name": f"Praxis Löschmann {tag}"}).json()["id"]
    client.call(
        "POST", f"/organisations/{org_id}/invitations", me, json={"email": colleague.email, "role": "member"}
    ).raise_for_status()
    invitation = client.last_token_for(colleague.email, "einladung")
    other = client.register_and_activate(colleague)["access_token"]
    client.call("POST", "/invitations/accept", other, json={"token": invitation}).raise_for_status()
    other_id = client.call("GET", "/accounts/me", other).json()["user_id"]

    # the practitioner of a calendar
    calendar_id = client.call(
        "POST", f"/organisations/{org_id}/calendars", me, json={"name": f"Kalender {person.full_name}"}
    ).json()["id"]
    settings = client.call(
        "PATCH",
        f"/calendars/{calendar_id}/notification-settings",
        me,
        json={"email": person.email, "mobile": f"0171 {digits}"},
    )
    assert settings.status_code == 200, settings.text
    phone = settings.json()["mobile"]

    # a ticket with an attachment and a CC, and copy of the colleague's ticket
    attachment_id, posted = upload(client, me, PDF, "befund.pdf", "application/pdf", len(PDF))
    assert posted < 300 and wait_for_state(client, me, attachment_id) == "clean"
    mine = client.call(
        "POST",
        "/tickets",
        me,
        json={
            "request_type": "bug_report",
            "subject": "Kalender synchronisiert nicht",
            "description": "Seit gestern fehlen Termine im Kalender.",
            "fields": {"module": "calendar"},
            "cc": [outsider_cc],
            "attachment_ids": [attachment_id],
        },
    ).json()
    theirs = client.call(
        "POST",
        "/tickets",
        other,
        json={
            "request_type": "bug_report",
            "subject": "Drucker druckt keine Rechnungen",
            "description": "Die Rechnungen bleiben in der Warteschlange.",
            "fields": {"module": "billing"},
            "cc": [person.email],
        },
    ).json()

    # a reply by mail, to the colleague's ticket
    copy_mail = eventually(
        lambda: [m for m in mails(client, person.email) if theirs["case_number"] in m["subject"]]
    )
    reply = EmailMessage()
    reply["From"] = f"{person.full_name} <{person.email}>"
    reply["To"] = copy_mail[0]["reply_to"]
    reply["Subject"] = f"Re: {copy_mail[0]['subject']}"
    reply.set_content("Bei uns ist es genauso, seit dem Update.")
    received = requests.post(f"{stack.url}/_local/inbound-email", data=reply.as_bytes(), timeout=30)
    assert received.json()["results"][0]["result"] == "commented", received.text

    # the inbox, and a helpful vote with a comment
    assert eventually(lambda: client.call("GET", "/inbox", me).json()["items"])
    # the demo's articles are indexed after the stack is up: on a fresh stack, wait for them
    article_id = eventually(lambda: client.call("GET", "/kb/search", params={"q": "Termin"}).json()["items"])[
        0
    ]["id"]
    voted = client.call(
        "POST",
        f"/kb/articles/{article_id}/votes",
        me,
        json={"helpful": False, "comment": "Ein Beispiel fehlt."},
    )
    assert voted.status_code in (200, 201), voted.text

    # the export: every domain's part in one archive, nothing of anyone else
    export = client.call("POST", "/accounts/me/exports", me)
    assert export.status_code == 202, export.text
    ready = reaches(client, f"/accounts/me/exports/{export.json()['id']}", me, "ready")
    assert eventually(
        lambda: [
            m
            for m in mails(client, person.email)
            if m["subject"] == "Ihre Daten liegen zum Herunterladen bereit"
        ]
    )
    archive = zipfile.ZipFile(io.BytesIO(requests.get(ready["download_url"], timeout=30).content))
    names = set(archive.namelist())
    assert {
        "README.txt",
        "accounts.json",
        "tickets.json",
        "inbox.json",
        "kb.json",
        "notifications.json",
    } <= names
    assert any(n.endswith("-befund.pdf") for n in names)
    part = {n.removesuffix(".json"): json.loads(archive.read(n)) for n in names if n.endswith(".json")}
    assert part["accounts"]["profile"]["email"] == person.email
    assert part["accounts"]["membership"]["role"] == "admin"
    assert {t["case_number"] for t in part["tickets"]["tickets"]} == {
        mine["case_number"],
        theirs["case_number"],
    }
    assert part["inbox"]["messages"]
    assert [v["comment"] for v in part["kb"]["votes"]] == ["Ein Beispiel fehlt."]
    assert part["notifications"]["calendars"][0]["mobile"] == phone
    everything = b"".join(archive.read(n) for n in names)
    for someone_else in (colleague.email, colleague.full_name, outsider_cc, other_id):
        assert someone_else.encode() not in everything, [
            n for n in names if someone_else.encode() in archive.read(n)
        ] + [
            m for n in names if n.endswith(".json") for m in [archive.read(n).decode()] if someone_else in m
        ][:1]

    # the scan finds the person everywhere before (it is a scan that can fail)
    config = client.call("GET", "/_local/config").json()
    needles = [person.email, person.full_name, phone, phone.removeprefix("+49"), my_id, "Ein Beispiel fehlt."]
    before = leftovers(config, needles, kept=set())
    for where in (
        "-accounts:",
        "-tickets:",
        "-inbox:",
        "-notifications:",
        "-kb:",
        "-exports-",
        "-inbound-",
        "user pool",
    ):
        assert any(where in hit for hit in before), (where, before)

    # the only admin of an organisation with another member hands over first
    assert (
        client.call(
            "POST", "/accounts/me/erasure", me, json={"password": "Falsch-99", "confirm": True}
        ).status_code
        == 403
    )
    refused = client.call("POST", "/accounts/me/erasure", me, json={"password": PASSWORD, "confirm": True})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "hand_over_first"
    client.call(
        "PATCH", f"/organisations/{org_id}/members/{other_id}", me, json={"role": "admin"}
    ).raise_for_status()
    erased = client.call("POST", "/accounts/me/erasure", me, json={"password": PASSWORD, "confirm": True})
    assert erased.status_code == 202, erased.text
    assert (
        client.call(
            "POST", "/accounts/sessions", json={"email": person.email, "password": PASSWORD}
        ).status_code
        == 401
    )
    assert client.call("GET", "/accounts/me", me).status_code in (401, 404)

    agent = client.sign_in(AGENT)["access_token"]
    done = reaches(client, f"/agent/erasures/{erased.json()['id']}", agent, "completed")
    assert done["parts_missing"] == []

    # the organisation keeps its ticket, without the person
    kept = client.call("GET", f"/tickets/{mine['id']}", other).json()
    assert (kept["requester"]["full_name"], kept["requester"]["email"]) == ("Gelöschte Person", None)

    assert leftovers(config, needles, kept={f"AUDIT#{my_id}"}) == []
