"""In-memory fakes of the project's own ports (not of AWS): each implements the Protocol its adapter
implements, which tests/unit/test_fakes.py checks."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class MemoryQueue:
    """shared.queues.Queue: keeps what was sent, with its delay."""

    sent: list[tuple[dict[str, Any], int]] = field(default_factory=list)

    def send(self, message: dict[str, Any], delay_seconds: int = 0) -> None:
        self.sent.append((message, delay_seconds))


@dataclass
class FolderSnapshots:
    """kb.snapshots.Snapshots: snapshots as files in a folder."""

    folder: Path

    def download(self, object_key: str, target: Path) -> None:
        shutil.copyfile(self.folder / object_key.replace("/", "_"), target)

    def upload(self, source: Path, object_key: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, self.folder / object_key.replace("/", "_"))


@dataclass
class MemoryMailbox:
    """tickets.mailbox.Mailbox: received mails by SES message id."""

    mails: dict[str, bytes] = field(default_factory=dict)

    def raw(self, mail_id: str) -> bytes:
        return self.mails[mail_id]


@dataclass
class FixedAgents:
    """tickets.agent_directory.AgentDirectory: a fixed set of agents' user ids."""

    agents: set[str] = field(default_factory=set)

    def is_agent(self, user_id: str) -> bool:
        return user_id in self.agents
