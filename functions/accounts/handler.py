"""Lambda entry of the accounts function: the resolver with its routers, nothing else."""

from __future__ import annotations

from accounts.dependencies import logger
from accounts.routes import agents, auth, organisations, privacy, profile
from accounts.settings import api_settings
from shared.resolver import create_resolver, lambda_entry

app = create_resolver(
    routers=[auth.router, profile.router, organisations.router, agents.router, privacy.router],
    logger=logger,
    title="Accounts",
)
handler = lambda_entry(
    app,
    logger,
    tracing_enabled=lambda: api_settings().tracing_enabled,
    accounts_table=lambda: api_settings().accounts_table,
)
