"""Settings shared by every function, read from the environment once per cold start.

Required values have no default: a function deployed without them fails at its first request with a
clear validation error instead of running half-configured.
"""

from __future__ import annotations

from functools import cache
from typing import TypeVar

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

S = TypeVar("S", bound="FunctionSettings")


class FunctionSettings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=False)

    stage: str = Field(min_length=1, description="Deployment stage, e.g. dev or prod")
    service_name: str = Field(validation_alias="POWERTOOLS_SERVICE_NAME", min_length=1)
    event_bus_name: str = Field(min_length=1)
    tracing_enabled: bool = False


@cache
def _load(kind: type[BaseSettings]) -> BaseSettings:
    return kind()


def load(kind: type[S]) -> S:
    """A function's settings, read from its environment once per process."""
    loaded = _load(kind)
    assert isinstance(loaded, kind)
    return loaded


def forget() -> None:
    """Tests: read every function's settings again (after the environment changed)."""
    _load.cache_clear()
