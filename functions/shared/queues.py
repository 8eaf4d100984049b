"""A queue of work for a function of the same domain (SQS). Services see only `Queue`; tests use a
fake that keeps what was sent (tests/support/fakes.py)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient


@runtime_checkable
class Queue(Protocol):
    def send(self, message: dict[str, Any], delay_seconds: int = 0) -> None: ...


class SqsQueue:
    def __init__(self, client: SQSClient, queue_url: str) -> None:
        self._sqs = client
        self._url = queue_url

    def send(self, message: dict[str, Any], delay_seconds: int = 0) -> None:
        self._sqs.send_message(
            QueueUrl=self._url,
            MessageBody=json.dumps(message, ensure_ascii=False),
            DelaySeconds=delay_seconds,
        )
