"""Attachments: what a file really is (by its first bytes), and presigned links to S3.

Only JPEG, PNG and PDF up to the configured size are accepted. The declared type and the file name
are not trusted: the scan reads the bytes, and a file whose content is not what it claims is deleted.
Uploads go straight to S3 through a presigned POST whose policy fixes the key, the content type and the
size range; downloads through a short-lived presigned GET with `Content-Disposition: attachment`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

ALLOWED_TYPES = ("image/jpeg", "image/png", "application/pdf")
HEAD_BYTES = 16
_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)


def detect(head: bytes) -> str | None:
    """The content type the bytes say, for the three allowed kinds; None for anything else."""
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    return None


@dataclass(frozen=True)
class Verdict:
    clean: bool
    reason: str | None = None


def judge(head: bytes, size: int, declared: str, max_bytes: int) -> Verdict:
    if size <= 0:
        return Verdict(False, "empty")
    if size > max_bytes:
        return Verdict(False, "too_large")
    detected = detect(head)
    if detected is None:
        return Verdict(False, "type_not_allowed")
    if detected != declared:
        return Verdict(False, "type_mismatch")
    return Verdict(True)


def safe_filename(name: str) -> str:
    """A file name fit for a Content-Disposition header: no path, no quotes, no control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = re.sub(r'[\x00-\x1f\x7f"\\;]', "_", base).strip() or "anhang"
    return cleaned[:150]


class AttachmentLinks:
    def __init__(self, client: S3Client, bucket: str) -> None:
        self._s3 = client
        self._bucket = bucket

    def upload(
        self, object_key: str, content_type: str, max_bytes: int, seconds: int
    ) -> tuple[str, dict[str, str]]:
        post = self._s3.generate_presigned_post(
            Bucket=self._bucket,
            Key=object_key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
            ExpiresIn=seconds,
        )
        return str(post["url"]), {k: str(v) for k, v in post["fields"].items()}

    def download(self, object_key: str, filename: str, content_type: str, seconds: int) -> str:
        return str(
            self._s3.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self._bucket,
                    "Key": object_key,
                    "ResponseContentDisposition": f'attachment; filename="{safe_filename(filename)}"',
                    "ResponseContentType": content_type,
                },
                ExpiresIn=seconds,
            )
        )

    def head(self, object_key: str) -> tuple[int, bytes]:
        size = int(self._s3.head_object(Bucket=self._bucket, Key=object_key)["ContentLength"])
        body: Any = self._s3.get_object(
            Bucket=self._bucket, Key=object_key, Range=f"bytes=0-{HEAD_BYTES - 1}"
        )["Body"]
        return size, bytes(body.read())

    def put(self, object_key: str, data: bytes, content_type: str) -> None:
        self._s3.put_object(Bucket=self._bucket, Key=object_key, Body=data, ContentType=content_type)

    def delete(self, object_key: str) -> None:
        self._s3.delete_object(Bucket=self._bucket, Key=object_key)
