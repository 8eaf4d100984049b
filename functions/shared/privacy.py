"""A person's data across domains (Art. 15/20 export, Art. 17 erasure), the part every domain shares.

The accounts domain takes the request and publishes `UserExportRequested` or `UserErasureRequested`;
every domain that keeps something about people does its part when the event reaches its queue and says
so (`UserExportPartReady`, `UserErasureConfirmed`); accounts assembles the archive, or records the
erasure complete, when every part has answered. A part is idempotent: a redelivered or re-published
request does the same again (docs/privacy.md).

An export part is one JSON document per domain in the exports bucket,
`exports/<export id>/parts/<domain>.json`, with the files it names (`files`: archive path and object key)
beside it under `exports/<export id>/parts/<domain>/`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from shared.events import DomainEvent, EventPublisher

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# Who does a part: every domain that keeps something about a person.
EXPORT_PARTS = ("accounts", "tickets", "inbox", "notifications", "kb")
ERASURE_PARTS = ("accounts", "tickets", "inbox", "notifications", "kb", "realtime")
ERASED_NAME = "Gelöschte Person"  # what an organisation's ticket shows where the person was

REQUESTED = {"UserExportRequested": "export", "UserErasureRequested": "erasure"}
Kind = Literal["export", "erasure"]


@dataclass(frozen=True)
class PrivacyRequest:
    """Whose data: the account (None for a person who never had one, known by address only), the
    address, the name, and the organisations the person belonged to when it was asked."""

    kind: Kind
    request_id: str
    email: str
    user_id: str | None = None
    full_name: str | None = None
    organisation_ids: list[str] = field(default_factory=list)


def request_event(kind: Kind, request: PrivacyRequest) -> DomainEvent:
    detail_type = "UserExportRequested" if kind == "export" else "UserErasureRequested"
    return DomainEvent(
        detail_type,
        {
            f"{kind}_id": request.request_id,
            "user_id": request.user_id,
            "email": request.email,
            "full_name": request.full_name,
            "organisation_ids": request.organisation_ids,
        },
    )


def parse_request(event: dict[str, Any]) -> PrivacyRequest | None:
    """The request an EventBridge event (as SQS delivers it) carries; None for any other event."""
    kind = REQUESTED.get(str(event.get("detail-type")))
    if kind is None:
        return None
    data = event["detail"]["data"]
    return PrivacyRequest(
        kind="export" if kind == "export" else "erasure",
        request_id=str(data[f"{kind}_id"]),
        email=str(data["email"]),
        user_id=str(data["user_id"]) if data.get("user_id") else None,
        full_name=str(data["full_name"]) if data.get("full_name") else None,
        organisation_ids=[str(o) for o in data.get("organisation_ids") or []],
    )


def part_key(export_id: str, domain: str) -> str:
    return f"exports/{export_id}/parts/{domain}.json"


def archive_key(export_id: str) -> str:
    return f"exports/{export_id}/archive.zip"


class ExportParts:
    """Where a domain leaves its part of an export (the exports bucket, a lifecycle rule ends it)."""

    def __init__(self, s3: S3Client, bucket: str) -> None:
        self._s3 = s3
        self._bucket = bucket

    def copy_file(
        self, export_id: str, domain: str, path: str, source_bucket: str, source_key: str
    ) -> dict[str, str]:
        """Copies a file of the domain into the export; returns its entry for the part's `files`."""
        target = f"exports/{export_id}/parts/{domain}/{path}"
        self._s3.copy_object(
            Bucket=self._bucket, Key=target, CopySource={"Bucket": source_bucket, "Key": source_key}
        )
        return {"path": f"{domain}/{path}", "key": target}

    def put(self, export_id: str, domain: str, data: dict[str, Any]) -> None:
        self._s3.put_object(
            Bucket=self._bucket,
            Key=part_key(export_id, domain),
            Body=json.dumps(data, ensure_ascii=False, indent=2, default=str).encode(),
            ContentType="application/json",
        )

    def get(self, export_id: str, domain: str) -> dict[str, Any]:
        body = self._s3.get_object(Bucket=self._bucket, Key=part_key(export_id, domain))["Body"].read()
        return dict(json.loads(body))

    def read(self, object_key: str) -> bytes:
        return bytes(self._s3.get_object(Bucket=self._bucket, Key=object_key)["Body"].read())

    def delete(self, export_id: str) -> int:
        """Everything of one export (parts, files, archive): an erasure's part."""
        deleted = 0
        for page in self._s3.get_paginator("list_objects_v2").paginate(
            Bucket=self._bucket, Prefix=f"exports/{export_id}/"
        ):
            for item in page.get("Contents", []):
                self._s3.delete_object(Bucket=self._bucket, Key=item["Key"])
                deleted += 1
        return deleted

    def put_archive(self, export_id: str, archive: bytes) -> None:
        self._s3.put_object(
            Bucket=self._bucket, Key=archive_key(export_id), Body=archive, ContentType="application/zip"
        )

    def download_url(self, export_id: str, filename: str, seconds: int) -> str:
        return str(
            self._s3.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self._bucket,
                    "Key": archive_key(export_id),
                    "ResponseContentDisposition": f'attachment; filename="{filename}"',
                    "ResponseContentType": "application/zip",
                },
                ExpiresIn=seconds,
            )
        )


def handle(
    event: dict[str, Any],
    domain: str,
    publisher: EventPublisher,
    *,
    export: Callable[[PrivacyRequest], dict[str, Any]] | None,
    erase: Callable[[PrivacyRequest], object],
    parts: ExportParts | None,
) -> bool:
    """Does this domain's part of a privacy request and says it is done; False when the event is no
    privacy request (the consumer handles it as before)."""
    request = parse_request(event)
    if request is None:
        return False
    if request.kind == "export":
        if export is None or parts is None:
            raise ValueError(f"{domain} has no part in an export")
        parts.put(request.request_id, domain, export(request))
        done = DomainEvent("UserExportPartReady", {"export_id": request.request_id, "domain": domain})
    else:
        erase(request)
        done = DomainEvent("UserErasureConfirmed", {"erasure_id": request.request_id, "domain": domain})
    publisher.publish([done])  # raises when not accepted: the record is retried, the part done again
    return True
