"""Lambda entry of the inbox API function."""

from __future__ import annotations

from inbox.dependencies import logger
from inbox.routes import inbox
from inbox.settings import api_settings
from shared.resolver import create_resolver, lambda_entry

app = create_resolver(routers=[inbox.router], logger=logger, title="Inbox")
handler = lambda_entry(
    app,
    logger,
    tracing_enabled=lambda: api_settings().tracing_enabled,
    accounts_table=lambda: api_settings().accounts_table,
)
