"""Rebuilds the search-index snapshot from every published article and the agents' synonyms after
changes, uploads it to S3 and makes it current; the KB function instances pick it up within
`KbIndexCacheSeconds`. One batch of change notices is one rebuild (the function runs one at a time).
The dictionary of lemmas and compounds (`kb.morphology`) is loaded once per instance. A person's
export or erasure reaches the knowledge base on the same queue (kb.privacy): it is done, and rebuilds
nothing."""

from __future__ import annotations

import json
import tempfile
from functools import cache, partial
from pathlib import Path
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from kb import privacy as kb_privacy
from kb.index import IndexedArticle, build, pack
from kb.morphology import shared
from kb.settings import indexer_settings
from kb.snapshots import S3Snapshots, Snapshots
from kb.store import KbStore
from kb.text import plain_text
from shared import aws, privacy, wiring
from shared.clock import SystemClock
from shared.events import EventPublisher
from shared.ids import new_id
from shared.log import get_logger

logger = get_logger("kb-indexer")


_FORMS = shared()


def rebuild(store: KbStore, snapshots: Snapshots) -> tuple[str, int]:
    _, articles = store.everything(with_bodies=True)
    synonyms = store.synonyms()
    published = [
        IndexedArticle(a.article_id, a.folder_id, a.language, a.title, a.tags, plain_text(a.body_html))
        for a in articles
        if a.status == "published"
    ]
    version = new_id()
    with tempfile.TemporaryDirectory() as directory:
        count = build(
            Path(directory) / "index", published, forms=_FORMS, synonyms=synonyms.groups if synonyms else ()
        )
        archive = Path(directory) / "index.tar"
        pack(Path(directory) / "index", archive)
        object_key = f"snapshots/{version}.tar"
        snapshots.upload(archive, object_key)
    store.set_current_index(version, object_key, count)
    return version, count


@cache
def _publisher() -> EventPublisher:
    """Says a privacy part is done; built at the first request, once per instance."""
    return wiring.publisher(indexer_settings().event_bus_name, "portal.kb", SystemClock())


def _privacy(store: KbStore, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Does the knowledge base's part of the privacy requests among the records; returns the others
    (change notices)."""
    publisher = _publisher()
    changes = []
    for item in records:
        body = json.loads(item.get("body") or "{}")
        if not privacy.handle(
            body,
            "kb",
            publisher,
            export=partial(kb_privacy.export_part, store),
            erase=partial(kb_privacy.erase, store),
            parts=kb_privacy.exports(),
        ):
            changes.append(item)
    return changes


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = indexer_settings()
    store = KbStore(aws.dynamodb(), settings.kb_table)
    changes = _privacy(store, event.get("Records", []))
    if event.get("Records") and not changes:
        return {"version": None, "articles": None}  # privacy requests only: the index is unchanged
    version, count = rebuild(store, S3Snapshots(aws.s3(), settings.kb_index_bucket))
    logger.info("index rebuilt", extra={"version": version, "articles": count, "changes": len(changes)})
    return {"version": version, "articles": count}
