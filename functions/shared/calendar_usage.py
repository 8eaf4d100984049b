"""How many practitioner calendars an organisation uses, beside how many its licence allows.

The notifications domain owns the counter (`ORG#<org>` / `CALENDAR_COUNT` in its table, changed in
the same transaction as each calendar); the accounts function reads it, GetItem only, to show the
count on the organisation and to warn when a licence is lowered below it.
"""

from __future__ import annotations

from typing import Any

from shared.dynamo import key

COUNT_ATTRIBUTE = "count"


def counter_key(org_id: str) -> dict[str, Any]:
    return key(f"ORG#{org_id}", "CALENDAR_COUNT")


def calendars_in_use(client: Any, table: str, org_id: str) -> int:
    item = client.get_item(
        TableName=table,
        Key=counter_key(org_id),
        ProjectionExpression="#c",
        ExpressionAttributeNames={"#c": COUNT_ATTRIBUTE},
    ).get("Item")
    return int(item[COUNT_ATTRIBUTE]["N"]) if item and COUNT_ATTRIBUTE in item else 0
