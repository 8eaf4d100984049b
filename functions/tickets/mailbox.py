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
