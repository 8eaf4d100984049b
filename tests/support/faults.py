"""Faults that really happen, injected around a real client (DynamoDB Local, moto):

- `lost_answer`: the service applied the call but the answer never arrived; botocore then retries the
  same request, which meets its own effect (a conditional write fails against the item it wrote);
- `accepted_then_timeout`: the provider took the message, the answer timed out (a read timeout);
- `connect_timeout`: the call never reached the provider;
- `error`: the service answers with an error code and HTTP status (throttling, a 5xx);
- `die_before` / `die_after`: the Lambda sandbox is killed before or after the call (a timeout kill:
  nothing after it runs, no except clause sees it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError, ConnectTimeoutError, ReadTimeoutError


class SandboxDied(BaseException):
    """Lambda killed the sandbox (timeout): no code of the function runs after this point."""


@dataclass
class Fault:
    operation: str
    effect: str  # lost_answer, accepted_then_timeout, connect_timeout, error, die_before, die_after
    when: Callable[[dict[str, Any]], bool] = lambda _: True
    times: int = 1
    code: str = "ServiceUnavailable"
    status: int = 503


class Faulty:
    def __init__(self, client: Any, *faults: Fault) -> None:
        self._client = client
        self.faults = list(faults)
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute) or name.startswith("_") or name in ("meta", "exceptions"):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            fault = next(
                (f for f in self.faults if f.operation == name and f.times > 0 and f.when(kwargs)), None
            )
            if fault is None:
                return attribute(*args, **kwargs)
            fault.times -= 1
            if fault.effect == "die_before":
                raise SandboxDied(name)
            if fault.effect == "connect_timeout":
                raise ConnectTimeoutError(endpoint_url="https://provider.invalid")
            if fault.effect == "error":
                raise ClientError(
                    {
                        "Error": {"Code": fault.code, "Message": "injected"},
                        "ResponseMetadata": {"HTTPStatusCode": fault.status},
                    },
                    name,
                )
            result = attribute(*args, **kwargs)
            if fault.effect == "die_after":
                raise SandboxDied(name)
            if fault.effect == "accepted_then_timeout":
                raise ReadTimeoutError(endpoint_url="https://provider.invalid")
            if fault.effect == "lost_answer":
                return attribute(*args, **kwargs)  # botocore's retry of the very same request
            return result

        return call


def item_status(status: str) -> Callable[[dict[str, Any]], bool]:
    """A DynamoDB put whose item has this `status` (a delivery's next state)."""
    return lambda kwargs: kwargs.get("Item", {}).get("status", {}).get("S") == status


def is_claim(kwargs: dict[str, Any]) -> bool:
    return kwargs.get("ConditionExpression") == "attribute_not_exists(PK)" and "DELIVERY#" in str(
        kwargs.get("Item", {}).get("SK", {})
    )
