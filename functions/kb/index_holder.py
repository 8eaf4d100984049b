"""The search index an instance of the KB function searches: the newest snapshot the indexer built, in
this code's index format, downloaded and opened once per version and checked again at most every
`kb_index_cache_seconds`."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kb.snapshots import Snapshots
from kb.store import KbStore

if TYPE_CHECKING:
    from kb.index import SearchIndex
    from kb.settings import KbApiSettings

REBUILD_REQUEST_SECONDS = 60


@dataclass
class IndexHolder:
    """The newest index snapshot, checked at most every `seconds` per instance."""

    store: KbStore
    snapshots: Snapshots
    settings: KbApiSettings
    version: str = ""
    index: SearchIndex | None = None
    checked_at: float = field(default=-1e18)
    requested_at: float = field(default=-1e18)

    def rebuild_due(self) -> bool:
        """True at most once a minute per instance while there is no snapshot this code can read (a
        fresh deployment, or a new index format): then the caller asks the indexer for one."""
        now = time.monotonic()
        if self.index is not None or now - self.requested_at < REBUILD_REQUEST_SECONDS:
            return False
        self.requested_at = now
        return True

    def get(self) -> SearchIndex | None:
        now = time.monotonic()
        if now - self.checked_at < self.settings.kb_index_cache_seconds and self.index is not None:
            return self.index
        self.checked_at = now
        current = self.store.current_index()
        if current is None:
            self.index, self.version = None, ""
            return None
        version, object_key = current
        if version != self.version:
            directory = Path(self.settings.index_dir) / f"kb-index-{version}"
            if not (directory / "meta.json").exists():
                archive = Path(self.settings.index_dir) / f"kb-index-{version}.tar"
                self.snapshots.download(object_key, archive)
                from kb.index import unpack  # tantivy: loaded with the first index, not at import

                unpack(archive, directory)
                archive.unlink()
            from kb.index import SearchIndex

            self.index, self.version = SearchIndex(directory), version
        return self.index
