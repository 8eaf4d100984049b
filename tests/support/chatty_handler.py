"""A handler that writes what a function writes (a JSON log line, a warning on stderr) and fails when
told to, for testing where the local stack sends a function's output."""

from __future__ import annotations

import json
import sys
from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    print(json.dumps({"level": "INFO", "message": "handled", "function_name": context.function_name}))
    print("a warning on stderr", file=sys.stderr)
    if event.get("fail"):
        raise ValueError("told to fail")
    return {"ok": True}
