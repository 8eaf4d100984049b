"""How a function is put together, written once for every domain.

A function's parts (clients, adapters, stores, services) are built at their first use, once per process
(Lambda: once per cold start), on the function's clock. Tests swap the clock or a client and ask for a
rebuild, for one domain or for all at once. Nothing here reads settings or creates a client at import.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from shared import aws, secrets
from shared.clock import Clock, SystemClock
from shared.cursors import CursorCodec
from shared.events import EventPublisher

T = TypeVar("T")


class Wiring(Generic[T]):
    """The parts of one function (or of one domain's functions), built on first use."""

    _all: ClassVar[list[Wiring[Any]]] = []

    def __init__(self, build: Callable[[Clock], T]) -> None:
        self._build = build
        self._clock: Clock = SystemClock()
        self._parts: T | None = None
        Wiring._all.append(self)

    def __call__(self) -> T:
        if self._parts is None:
            self._parts = self._build(self._clock)
        return self._parts

    def use_clock(self, clock: Clock) -> None:
        """Tests: the next parts built run on this clock."""
        self._clock = clock
        self._parts = None

    def rebuild(self) -> None:
        """Tests: build anew at the next use (after replacing a client)."""
        self._parts = None

    def reset(self) -> None:
        self._clock = SystemClock()
        self._parts = None


def use_clock_everywhere(clock: Clock) -> None:
    for wiring in Wiring._all:
        wiring.use_clock(clock)


def rebuild_everywhere() -> None:
    for wiring in Wiring._all:
        wiring.rebuild()


def reset_everywhere() -> None:
    for wiring in Wiring._all:
        wiring.reset()


# --- parts most functions need ---------------------------------------------------------------


def publisher(bus_name: str, source: str, clock: Clock) -> EventPublisher:
    return EventPublisher(aws.events(), bus_name, source, clock)


def secret(secret_arn: str) -> Callable[[], bytes]:
    """The secret's value, read at its first use (one GetSecretValue per cold start)."""
    return lambda: secrets.value(secret_arn)


def cursors(signing_secret_arn: str) -> CursorCodec:
    return CursorCodec(secret(signing_secret_arn))
