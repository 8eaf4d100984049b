"""Lambda entry of the tickets function: the resolver with its routers, nothing else."""

from __future__ import annotations

from shared.resolver import create_resolver, lambda_entry
from tickets.dependencies import logger
from tickets.routes import agents, tickets
from tickets.settings import api_settings

app = create_resolver(routers=[tickets.router, agents.router], logger=logger, title="Tickets")
handler = lambda_entry(
    app,
    logger,
    tracing_enabled=lambda: api_settings().tracing_enabled,
    accounts_table=lambda: api_settings().accounts_table,
)
