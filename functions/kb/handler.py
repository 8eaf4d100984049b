"""Lambda entry of the knowledge-base function."""

from __future__ import annotations

from kb.dependencies import logger
from kb.routes import agents, public
from kb.settings import api_settings
from shared.resolver import create_resolver, lambda_entry

app = create_resolver(routers=[public.router, agents.router], logger=logger, title="Knowledge base")
handler = lambda_entry(
    app,
    logger,
    tracing_enabled=lambda: api_settings().tracing_enabled,
    accounts_table=lambda: api_settings().accounts_table,
)
