"""Where the search index's snapshots live (S3). The service and the indexer see only `Snapshots`;
tests use a fake that keeps files in a folder (tests/support/fakes.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# The snapshot layout the indexer writes and the search reads; a new one is only used once the indexer
# has built it. Here, not in kb.index, so that reading it does not load the search engine (tantivy).
FORMAT = 3


@runtime_checkable
class Snapshots(Protocol):
    def download(self, object_key: str, target: Path) -> None: ...

    def upload(self, source: Path, object_key: str) -> None: ...


class S3Snapshots:
    def __init__(self, client: S3Client, bucket: str) -> None:
        self._s3 = client
        self._bucket = bucket

    def download(self, object_key: str, target: Path) -> None:
        self._s3.download_file(self._bucket, object_key, str(target))

    def upload(self, source: Path, object_key: str) -> None:
        self._s3.upload_file(str(source), self._bucket, object_key)
