"""Small helpers around the low-level DynamoDB client: (de)serialisation and reading its errors.

The low-level client is used rather than the resource API: it imports faster (cold start) and shows
exactly which calls a request makes.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar, cast

from boto3.dynamodb.types import Binary, TypeSerializer
from botocore.exceptions import ClientError

_serializer = TypeSerializer()


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    """Serialise, leaving out None values (DynamoDB stores absence, not null)."""
    return {k: _attribute(v) for k, v in values.items() if v is not None}


def _attribute(value: Any) -> dict[str, Any]:
    """One value as DynamoDB's attribute value: what boto3's TypeSerializer gives, written out for the
    types every write has (its generic checks were a reply's largest share of our own time); any other
    type goes to boto3's (which refuses floats, as DynamoDB wants exact numbers)."""
    kind = type(value)
    if kind is str:
        return {"S": value}
    if kind is bool:
        return {"BOOL": value}
    if kind is int:
        return {"N": str(value)}
    if kind is dict:
        return {"M": {k: _attribute(v) for k, v in value.items()}}
    if kind is list or kind is tuple:
        return {"L": [_attribute(v) for v in value]}
    if value is None:
        return {"NULL": True}
    return cast(dict[str, Any], _serializer.serialize(value))


def _number(text: str) -> int:
    """Every number this project stores is whole (boto3's deserialiser would give a Decimal)."""
    try:
        return int(text)
    except ValueError:
        return int(Decimal(text))


def _plain(value: Mapping[str, Any]) -> Any:
    """One attribute value as Python: what boto3's TypeDeserializer gives, numbers as int. Written out
    because every list page decodes every attribute of every item with it (a warm request's largest
    share of our own time, bench/warm.py)."""
    ((tag, inner),) = value.items()
    if tag == "S":
        return inner
    if tag == "N":
        return _number(inner)
    if tag == "M":
        return {k: _plain(v) for k, v in inner.items()}
    if tag == "L":
        return [_plain(v) for v in inner]
    if tag == "BOOL":
        return inner
    if tag == "NULL":
        return None
    if tag == "SS":
        return set(inner)
    if tag == "NS":
        return {_number(n) for n in inner}
    if tag == "B":
        return Binary(inner)
    if tag == "BS":
        return {Binary(b) for b in inner}
    raise TypeError(f"unknown DynamoDB type {tag}")


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _plain(v) for k, v in item.items()}


R = TypeVar("R")


def record(kind: type[R], values: Mapping[str, Any]) -> R:
    """A stored item as a dataclass record: the fields picked from the item's attributes."""
    names = _field_names(cast(Any, kind))
    return kind(**{name: values[name] for name in names if name in values})


def attributes(flat: Any) -> dict[str, Any]:
    """A record of plain values as a dict: what `dataclasses.asdict` gives it, without the deep copy
    (a notification writes four of them per event)."""
    return {name: getattr(flat, name) for name in _field_names(cast(Any, type(flat)))}


@functools.cache
def _field_names(kind: Any) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind))


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": sk}}


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def is_conditional_failure(error: ClientError) -> bool:
    return error_code(error) == "ConditionalCheckFailedException"


def conditional_put(
    client: Any,
    table: str,
    item: dict[str, Any],
    condition: str,
    names: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> bool:
    """PutItem on a condition: True when written, False when the condition failed."""
    request: dict[str, Any] = {"TableName": table, "Item": item, "ConditionExpression": condition}
    if names:
        request["ExpressionAttributeNames"] = names
    if values:
        request["ExpressionAttributeValues"] = values
    try:
        client.put_item(**request)
    except ClientError as error:
        if is_conditional_failure(error):
            return False
        raise
    return True


def put_new(client: Any, table: str, item: dict[str, Any]) -> bool:
    """Creates an item that must not exist yet: False (nothing written) when it does."""
    return conditional_put(client, table, item, "attribute_not_exists(PK)")


def put_new_part(table: str, item: dict[str, Any]) -> Any:
    """A transaction's Put of an item that must not exist yet (`put_new`'s condition): when it does,
    the whole transaction is cancelled."""
    return {"Put": {"TableName": table, "Item": item, "ConditionExpression": "attribute_not_exists(PK)"}}


def cancellation_reasons(error: ClientError) -> list[str]:
    """For a cancelled transaction, the reason code of each item in order ("None" where it was fine)."""
    if error_code(error) != "TransactionCanceledException":
        return []
    reasons = error.response.get("CancellationReasons") or []
    return [str(r.get("Code", "None")) for r in reasons]


def query_all(client: Any, **request: Any) -> list[dict[str, Any]]:
    """Every item of one Query, following LastEvaluatedKey (an item collection beyond 1 MB)."""
    items: list[dict[str, Any]] = []
    while True:
        response = client.query(**request)
        items.extend(from_item(i) for i in response.get("Items", []))
        if "LastEvaluatedKey" not in response:
            return items
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def batch_get_all(
    client: Any,
    table: str,
    keys: list[dict[str, Any]],
    attempts: int = 5,
    *,
    projection: str | None = None,
    names: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The items of up to 100 keys in one BatchGetItem (only the `projection`'s attributes, when
    given); keys left unprocessed (throttling) are asked again."""
    if not keys:
        return []
    found: list[dict[str, Any]] = []
    asked: dict[str, Any] = {"Keys": keys, "ConsistentRead": True}
    if projection:
        asked |= {
            "ProjectionExpression": projection,
            **({"ExpressionAttributeNames": names} if names else {}),
        }
    request: dict[str, Any] = {table: asked}
    for _attempt in range(attempts):
        if not request:
            break
        response = client.batch_get_item(RequestItems=request)
        found.extend(from_item(i) for i in response.get("Responses", {}).get(table, []))
        request = dict(response.get("UnprocessedKeys") or {})
    return found


def batch_write_all(client: Any, table: str, requests: list[dict[str, Any]], attempts: int = 5) -> None:
    """Up to 25 put or delete requests in one BatchWriteItem; those left unprocessed (throttling) are
    sent again."""
    pending: dict[str, Any] = {table: requests}
    for _attempt in range(attempts):
        if not pending or not pending.get(table):
            return
        pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    if pending:
        raise RuntimeError("DynamoDB left writes unprocessed")


def delete_all(client: Any, table: str, items: list[dict[str, Any]]) -> None:
    """Deletes the items with these keys (decoded `PK`/`SK`), 25 to a BatchWriteItem."""
    for start in range(0, len(items), 25):
        batch_write_all(
            client,
            table,
            [{"DeleteRequest": {"Key": key(str(i["PK"]), str(i["SK"]))}} for i in items[start : start + 25]],
        )
