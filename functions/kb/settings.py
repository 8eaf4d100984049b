"""Settings of the knowledge-base functions, one model per function (template.yaml sets each variable)."""

from __future__ import annotations

from pydantic import Field

from shared.settings import FunctionSettings, load


class KbSettings(FunctionSettings):
    kb_table: str = Field(min_length=1)
    kb_index_bucket: str = Field(min_length=1)


class KbApiSettings(KbSettings):
    accounts_table: str = Field(min_length=1, description="The session check reads the caller's profile")
    kb_index_cache_seconds: int = Field(default=10, ge=0, le=3600)
    requests_per_source_per_hour: int = Field(default=30, ge=1, description="Anonymous votes per source")
    index_dir: str = Field(default="/tmp", description="Where the index snapshot is kept (Lambda: /tmp)")  # noqa: S108


def api_settings() -> KbApiSettings:
    return load(KbApiSettings)


def indexer_settings() -> KbSettings:
    return load(KbSettings)
