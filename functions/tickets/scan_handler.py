"""S3 notification handler: reads each uploaded attachment's first bytes and size, and marks the
upload clean, or rejected and deleted. Runs once per object; a repeated notification changes nothing."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import aws
from shared.log import get_logger
from tickets.attachments import AttachmentLinks, judge
from tickets.settings import get_settings
from tickets.store import TicketsStore

logger = get_logger("attachment-scan")
UPLOAD_PREFIX = "tickets/uploads/"


def scan(bucket: str, object_key: str, store: TicketsStore, max_bytes: int) -> str:
    """The verdict for one object: clean, rejected, or ignored (not an upload, or unknown)."""
    if not object_key.startswith(UPLOAD_PREFIX) or object_key.count("/") != 3:
        return "ignored"
    owner_id, attachment_id = object_key[len(UPLOAD_PREFIX) :].split("/")
    upload = store.uploads(owner_id, [attachment_id]).get(attachment_id)
    if upload is None:  # already attached (a repeated notification) or never asked for: leave it
        return "ignored"
    links = AttachmentLinks(aws.s3(), bucket)
    size, head = links.head(object_key)
    verdict = judge(head, size, upload.content_type, max_bytes)
    if not verdict.clean:
        links.delete(object_key)
    changed = store.set_upload_state(
        owner_id, attachment_id, "clean" if verdict.clean else "rejected", size, verdict.reason
    )
    logger.info(
        "attachment scanned",
        extra={
            "attachment_id": attachment_id,
            "clean": verdict.clean,
            "reason": verdict.reason,
            "changed": changed,
        },
    )
    return "clean" if verdict.clean else "rejected"


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = get_settings()
    store = TicketsStore(aws.dynamodb(), settings.tickets_table, settings.accounts_table)
    results = []
    for record in event.get("Records", []):
        s3 = record.get("s3", {})
        bucket = s3.get("bucket", {}).get("name", "")
        object_key = unquote_plus(s3.get("object", {}).get("key", ""))
        results.append(scan(bucket, object_key, store, settings.max_attachment_bytes))
    return {"results": results}
