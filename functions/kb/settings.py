"""Settings of the knowledge-base functions (template.yaml sets each variable)."""

from __future__ import annotations

from functools import cache

from pydantic import Field

from shared.settings import FunctionSettings


class KbSettings(FunctionSettings):
    kb_table: str = Field(min_length=1)
    accounts_table: str = Field(default="", description="HTTP function: the session check reads profiles")
    kb_index_bucket: str = Field(min_length=1)
    kb_index_cache_seconds: int = Field(default=10, ge=0, le=3600)
    requests_per_source_per_hour: int = Field(default=30, ge=1, description="Anonymous votes per source")
    index_dir: str = Field(default="/tmp", description="Where the index snapshot is kept (Lambda: /tmp)")  # noqa: S108


@cache
def get_settings() -> KbSettings:
    return KbSettings()  # type: ignore[call-arg]
