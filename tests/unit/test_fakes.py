"""Every in-memory fake of tests/support/fakes.py implements its port's Protocol, method for method,
with the same signatures as the real adapter: a fake that drifts from what it stands in for fails here."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest

from kb.snapshots import S3Snapshots, Snapshots
from shared.queues import Queue, SqsQueue
from tests.support.fakes import FixedAgents, FolderSnapshots, MemoryMailbox, MemoryQueue
from tickets.agent_directory import AgentDirectory, CognitoAgentDirectory
from tickets.mailbox import Mailbox, S3Mailbox

PORTS: list[tuple[Any, type, Any]] = [
    (Queue, SqsQueue, MemoryQueue()),
    (Snapshots, S3Snapshots, FolderSnapshots(Path("/nonexistent"))),
    (Mailbox, S3Mailbox, MemoryMailbox()),
    (AgentDirectory, CognitoAgentDirectory, FixedAgents()),
]


def _methods(port: Any) -> list[str]:
    return [n for n, v in vars(port).items() if callable(v) and not n.startswith("_")]


@pytest.mark.parametrize(
    ("port", "adapter", "fake"), PORTS, ids=lambda v: getattr(v, "__name__", type(v).__name__)
)
def test_the_fake_and_the_adapter_implement_the_port_alike(port: Any, adapter: type, fake: Any) -> None:
    assert isinstance(fake, port)
    for name in _methods(port):
        expected = inspect.signature(getattr(port, name))
        assert inspect.signature(getattr(adapter, name)) == expected, (adapter, name)
        assert inspect.signature(getattr(type(fake), name)) == expected, (fake, name)


def test_the_fakes_behave_as_their_ports_promise(tmp_path: Path) -> None:
    queue = MemoryQueue()
    queue.send({"page": 2}, delay_seconds=3)
    assert queue.sent == [({"page": 2}, 3)]
    snapshots = FolderSnapshots(tmp_path / "bucket")
    source = tmp_path / "index.tar"
    source.write_bytes(b"index")
    snapshots.upload(source, "snapshots/1.tar")
    snapshots.download("snapshots/1.tar", tmp_path / "copy.tar")
    assert (tmp_path / "copy.tar").read_bytes() == b"index"
    assert MemoryMailbox({"m1": b"raw"}).raw("m1") == b"raw"
    assert FixedAgents({"u1"}).is_agent("u1") and not FixedAgents({"u1"}).is_agent("u2")
