"""Scheduled every minute: retries failed deliveries while their 10 minutes last, marks the rest
missed, and counts them as the `NotificationsMissed` metric (its alarm is in the template)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from notifications.dependencies import logger, notifier

metrics = Metrics(namespace="SupportPortal", service="notifications-retry")


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    counts = notifier().retry_due()
    sent, failing, missed = counts.sent, counts.failing, counts.missed
    metrics.add_metric(name="NotificationsRetried", unit=MetricUnit.Count, value=sent + failing)
    metrics.add_metric(name="NotificationsMissed", unit=MetricUnit.Count, value=missed)
    logger.info("retry run", extra={"sent": sent, "failing": failing, "missed": missed})
    return {"sent": sent, "failing": failing, "missed": missed}
