"""The suppression list: addresses that do not receive mail (a hard bounce, a complaint), written by the
mail-feedback function from SES's events and read by every function that sends mail (it skips them)
or shows who does not receive it (a ticket's people, a calendar's address). One item per address:
`ADDRESS#<address>` / `SUPPRESSION` with `suppressed` (reason, when) and a count of soft bounces."""

from __future__ import annotations

from typing import Any

from shared.dynamo import batch_get_all, key


def suppression_key(address: str) -> dict[str, Any]:
    return key(f"ADDRESS#{address}", "SUPPRESSION")


class SuppressionList:
    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table

    def is_suppressed(self, address: str) -> bool:
        item = self._db.get_item(
            TableName=self._table, Key=suppression_key(address), ProjectionExpression="suppressed_reason"
        ).get("Item")
        return bool(item and "suppressed_reason" in item)

    def suppressed_among(self, addresses: list[str]) -> set[str]:
        """Which of these addresses do not receive mail: one BatchGetItem."""
        unique = list(dict.fromkeys(addresses))[:100]
        found = batch_get_all(
            self._db,
            self._table,
            [suppression_key(a) for a in unique],
            projection="PK, suppressed_reason",
        )
        return {str(i["PK"]).removeprefix("ADDRESS#") for i in found if i.get("suppressed_reason")}
