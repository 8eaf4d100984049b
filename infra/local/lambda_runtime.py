"""Runs each function of the template in its own process, as Lambda runs each in its own sandbox:
its own environment (from the template), its own imports and cold start, one invocation at a time.
What a function writes (its JSON log lines, an unhandled error's report) goes where Lambda sends it to
CloudWatch: to `log_path` when given (appended, one line per record), else to this process's output.

A function's process is a fresh interpreter (`python -m infra.local.lambda_runtime`) that imports
only its handler and this module, not the parent's `__main__` as multiprocessing's spawn would; it
talks to the stack over a socket pair with multiprocessing's Connection (pickled events and answers)."""

from __future__ import annotations

import importlib
import io
import json
import os
import socket
import subprocess
import sys
import threading
import traceback
import uuid
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class LocalContext:
    function_name: str
    aws_request_id: str
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    invoked_function_arn: str = ""
    log_group_name: str = ""
    log_stream_name: str = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def _redirect_output(log_path: str) -> None:
    """Both output streams of this process, to the end of the log file (also what C code writes)."""
    descriptor = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    for stream, number in ((sys.stdout, 1), (sys.stderr, 2)):
        stream.flush()
        os.dup2(descriptor, number)
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(line_buffering=True)
    os.close(descriptor)


def _serve(connection: Any, handler_path: str, code_dir: str, name: str, log_path: str | None = None) -> None:
    if log_path:
        _redirect_output(log_path)
    sys.path.insert(0, code_dir)
    module_name, _, attribute = handler_path.rpartition(".")
    handler = getattr(importlib.import_module(module_name), attribute)
    while True:
        try:
            event = connection.recv()
        except EOFError:
            return
        context = LocalContext(function_name=name, aws_request_id=str(uuid.uuid4()))
        try:
            connection.send((True, handler(event, context)))
        except Exception as error:
            report = {
                "errorType": type(error).__name__,
                "errorMessage": str(error),
                "stackTrace": traceback.format_exc(),
            }
            # The runtime logs an unhandled error as Lambda's does, so the log file has the traceback.
            print(
                json.dumps(
                    {
                        "level": "ERROR",
                        "function_name": name,
                        "requestId": context.aws_request_id,
                        **report,
                        "stackTrace": report["stackTrace"].splitlines(),
                    }
                ),
                flush=True,
            )
            connection.send((False, report))


class FunctionProcess:
    def __init__(
        self,
        logical_id: str,
        handler: str,
        environment: dict[str, str],
        code_uri: str,
        log_path: str | None = None,
    ) -> None:
        self.logical_id = logical_id
        self.log_path = log_path
        self._handler = handler
        self._environment = environment
        self._code_dir = str((ROOT / code_uri).resolve())
        self._lock = threading.Lock()
        self._process: Any = None
        self._connection: Any = None

    def start(self) -> None:
        if self._connection is not None:  # a process that ended: its end of the pair goes with it
            self._connection.close()
        ours, theirs = socket.socketpair()
        with theirs:
            self._process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "infra.local.lambda_runtime",
                    str(theirs.fileno()),
                    self._handler,
                    self._code_dir,
                    self.logical_id,
                    self.log_path or "",
                ],
                cwd=ROOT,
                env={**os.environ, **self._environment},
                pass_fds=(theirs.fileno(),),
            )
        self._connection = Connection(ours.detach())

    def invoke(self, event: dict[str, Any]) -> tuple[bool, Any]:
        """(True, result) or (False, error) as Lambda would report an unhandled error."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self.start()
            self._connection.send(event)
            ok, result = self._connection.recv()
            return bool(ok), result

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None


if __name__ == "__main__":
    descriptor, handler_path, code_dir, name, log_path = sys.argv[1:]
    _serve(Connection(int(descriptor)), handler_path, code_dir, name, log_path or None)
