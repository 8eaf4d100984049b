"""S3 notification handler: judges each uploaded file and keeps only bytes it has judged.

An upload slot (presigned POST) stays valid for minutes, so the object under an upload key may be
replaced after its scan. The scan therefore reads the whole object once, judges exactly those bytes,
and on a clean verdict writes them to a key no upload slot can write (`tickets/files/…`); downloads are
served from there only. The upload key is emptied either way. Any object that arrives on an upload key
whose upload is no longer pending (scanned, attached, expired or never asked for) is deleted unread:
a slot can be used once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import aws, wiring
from shared.clock import Clock
from shared.ids import new_id
from shared.log import get_logger
from tickets.attachments import AttachmentLinks, file_key, judge, parse_upload_key
from tickets.settings import scan_settings
from tickets.store import TicketsStore

logger = get_logger("attachment-scan")


def scan(links: AttachmentLinks, object_key: str, store: TicketsStore, max_bytes: int) -> str:
    """What happened to one object: clean, rejected, quarantined (a slot used again), or ignored."""
    parsed = parse_upload_key(object_key)
    if parsed is None:
        return "ignored"
    owner_id, attachment_id = parsed
    upload = store.uploads(owner_id, [attachment_id]).get(attachment_id)
    if upload is None or upload.state != "pending":
        if not links.exists(object_key):
            return "ignored"  # a repeated notification of an object handled before
        links.delete(object_key)
        logger.warning("upload slot used again", extra={"attachment_id": attachment_id})
        return "quarantined"
    stored = links.read(object_key, max_bytes)
    if stored is None:  # a repeated notification after the object was handled
        return "ignored"
    verdict = judge(stored.data, upload.content_type, max_bytes) if stored.data is not None else None
    clean = verdict is not None and verdict.clean
    reason = "too_large" if verdict is None else verdict.reason
    kept = file_key(attachment_id, new_id()) if clean else None
    if kept is not None and stored.data is not None:
        links.put(kept, stored.data, upload.content_type)
    links.delete(object_key)
    changed = store.set_upload_state(
        owner_id, attachment_id, "clean" if clean else "rejected", stored.size, reason, kept
    )
    if not changed and kept is not None:  # another scan of this slot decided first
        links.delete(kept)
    logger.info(
        "attachment scanned",
        extra={"attachment_id": attachment_id, "clean": clean, "reason": reason, "changed": changed},
    )
    return "clean" if clean else "rejected"


def _parts(clock: Clock) -> tuple[TicketsStore, Callable[[str], AttachmentLinks]]:
    """This function's parts: the store, and the bucket of each notification."""
    return (
        TicketsStore(aws.dynamodb(), scan_settings().tickets_table),
        lambda bucket: AttachmentLinks(aws.s3(), bucket),
    )


parts = wiring.Wiring(_parts)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    store, links_of = parts()
    max_bytes = scan_settings().max_attachment_bytes
    results = []
    for record in event.get("Records", []):
        s3 = record.get("s3", {})
        links = links_of(s3.get("bucket", {}).get("name", ""))
        object_key = unquote_plus(s3.get("object", {}).get("key", ""))
        results.append(scan(links, object_key, store, max_bytes))
    return {"results": results}
