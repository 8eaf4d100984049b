"""A tiny SQS-batch handler for testing the local stack's delivery: bodies saying "fail" fail."""

from __future__ import annotations

from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if "Records" not in event:  # an EventBridge event delivered as a direct rule target
        return {"detail_type": event.get("detail-type")}
    return {
        "batchItemFailures": [
            {"itemIdentifier": r["messageId"]} for r in event["Records"] if r["body"] == "fail"
        ]
    }
