"""The accounts domain's own queue of public requests that send mail (registration, forgotten password).

The HTTP function answers at once and hands the work to the worker through this queue, for every
address alike: whether an address is registered then shows neither in the answer nor in its timing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient


class RequestQueue(Protocol):
    def submit(self, request: dict[str, Any]) -> None: ...


class SqsRequestQueue:
    def __init__(self, client: SQSClient, queue_url: str) -> None:
        self._sqs = client
        self._url = queue_url

    def submit(self, request: dict[str, Any]) -> None:
        self._sqs.send_message(QueueUrl=self._url, MessageBody=json.dumps(request, ensure_ascii=False))
