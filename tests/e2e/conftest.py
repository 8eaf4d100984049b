"""The e2e tier starts the README's run command (`python -m infra.local`) and talks to it over HTTP."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from infra.local.services import free_port
from infra.local.template import ROOT

READY = "Ctrl-C stops everything."


@dataclass
class RunningStack:
    process: subprocess.Popen[str]
    port: int
    output: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def restart(self) -> None:
        """Ctrl-C and the README's run command again, on the same port; this object is the new stack."""
        assert self.stop() == 0
        again = start_stack(self.port)
        self.process, self.output = again.process, again.output

    def stop(self, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=timeout)


def start_stack(port: int, timeout: float = 120) -> RunningStack:
    process = subprocess.Popen(
        # one source address makes every request here: the per-source limits would stop the journeys
        [
            sys.executable,
            "-m",
            "infra.local",
            "--port",
            str(port),
            "--parameter",
            "AnonymousRequestsPerHour=1000",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    stack = RunningStack(process, port)
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            stack.stop()
            raise TimeoutError("the local stack did not come up:\n" + "".join(stack.output)) from None
        if line is None:
            raise RuntimeError("the local stack exited:\n" + "".join(stack.output))
        stack.output.append(line)
        if READY in line:
            return stack


def eventually(check: Callable[[], Any], timeout: float = 30) -> Any:
    """Polls an asynchronous outcome (bus → queue → function, an index rebuilt) as a frontend would:
    the e2e tier only; the other tiers never sleep."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.25)


@pytest.fixture(scope="session")
def stack() -> Iterator[RunningStack]:
    """One stack per test worker (pytest-xdist): starting one costs more than most journeys."""
    running = start_stack(free_port())
    try:
        yield running
    finally:
        running.stop()
