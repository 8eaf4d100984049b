"""Settings shared by every function, read from the environment once per cold start.

Required values have no default: a function deployed without them fails at its first request with a
clear validation error instead of running half-configured.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class FunctionSettings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=False)

    stage: str = Field(min_length=1, description="Deployment stage, e.g. dev or prod")
    service_name: str = Field(validation_alias="POWERTOOLS_SERVICE_NAME", min_length=1)
    event_bus_name: str = Field(min_length=1)
    tracing_enabled: bool = False
