"""The daily run that ends what the retention policy does not keep: a ticket closed for longer than
`ClosedTicketRetentionDays` (no activity since) is deleted with its timeline, attachments, CC and
case-number items and its files (docs/privacy.md). Bounded per run; a run that stops half way is
finished by the next one (the ticket's own item goes last)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.clock import iso
from tickets.dependencies import logger, retention

PER_RUN = 200


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    service = retention()
    cutoff = iso(service.clock.now() - timedelta(days=service.settings.closed_ticket_retention_days))
    purged = files = 0
    for ticket_id in service.store.closed_before(cutoff, PER_RUN):
        for object_key in service.store.purge(ticket_id):
            service.links.delete(object_key)
            files += 1
        purged += 1
    logger.info("closed tickets purged", extra={"tickets": purged, "files": files})
    return {"tickets": purged, "files": files}
