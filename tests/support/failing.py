"""A client wrapper that makes chosen operations fail, as AWS does under throttling or conflicts."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError


class FailingClient:
    def __init__(
        self, client: Any, failures: dict[str, tuple[str, int]], reasons: list[str] | None = None
    ) -> None:
        """failures: operation name (snake_case) -> (error code, how many calls fail);
        reasons: the CancellationReasons codes of a cancelled transaction."""
        self._client = client
        self._failures = dict(failures)
        self._reasons = reasons
        self.failed: list[str] = []

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name not in self._failures:
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            code, remaining = self._failures[name]
            if remaining > 0:
                self._failures[name] = (code, remaining - 1)
                self.failed.append(name)
                response: dict[str, Any] = {"Error": {"Code": code, "Message": "injected"}}
                if self._reasons is not None:
                    response["CancellationReasons"] = [{"Code": r} for r in self._reasons]
                raise ClientError(response, name)  # type: ignore[arg-type]
            return attribute(*args, **kwargs)

        return call
