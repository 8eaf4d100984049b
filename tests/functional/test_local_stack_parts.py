"""Parts of the local stack and shared adapters that the accounts journey does not reach."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from infra.local import outbox
from infra.local.activity import Activity
from infra.local.delivery import EventDelivery, rate_seconds
from infra.local.lambda_runtime import FunctionProcess
from infra.local.template import Resolver
from shared.sms import SmsSender
from tests.conftest import REGION, LocalAws


def test_sms_sender_reaches_the_outbox(local_aws: LocalAws) -> None:
    message_id = SmsSender(local_aws.client("sns"), "Praxis").send(
        "+4917112345678", "Neuer Termin am 9.9. 12:00"
    )
    assert message_id
    assert {"id": message_id, "to": "+4917112345678", "text": "Neuer Termin am 9.9. 12:00"} in outbox.sms(
        REGION
    )


@pytest.fixture
def batch_function() -> Any:
    process = FunctionProcess("BatchFunction", "tests.support.batch_handler.handler", {}, ".")
    process.start()
    yield process
    process.stop()


def test_sqs_delivery_keeps_only_the_reported_failures(
    local_aws: LocalAws, batch_function: FunctionProcess
) -> None:
    sqs = local_aws.client("sqs")
    url = sqs.create_queue(QueueName="test-delivery")["QueueUrl"]
    template = {
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "test-delivery"}},
            "BatchFunction": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Handler": "tests.support.batch_handler.handler",
                    "Events": {
                        "Jobs": {
                            "Type": "SQS",
                            "Properties": {
                                "Queue": {"Fn::GetAtt": ["Queue", "Arn"]},
                                "BatchSize": 10,
                                "FunctionResponseTypes": ["ReportBatchItemFailures"],
                            },
                        },
                        "Tick": {"Type": "Schedule", "Properties": {"Schedule": "rate(5 minutes)"}},
                    },
                },
            },
        }
    }
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    resolver = Resolver(template, region=REGION, attributes={"Queue": {"Arn": arn}})
    printed = io.StringIO()
    delivery = EventDelivery(
        resolver, {"BatchFunction": batch_function}, local_aws.moto_endpoint, REGION, Activity(printed)
    )
    delivery.plan()
    for body in ("ok-1", "fail", "ok-2"):
        sqs.send_message(QueueUrl=url, MessageBody=body)

    assert delivery.deliver_once(delivery.subscriptions[0]) == 3

    counts = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    assert counts == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "1"}
    assert delivery.schedules == [("BatchFunction", 300)]
    (line,) = printed.getvalue().splitlines()  # one line per delivered batch, the failure marked
    assert line.startswith("!!") and "sqs test-delivery (3)" in line and "BatchFunction" in line
    assert "1/3 failed" in line
    sqs.delete_queue(QueueUrl=url)


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [
        ("rate(1 minute)", 60),
        ("rate(10 minutes)", 600),
        ("rate(2 hours)", 7200),
        ("cron(0 12 * * ? *)", None),
    ],
)
def test_schedule_rates(expression: str, seconds: int | None) -> None:
    assert rate_seconds(expression) == seconds


def _slot(local_aws: LocalAws, max_bytes: int = 10) -> dict[str, Any]:
    s3 = local_aws.client("s3")
    bucket = local_aws.resolver.physical_ids["AttachmentsBucket"]
    return dict(
        s3.generate_presigned_post(
            Bucket=bucket,
            Key="tickets/uploads/u/policy-test",
            Fields={"Content-Type": "image/png"},
            Conditions=[{"Content-Type": "image/png"}, ["content-length-range", 1, max_bytes]],
            ExpiresIn=60,
        )
    )


@pytest.mark.parametrize(
    ("change", "content", "status", "code"),
    [
        ({}, b"12345", 204, None),
        ({}, b"12345678901", 400, "EntityTooLarge"),
        ({}, b"", 400, "EntityTooSmall"),
        ({"Content-Type": "text/html"}, b"<html>", 403, "AccessDenied"),
        ({"key": "tickets/files/x/y"}, b"123", 403, "AccessDenied"),
        ({"acl": "public-read"}, b"123", 403, "AccessDenied"),
        ({"x-amz-signature": "0" * 64}, b"123", 403, "SignatureDoesNotMatch"),
    ],
    ids=["within", "one-byte-too-large", "empty", "other-type", "other-key", "extra-field", "forged"],
)
def test_the_local_s3_enforces_the_post_policy_as_aws_does(
    local_aws: LocalAws, change: dict[str, str], content: bytes, status: int, code: str | None
) -> None:
    import requests

    post = _slot(local_aws)
    posted = requests.post(
        post["url"], data={**post["fields"], **change}, files={"file": ("x", content)}, timeout=10
    )
    assert posted.status_code == status, posted.text
    if code:
        assert f"<Code>{code}</Code>" in posted.text


def test_an_expired_policy_is_refused(local_aws: LocalAws) -> None:
    from datetime import UTC, datetime, timedelta

    from infra.local.s3_post_policy import PolicyViolation, check

    post = _slot(local_aws)
    bucket = local_aws.resolver.physical_ids["AttachmentsBucket"]
    check(post["fields"], 5, bucket, "local", datetime.now(UTC))
    with pytest.raises(PolicyViolation, match="expired"):
        check(post["fields"], 5, bucket, "local", datetime.now(UTC) + timedelta(minutes=2))


def test_the_local_http_api_passes_invalid_utf8_as_api_gateway_does_and_answers_its_own_errors_in_json() -> (
    None
):
    import base64
    import json
    import threading

    import requests

    from infra.local.http_api import LocalHttpApi, build_event
    from infra.local.services import free_port

    event = build_event(
        "POST /x", "POST", "/x", "", {"content-type": "application/json"}, b"\xff\xfe{", None, "1.2.3.4", {}
    )
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == b"\xff\xfe{"

    api = LocalHttpApi([], {}, free_port(), {})
    threading.Thread(target=api.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{api.port}"
        for url, status in ((f"{base}/x?q={'a' * 20000}", 414), (f"{base}/{'a' * 70000}", 414)):
            answer = requests.get(url, timeout=10)
            assert answer.status_code == status
            assert answer.headers["content-type"] == "application/json"
            assert json.loads(answer.content)["error"]["code"] == "uri_too_long"
        big_header = requests.get(f"{base}/x", headers={"x-big": "b" * 12000}, timeout=10)
        assert big_header.status_code == 431 and big_header.json()["error"]["code"] == "headers_too_large"
    finally:
        api.shutdown()


def test_a_function_s_output_goes_to_its_log_file_and_an_unhandled_error_is_logged_there(
    tmp_path: Path,
) -> None:
    log = tmp_path / "functions.jsonl"
    process = FunctionProcess("ChattyFunction", "tests.support.chatty_handler.handler", {}, ".", str(log))
    process.start()
    printed = io.StringIO()
    try:
        assert Activity(printed).deliver(process, {}, "test event", "corr-1") == (True, {"ok": True})
        ok, error = Activity(printed).deliver(process, {"fail": True}, "test event", "corr-2")
    finally:
        process.stop()
    assert not ok and error["errorType"] == "ValueError"
    lines = log.read_text().splitlines()
    assert lines.count('{"level": "INFO", "message": "handled", "function_name": "ChattyFunction"}') == 2
    assert lines.count("a warning on stderr") == 2
    (report,) = [json.loads(line) for line in lines if '"errorType"' in line]
    assert report["errorType"] == "ValueError" and report["function_name"] == "ChattyFunction"
    assert any("told to fail" in frame for frame in report["stackTrace"])
    ok_line, failed_line = printed.getvalue().splitlines()
    assert ok_line.startswith("  ") and "ChattyFunction" in ok_line and "corr-1" in ok_line
    assert failed_line.startswith("!!") and "ValueError: told to fail" in failed_line


def test_the_local_s3_checks_a_download_links_signature_and_expiry_as_aws_does(local_aws: LocalAws) -> None:
    """Found by an outside probe: moto served a presigned link with any signature."""
    from datetime import UTC, datetime, timedelta
    from urllib.parse import urlsplit

    import requests

    from infra.local.s3_post_policy import PolicyViolation, check_presigned

    s3 = local_aws.client("s3")
    bucket = local_aws.resolver.physical_ids["ExportsBucket"]
    s3.put_object(Bucket=bucket, Key="exports/x/archive.zip", Body=b"zip bytes")
    url = s3.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": bucket,
            "Key": "exports/x/archive.zip",
            "ResponseContentDisposition": 'attachment; filename="a b.zip"',
        },
        ExpiresIn=60,
    )
    assert requests.get(url, timeout=10).content == b"zip bytes"
    forged = url.replace("X-Amz-Signature=", "X-Amz-Signature=0")[: len(url)]
    assert requests.get(forged, timeout=10).status_code == 403
    other_key = url.replace("archive.zip", "other.zip")
    assert requests.get(other_key, timeout=10).status_code == 403
    parts = urlsplit(url)
    with pytest.raises(PolicyViolation, match="expired"):
        check_presigned(
            "GET", parts.path, parts.query, parts.netloc, "local", datetime.now(UTC) + timedelta(minutes=2)
        )


def test_a_functions_process_starts_at_its_first_call_and_again_after_it_ended() -> None:
    """As Lambda starts a sandbox for an invocation: the first call starts the process, and one that
    ended (a crash, an out-of-memory kill) is replaced at the next call."""
    lazy = FunctionProcess("LazyFunction", "tests.support.batch_handler.handler", {}, ".")
    try:
        assert lazy._process is None  # nothing runs before a call
        assert lazy.invoke({"detail-type": "Ping"}) == (True, {"detail_type": "Ping"})
        first = lazy._process
        first.kill()
        first.wait()
        assert lazy.invoke({"detail-type": "Again"}) == (True, {"detail_type": "Again"})
        assert lazy._process is not first
    finally:
        lazy.stop()
