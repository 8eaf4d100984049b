"""Structured logging that never writes personal data.

Every record is serialised by powertools and then passed through `redact`, which masks e-mail addresses
and phone numbers wherever they appear, and drops the values of keys that hold names or message bodies.
Code should not log such data in the first place; this is the net under that rule.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar, cast

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import logger as powertools_logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"\+\d[\d ]{6,17}\d|\b0\d{2,5}[ /\-]?\d{4,10}\b")
_PERSONAL_KEYS = frozenset(
    {
        "email",
        "e_mail",
        "phone",
        "mobile",
        "name",
        "full_name",
        "first_name",
        "last_name",
        "body",
        "message_body",
        "password",
        "token",
        "refresh_token",
        "access_token",
        "id_token",
    }
)
REDACTED = "[redacted]"
Handler = TypeVar("Handler", bound=Callable[..., Any])


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (REDACTED if k.lower() in _PERSONAL_KEYS else _scrub(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, str):
        return _PHONE.sub(REDACTED, _EMAIL.sub(REDACTED, value))
    return value


def redact(serialised: str) -> str:
    try:
        record = json.loads(serialised)
    except ValueError:
        return _PHONE.sub(REDACTED, _EMAIL.sub(REDACTED, serialised))
    return json.dumps(_scrub(record), ensure_ascii=False, default=str)


class RedactingFormatter(LambdaPowertoolsFormatter):
    def serialize(self, log: Any) -> str:
        return redact(super().serialize(log))


def get_logger(service: str | None = None) -> Logger:
    return Logger(service=service, logger_formatter=RedactingFormatter(), log_uncaught_exceptions=True)


def with_lambda_context(logger: Logger) -> Callable[[Handler], Handler]:
    """Powertools' `inject_lambda_context(clear_state=True)` for our handlers: each invocation starts
    from the logger's own keys with the Lambda context's (function name, memory, ARN, request id,
    cold start), what an earlier invocation appended gone. The same keys as powertools' decorator,
    without rebuilding the context model and re-reading settings per request (a quarter of a warm
    request's fixed cost: bench/warm.py); tests/unit/test_shared.py compares the log lines. Log
    sampling is not set anywhere (powertools' decorator would draw it anew per invocation)."""

    def wrap(handler: Handler) -> Handler:
        static: dict[str, Any] = {}

        @functools.wraps(handler)
        def decorate(event: dict[str, Any], context: Any) -> Any:
            formatter = logger.registered_formatter
            if not static:
                static.update(
                    function_name=context.function_name,
                    function_memory_size=context.memory_limit_in_mb,
                    function_arn=context.invoked_function_arn,
                )
            formatter.clear_state()
            formatter.thread_safe_clear_keys()
            formatter.append_keys(
                **logger._default_log_keys,
                cold_start=powertools_logger._is_cold_start(),
                **static,
                function_request_id=context.aws_request_id,
            )
            return handler(event, context)

        return cast(Handler, decorate)

    return wrap
