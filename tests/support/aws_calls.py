"""Counts the AWS calls a request makes, through botocore's before-call event on every client that
shared.aws creates (the helper behind each domain's calls-per-endpoint table)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from shared import aws


@contextmanager
def count_aws_calls() -> Iterator[Counter[str]]:
    calls: Counter[str] = Counter()

    def hook(service: str, operation: str) -> None:
        calls[f"{service}:{operation}"] += 1

    aws.add_call_hook(hook)
    try:
        yield calls
    finally:
        aws.remove_call_hook(hook)
