"""Fixed-window rate limits kept in the domain's own DynamoDB table: one conditional UpdateItem a hit.

The limited value (an e-mail address, a source IP) is stored only as a hash, and every window item
expires through the table's TTL.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from shared.dynamo import is_conditional_failure, key
from shared.errors import RateLimited
from shared.ids import token_digest

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class RateLimiter:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def allow(
        self, scope: str, value: str, *, limit: int, window_seconds: int, now: datetime
    ) -> tuple[bool, int]:
        """Counts one hit; returns (allowed, seconds until the window ends)."""
        epoch = int(now.timestamp())
        window_start = epoch - epoch % window_seconds
        retry_after = window_start + window_seconds - epoch
        try:
            self._client.update_item(
                TableName=self._table,
                Key=key(f"RATE#{scope}#{token_digest(value)}", f"WINDOW#{window_start}"),
                UpdateExpression="ADD hits :one SET expires_at = :ttl",
                ConditionExpression="attribute_not_exists(hits) OR hits < :limit",
                ExpressionAttributeValues={
                    ":one": {"N": "1"},
                    ":limit": {"N": str(limit)},
                    ":ttl": {"N": str(window_start + 2 * window_seconds)},
                },
            )
        except ClientError as error:
            if is_conditional_failure(error):
                return False, retry_after
            raise
        return True, retry_after

    def check(self, scope: str, value: str, *, limit: int, window_seconds: int, now: datetime) -> None:
        """Counts one hit; RateLimited (429 with Retry-After) when the window is full."""
        allowed, retry_after = self.allow(scope, value, limit=limit, window_seconds=window_seconds, now=now)
        if not allowed:
            raise RateLimited("request.rate_limited", retry_after_seconds=retry_after)
