"""What `make run` prints while it runs: one readable line per HTTP request and per event delivered to a
function (what, which function, status, milliseconds, correlation id). Errors start with "!!" (and are
red when the console is a terminal). The functions' own JSON log lines do not come here: each function
process writes them to a file (`FunctionProcess(log_path=...)`), whose name the startup banner gives.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from infra.local.lambda_runtime import FunctionProcess

GATEWAY = "api-gateway"  # the HTTP API answered itself (preflight, no route, authorizer)
LOCAL = "local"  # an endpoint of the local stack (/docs, /_local/...), not of the API
_RED, _YELLOW, _DIM, _RESET = "\x1b[31;1m", "\x1b[33m", "\x1b[2m", "\x1b[0m"


@dataclass
class Activity:
    """Thread-safe console lines. `stream=None` prints nothing (tests that build parts directly)."""

    stream: TextIO | None = None
    color: bool | None = None  # None: colour exactly when the stream is a terminal
    muted: bool = False  # while muted (start-up, demo data) only errors are printed
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    counted: int = 0

    def __post_init__(self) -> None:
        if self.color is None:
            isatty = getattr(self.stream, "isatty", None)
            self.color = bool(isatty and isatty())

    @classmethod
    def console(cls, muted: bool = False) -> Activity:
        return cls(sys.stdout, muted=muted)

    def unmute(self) -> None:
        self.muted = False

    def http(
        self,
        what: str,
        function: str,
        status: int,
        milliseconds: float,
        correlation_id: str,
        error: str = "",
    ) -> None:
        self._line(what, function, str(status), milliseconds, correlation_id, status >= 500, error, status)

    def event(
        self,
        what: str,
        function: str,
        outcome: str,
        milliseconds: float,
        correlation_id: str,
        failed: bool,
        error: str = "",
    ) -> None:
        self._line(what, function, outcome, milliseconds, correlation_id, failed, error, None)

    def deliver(
        self, function: FunctionProcess, event: dict[str, Any], what: str, correlation_id: str
    ) -> tuple[bool, Any]:
        """Invokes the function with an event (not an HTTP request) and prints its line."""
        started = time.monotonic()
        ok, result = function.invoke(event)
        elapsed = (time.monotonic() - started) * 1000
        failures = result.get("batchItemFailures") if ok and isinstance(result, dict) else None
        if not ok:
            self.event(what, function.logical_id, "error", elapsed, correlation_id, True, error_text(result))
        elif failures:
            total = len(event.get("Records", [])) or len(failures)
            self.event(
                what, function.logical_id, f"{len(failures)}/{total} failed", elapsed, correlation_id, True
            )
        else:
            self.event(what, function.logical_id, "ok", elapsed, correlation_id, False)
        return ok, result

    def _line(
        self,
        what: str,
        function: str,
        status: str,
        milliseconds: float,
        correlation_id: str,
        failed: bool,
        error: str,
        http_status: int | None,
    ) -> None:
        if self.stream is None:
            return
        with self._lock:
            self.counted += 1
            if self.muted and not failed:
                return
            clock = time.strftime("%H:%M:%S")
            text = (
                f"{'!!' if failed else '  '} {clock} {_fit(what, 46):<46} {_fit(function, 30):<30} "
                f"{status:>5} {milliseconds:>6.0f} ms  {correlation_id or '-'}"
            )
            if error:
                text += f"  {_fit(error, 160)}"
            if self.color:
                if failed:
                    text = f"{_RED}{text}{_RESET}"
                elif http_status is not None and http_status >= 400:
                    text = f"{_YELLOW}{text}{_RESET}"
                elif function == LOCAL:
                    text = f"{_DIM}{text}{_RESET}"
            self.stream.write(text + "\n")
            self.stream.flush()


def _fit(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def error_text(result: Any) -> str:
    """Lambda's report of an unhandled error, as one short phrase."""
    if isinstance(result, dict):
        return f"{result.get('errorType', 'Error')}: {result.get('errorMessage', '')}".strip()
    return str(result)


def correlation_of(body: Any) -> str:
    """The correlation id an event carries: our domain events keep it in detail.metadata."""
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return ""
    if not isinstance(body, dict):
        return ""
    detail = body.get("detail")
    metadata = (detail if isinstance(detail, dict) else body).get("metadata")
    if isinstance(metadata, dict):
        return str(metadata.get("correlation_id") or metadata.get("event_id") or "")
    return str(body.get("correlation_id") or "")
