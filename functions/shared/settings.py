"""Settings shared by every function, read from the environment once per process (at the first request,
not at import: pydantic-settings and its sources are imported then).

Required values have no default: a function deployed without them fails at its first request with a
clear validation error instead of running half-configured. A function's settings model is a plain
pydantic model; `load` reads it from the environment with pydantic-settings.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

S = TypeVar("S", bound="FunctionSettings")


class FunctionSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    stage: str = Field(min_length=1, description="Deployment stage, e.g. dev or prod")
    service_name: str = Field(validation_alias="POWERTOOLS_SERVICE_NAME", min_length=1)
    event_bus_name: str = Field(min_length=1)
    tracing_enabled: bool = False


@cache
def _load(kind: type[FunctionSettings]) -> FunctionSettings:
    from pydantic_settings import BaseSettings, SettingsConfigDict

    class FromEnvironment(BaseSettings, kind):  # type: ignore[valid-type, misc]
        model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=False, defer_build=True)

    loaded: Any = FromEnvironment()
    return loaded  # type: ignore[no-any-return]


def load(kind: type[S]) -> S:
    """A function's settings, read from its environment once per process."""
    loaded = _load(kind)
    assert isinstance(loaded, kind)
    return loaded


def forget() -> None:
    """Tests: read every function's settings again (after the environment changed)."""
    _load.cache_clear()
