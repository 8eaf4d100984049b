"""A queue consumer's failed record is reported for redelivery and logged: its message id and the error's
type, never the body or the error's text."""

from __future__ import annotations

import json
from typing import Any

from infra.local.delivery import sqs_event
from infra.local.lambda_runtime import LocalContext
from shared.batch import process_batch


def test_a_failed_record_is_reported_and_logged_without_its_content() -> None:
    logged: list[tuple[str, dict[str, Any]]] = []

    class Recording:
        def warning(self, message: str, extra: dict[str, Any]) -> None:
            logged.append((message, extra))

    def handle(record: Any) -> None:
        if json.loads(record.body)["fail"]:
            raise ValueError("anna@praxis.example is wrong")

    messages = [
        {
            "MessageId": f"m{n}",
            "ReceiptHandle": f"r{n}",
            "Body": json.dumps({"fail": n == 1}),
            "Attributes": {},
        }
        for n in range(3)
    ]
    event = sqs_event(messages, "arn:aws:sqs:eu-central-1:1:q", "eu-central-1")
    result = process_batch(event, LocalContext("F", "r"), handle, Recording())  # type: ignore[arg-type]
    assert result["batchItemFailures"] == [{"itemIdentifier": "m1"}]
    assert [(m, e["message_id"], e["error_type"]) for m, e in logged] == [
        ("record failed", "m1", "ValueError")
    ]
    assert "anna@" not in json.dumps(logged)
