"""How long personal data is kept: an item's DynamoDB TTL (`expires_at`, epoch seconds) from the time it
was made and the retention the template gives (docs/privacy.md)."""

from __future__ import annotations

from datetime import datetime, timedelta


def expires_epoch(made_at: str, days: int) -> int:
    """The TTL of something made at `made_at` (ISO 8601, UTC) and kept `days` days."""
    made = datetime.fromisoformat(made_at.replace("Z", "+00:00"))
    return int((made + timedelta(days=days)).timestamp())
