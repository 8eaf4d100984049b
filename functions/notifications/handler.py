"""Lambda entry of the notifications API function."""

from __future__ import annotations

from notifications.dependencies import logger
from notifications.routes import calendars
from notifications.settings import api_settings
from shared.resolver import create_resolver, lambda_entry

app = create_resolver(routers=[calendars.router], logger=logger, title="Notifications")
handler = lambda_entry(
    app,
    logger,
    tracing_enabled=lambda: api_settings().tracing_enabled,
    accounts_table=lambda: api_settings().accounts_table,
)
