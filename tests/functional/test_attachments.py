"""Attachments: uploaded straight to S3, judged by their bytes, downloadable only when clean and only
by people who may see the ticket."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.functional.conftest import Account, AccountsDriver, submit
from tests.support import files

PDF = files.pdf()
PNG = files.png()
HTML = files.HTML
SVG = files.SVG
FOUR_MB = 4 * 1024 * 1024


def s3_event(bucket: str, key: str, size: int) -> dict[str, Any]:
    """The S3 notification as Lambda receives it."""
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": "eu-central-1",
                "eventName": "ObjectCreated:Post",
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                    "object": {"key": key, "size": size},
                },
            }
        ]
    }


def scan(accounts: AccountsDriver, key: str, size: int) -> dict[str, Any]:
    from infra.local.lambda_runtime import LocalContext
    from tickets.scan_handler import handler

    bucket = accounts.aws.resolver.physical_ids["AttachmentsBucket"]
    result: dict[str, Any] = handler(
        s3_event(bucket, key, size), LocalContext("AttachmentScanFunction", "scan")
    )
    return result


def upload(
    accounts: AccountsDriver,
    who: Account,
    content: bytes,
    filename: str,
    content_type: str,
    declared_size: int | None = None,
) -> tuple[str, int]:
    """Asks for a slot, posts the file to S3 as a browser would, runs the scan; (attachment id, POST status)."""
    slot = accounts.call(
        "POST",
        "/attachments",
        token=who.access_token,
        json_body={"filename": filename, "content_type": content_type, "size": declared_size or len(content)},
    )
    assert slot.status == 201, slot.body
    posted = requests.post(
        slot.body["url"], data=slot.body["fields"], files={"file": (filename, content)}, timeout=30
    )
    if posted.ok:
        scan(accounts, slot.body["fields"]["key"], len(content))
    return slot.body["attachment_id"], posted.status_code


def state(accounts: AccountsDriver, who: Account, attachment_id: str) -> str:
    return str(accounts.call("GET", f"/attachments/{attachment_id}", token=who.access_token).body["state"])


def test_a_pdf_becomes_clean_travels_with_the_ticket_and_downloads_as_attachment(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    customer = people["admin"]
    attachment_id, posted = upload(accounts, customer, PDF, "Befund März.pdf", "application/pdf")
    assert posted < 300
    assert state(accounts, customer, attachment_id) == "clean"

    ticket = submit(accounts, customer, attachment_ids=[attachment_id])
    assert [a["filename"] for a in ticket["attachments"]] == ["Befund März.pdf"]

    for reader in (customer, people["colleague"], people["agent"]):
        link = accounts.call(
            "GET", f"/tickets/{ticket['id']}/attachments/{attachment_id}", token=reader.access_token
        )
        assert link.status == 200
        fetched = accounts.fetch(link.body["url"])
        assert fetched.raw == PDF
        assert fetched.headers["content-disposition"].startswith("attachment;")
        assert fetched.headers["content-type"] == "application/pdf"
        assert fetched.headers["x-content-type-options"] == "nosniff"
    outsider = accounts.call(
        "GET", f"/tickets/{ticket['id']}/attachments/{attachment_id}", token=people["outsider"].access_token
    )
    assert outsider.status == 404


@pytest.mark.parametrize(
    ("content", "filename", "content_type", "reason"),
    [
        (HTML, "screenshot.png", "image/png", "type_not_allowed"),
        (SVG, "logo.png", "image/png", "type_not_allowed"),
        (PNG, "scan.pdf", "application/pdf", "type_mismatch"),
    ],
)
def test_files_that_are_not_what_they_claim_are_rejected_deleted_and_never_attached(
    accounts: AccountsDriver,
    people: dict[str, Any],
    content: bytes,
    filename: str,
    content_type: str,
    reason: str,
) -> None:
    customer = people["admin"]
    attachment_id, _ = upload(accounts, customer, content, filename, content_type)
    seen = accounts.call("GET", f"/attachments/{attachment_id}", token=customer.access_token).body
    assert (seen["state"], seen["reason"]) == ("rejected", reason)
    s3 = accounts.aws.client("s3")
    bucket = accounts.aws.resolver.physical_ids["AttachmentsBucket"]
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=f"tickets/uploads/{customer.user_id}/{attachment_id}")
    assert listed.get("KeyCount", 0) == 0
    refused = accounts.call(
        "POST",
        "/tickets",
        token=customer.access_token,
        json_body={
            "request_type": "bug_report",
            "subject": "Mit Anhang",
            "description": "Siehe Anhang bitte.",
            "fields": {"module": "calendar"},
            "attachment_ids": [attachment_id],
        },
    )
    assert refused.status == 422
    assert refused.error["fields"] == {
        "attachment_ids[0]": "Der Anhang wurde abgelehnt: erlaubt sind JPEG, PNG und PDF bis 4 MB."
    }


def test_more_than_four_megabytes_is_refused(accounts: AccountsDriver, people: dict[str, Any]) -> None:
    customer = people["admin"]
    too_big = accounts.call(
        "POST",
        "/attachments",
        token=customer.access_token,
        json_body={"filename": "gross.pdf", "content_type": "application/pdf", "size": FOUR_MB + 1},
    )
    assert too_big.status == 422 and set(too_big.error["fields"]) == {"size"}
    svg = accounts.call(
        "POST",
        "/attachments",
        token=customer.access_token,
        json_body={"filename": "bild.svg", "content_type": "image/svg+xml", "size": 100},
    )
    assert svg.status == 422 and set(svg.error["fields"]) == {"content_type"}

    # A client that declares less than it sends: S3's policy or the scan stops it.
    attachment_id, posted = upload(
        accounts,
        customer,
        PDF + b"\x00" * (FOUR_MB + 1 - len(PDF)),
        "gross.pdf",
        "application/pdf",
        declared_size=1000,
    )
    assert posted >= 400 or state(accounts, customer, attachment_id) == "rejected"
    assert state(accounts, customer, attachment_id) != "clean"


def test_a_pending_upload_cannot_be_attached_and_a_scan_runs_once(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    customer = people["admin"]
    slot = accounts.call(
        "POST",
        "/attachments",
        token=customer.access_token,
        json_body={"filename": "a.png", "content_type": "image/png", "size": len(PNG)},
    ).body
    requests.post(slot["url"], data=slot["fields"], files={"file": ("a.png", PNG)}, timeout=30)
    ticket = submit(accounts, customer)
    pending = accounts.call(
        "POST",
        f"/tickets/{ticket['id']}/replies",
        token=customer.access_token,
        json_body={"body": "Bild anbei", "attachment_ids": [slot["attachment_id"]]},
    )
    assert pending.status == 422
    assert pending.error["fields"] == {
        "attachment_ids[0]": "Der Anhang wird noch geprüft. Bitte warten Sie einen Moment."
    }

    assert scan(accounts, slot["fields"]["key"], len(PNG))["results"] == ["clean"]
    assert scan(accounts, slot["fields"]["key"], len(PNG))["results"] == [
        "ignored"
    ]  # a repeated notification
    replied = accounts.call(
        "POST",
        f"/tickets/{ticket['id']}/replies",
        token=customer.access_token,
        json_body={"body": "Bild anbei", "attachment_ids": [slot["attachment_id"]]},
    )
    assert replied.status == 201
    assert [a["filename"] for a in replied.body["attachments"]] == ["a.png"]
    assert scan(accounts, slot["fields"]["key"], len(PNG))["results"] == ["ignored"]  # late duplicate
    link = accounts.call(
        "GET", f"/tickets/{ticket['id']}/attachments/{slot['attachment_id']}", token=customer.access_token
    )
    assert accounts.fetch(link.body["url"]).raw == PNG
    again = accounts.call(
        "POST",
        f"/tickets/{ticket['id']}/replies",
        token=customer.access_token,
        json_body={"body": "Nochmal", "attachment_ids": [slot["attachment_id"]]},
    )
    assert again.status == 422  # an upload is attached once


def test_someone_elses_upload_cannot_be_attached(accounts: AccountsDriver, people: dict[str, Any]) -> None:
    attachment_id, _ = upload(accounts, people["outsider"], PDF, "fremd.pdf", "application/pdf")
    ticket = submit(accounts, people["admin"])
    stolen = accounts.call(
        "POST",
        f"/tickets/{ticket['id']}/replies",
        token=people["admin"].access_token,
        json_body={"body": "Fremder Anhang", "attachment_ids": [attachment_id]},
    )
    assert stolen.status == 422
    assert (
        accounts.call("GET", f"/attachments/{attachment_id}", token=people["admin"].access_token).status
        == 404
    )


def _slot(
    accounts: AccountsDriver, who: Account, filename: str, content_type: str, size: int
) -> dict[str, Any]:
    slot = accounts.call(
        "POST",
        "/attachments",
        token=who.access_token,
        json_body={"filename": filename, "content_type": content_type, "size": size},
    )
    assert slot.status == 201, slot.body
    return dict(slot.body)


def _post(slot: dict[str, Any], content: bytes) -> int:
    return requests.post(
        slot["url"], data=slot["fields"], files={"file": ("x", content)}, timeout=30
    ).status_code


def test_an_upload_slot_used_again_after_the_scan_never_replaces_what_is_served(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    customer = people["admin"]
    slot = _slot(accounts, customer, "befund.png", "image/png", len(PNG))
    key = slot["fields"]["key"]
    assert _post(slot, PNG) < 300
    assert scan(accounts, key, len(PNG))["results"] == ["clean"]
    # the same slot, still within its lifetime, now carries a page: the scan throws it away
    assert _post(slot, HTML) < 300
    assert scan(accounts, key, len(HTML))["results"] == ["quarantined"]
    ticket = submit(accounts, customer, attachment_ids=[slot["attachment_id"]])
    assert _post(slot, HTML) < 300  # and after the file is attached
    assert scan(accounts, key, len(HTML))["results"] == ["quarantined"]
    s3 = accounts.aws.client("s3")
    bucket = accounts.aws.resolver.physical_ids["AttachmentsBucket"]
    assert s3.list_objects_v2(Bucket=bucket, Prefix=key).get("KeyCount", 0) == 0
    link = accounts.call(
        "GET", f"/tickets/{ticket['id']}/attachments/{slot['attachment_id']}", token=customer.access_token
    )
    assert accounts.fetch(link.body["url"]).raw == PNG


def test_the_file_name_says_the_checked_type_and_downloads_are_never_sniffed(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    customer = people["admin"]
    attachment_id, _ = upload(accounts, customer, PNG, "rechnung.html", "image/png")
    seen = accounts.call("GET", f"/attachments/{attachment_id}", token=customer.access_token).body
    assert (seen["state"], seen["filename"]) == ("clean", "rechnung.png")
    ticket = submit(accounts, customer, attachment_ids=[attachment_id])
    link = accounts.call(
        "GET", f"/tickets/{ticket['id']}/attachments/{attachment_id}", token=customer.access_token
    )
    fetched = accounts.fetch(link.body["url"])
    assert fetched.headers["content-type"] == "image/png"
    assert fetched.headers["x-content-type-options"] == "nosniff"
    assert 'filename="rechnung.png"' in fetched.headers["content-disposition"]
    # a link is good for its minute only, and cannot be changed to name another file
    token = link.body["url"].rsplit("/", 1)[1]
    assert accounts.fetch(link.body["url"].replace(token, token[:-2] + "AA")).status == 404
    accounts.clock.advance(seconds=120)
    assert accounts.fetch(link.body["url"]).status == 404


@pytest.mark.parametrize(
    ("content", "content_type", "reason"),
    [
        (files.png_with_html_behind(), "image/png", "markup"),
        (files.pdf_with_javascript(), "application/pdf", "active_content"),
        (files.truncated_png(), "image/png", "unreadable"),
    ],
    ids=["png-with-html-behind", "pdf-with-javascript", "truncated-png"],
)
def test_files_that_hide_something_are_rejected(
    accounts: AccountsDriver, people: dict[str, Any], content: bytes, content_type: str, reason: str
) -> None:
    customer = people["admin"]
    attachment_id, _ = upload(accounts, customer, content, "rechnung.html", content_type)
    seen = accounts.call("GET", f"/attachments/{attachment_id}", token=customer.access_token).body
    assert (seen["state"], seen["reason"]) == ("rejected", reason)


def test_an_empty_object_ends_rejected_not_pending(accounts: AccountsDriver, people: dict[str, Any]) -> None:
    customer = people["admin"]
    slot = _slot(accounts, customer, "leer.pdf", "application/pdf", 10)
    s3 = accounts.aws.client("s3")
    bucket = accounts.aws.resolver.physical_ids["AttachmentsBucket"]
    s3.put_object(Bucket=bucket, Key=slot["fields"]["key"], Body=b"")  # as if the policy had let it through
    assert scan(accounts, slot["fields"]["key"], 0)["results"] == ["rejected"]
    assert state(accounts, customer, slot["attachment_id"]) == "rejected"


def anonymous_upload(
    accounts: AccountsDriver, content: bytes, filename: str, content_type: str, token: str | None = None
) -> tuple[str, str]:
    """The public form's upload: slot, the browser's POST to S3, the scan; (attachment id, upload token)."""
    body = {"filename": filename, "content_type": content_type, "size": len(content)}
    slot = accounts.call(
        "POST", "/attachments/anonymous", json_body=body | ({"upload_token": token} if token else {})
    )
    assert slot.status == 201, slot.body
    posted = requests.post(
        slot.body["url"], data=slot.body["fields"], files={"file": (filename, content)}, timeout=30
    )
    assert posted.ok
    scan(accounts, slot.body["fields"]["key"], len(content))
    return slot.body["attachment_id"], slot.body["upload_token"]


def test_the_public_form_attaches_a_checked_file_that_only_its_token_reaches(
    accounts: AccountsDriver, people: dict[str, Any]
) -> None:
    from tests.functional.conftest import anonymous_body

    clean, token = anonymous_upload(accounts, PDF, "Befund.pdf", "application/pdf")
    disguised, same = anonymous_upload(accounts, HTML, "foto.png", "image/png", token)
    assert same == token  # one form, one token

    def state_of(attachment_id: str, upload_token: str | None) -> Any:
        headers = {"Upload-Token": upload_token} if upload_token else {}
        return accounts.call("GET", f"/attachments/anonymous/{attachment_id}", headers=headers)

    assert [state_of(clean, token).body["state"], state_of(disguised, token).body["state"]] == [
        "clean",
        "rejected",
    ]
    _, stranger = anonymous_upload(accounts, PNG, "x.png", "image/png")
    assert state_of(clean, stranger).status == 404  # another form's token sees nothing
    assert set(state_of(clean, None).error["fields"]) == {"upload-token"}  # the header, named
    mine, _ = upload(accounts, people["admin"], PDF, "eigen.pdf", "application/pdf")

    address = accounts.new_email("gast")
    refused = [
        accounts.call("POST", "/tickets/anonymous", json_body=anonymous_body(email=address, **extra))
        for extra in (
            {"attachment_ids": [clean]},  # no token
            {"attachment_ids": [clean, disguised], "upload_token": token},
            {"attachment_ids": [mine], "upload_token": token},  # a signed-in person's upload
            {"attachment_ids": [clean], "upload_token": stranger},
        )
    ]
    assert [sorted(r.error["fields"]) for r in refused] == [
        ["upload_token"],
        ["attachment_ids[1]"],
        ["attachment_ids[0]"],
        ["attachment_ids[0]"],
    ]
    submitted = accounts.call(
        "POST",
        "/tickets/anonymous",
        json_body=anonymous_body(email=address, attachment_ids=[clean], upload_token=token),
    )
    assert submitted.status == 202, submitted.body
    agent = people["agent"]
    listed = accounts.call("GET", "/agent/tickets", token=agent.access_token, query={"status": "all"}).body
    ticket = next(t for t in listed["items"] if t["case_number"] == submitted.body["case_number"])
    shown = accounts.call("GET", f"/tickets/{ticket['id']}", token=agent.access_token).body
    assert [a["filename"] for a in shown["attachments"]] == ["Befund.pdf"]
    link = accounts.call("GET", f"/tickets/{ticket['id']}/attachments/{clean}", token=agent.access_token)
    assert accounts.fetch(link.body["url"]).raw == PDF
    assert state_of(clean, token).status == 404  # attached once, it is the ticket's now


def test_public_upload_slots_are_limited_per_source_address(accounts: AccountsDriver) -> None:
    body = {"filename": "a.pdf", "content_type": "application/pdf", "size": 100}
    statuses = [accounts.call("POST", "/attachments/anonymous", json_body=body).status for _ in range(6)]
    assert statuses == [201] * 5 + [429]  # 5 per source address and hour in the functional stack
