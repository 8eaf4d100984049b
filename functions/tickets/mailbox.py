"""Received mail as SES stored it (S3, under the receipt rule's prefix). The mail handler sees only
`Mailbox`; tests use a fake that holds raw messages (tests/support/fakes.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


@runtime_checkable
class Mailbox(Protocol):
    def raw(self, mail_id: str) -> bytes: ...


class S3Mailbox:
    def __init__(self, client: S3Client, bucket: str, prefix: str) -> None:
        self._s3 = client
        self._bucket = bucket
        self._prefix = prefix

    def raw(self, mail_id: str) -> bytes:
        return bytes(self._s3.get_object(Bucket=self._bucket, Key=f"{self._prefix}{mail_id}")["Body"].read())

    def delete_mentioning(self, address: str) -> int:
        """Deletes every received mail (the bucket keeps them 14 days) whose raw bytes name the address:
        an erasure's part. Reads each one: bounded by the 14 days of mail, and erasures are rare."""
        needle = address.encode()
        deleted = 0
        for page in self._s3.get_paginator("list_objects_v2").paginate(
            Bucket=self._bucket, Prefix=self._prefix
        ):
            for item in page.get("Contents", []):
                body = self._s3.get_object(Bucket=self._bucket, Key=item["Key"])["Body"].read()
                if needle in body:
                    self._s3.delete_object(Bucket=self._bucket, Key=item["Key"])
                    deleted += 1
        return deleted
