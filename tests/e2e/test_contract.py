"""The API keeps its document: schemathesis runs every check in every phase (examples, coverage,
fuzzing, stateful) against the running local stack, from openapi.json, with zero failures.

Each operation runs as the caller it is for: the public ones anonymously, the customers' ones as an
organisation member, the agents' ones as a support agent. Whether a secured operation refuses a
missing or forged token is schemathesis's `ignored_auth` check in the latter two runs. What the
document cannot say (refusals that depend on stored state, cursors the list issued) is configured in
schemathesis.toml and tests/support/contract_hooks.py, each with its reason. The budget is bounded
(`--max-examples`) and the generation deterministic, so a run is repeatable and a failure reproducible
with the command it prints.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from infra.local.demo import AGENT, MEMBER, DemoUser, PortalClient
from infra.local.template import ROOT
from tests.e2e.conftest import RunningStack

DOCUMENT = json.loads((ROOT / "openapi.json").read_text())
SESSION_PASSWORD = "Vertrag-Test-2026"


def operations(*, public: bool, agent: bool) -> list[str]:
    return [
        f"{method.upper()} {path}"
        for path, methods in DOCUMENT["paths"].items()
        for method, operation in methods.items()
        if ("security" not in operation) == public and (path.startswith("/agent/") == agent or public)
    ]


def session_account(client: PortalClient) -> str:
    """An account of this run alone, whose sessions sign-out and password change may end."""
    email = f"vertrag-{uuid.uuid4().hex[:8]}@example.com"
    consent = {"accepted": True, "version": "2026-05"}
    registered = client.call(
        "POST",
        "/accounts/registrations",
        json={"full_name": "Vera Vertrag", "email": email, "privacy_consent": consent},
    )
    assert registered.status_code == 202, registered.text
    token = client.last_token_for(email, "aktivieren")
    activated = client.call(
        "POST", "/accounts/activation", json={"token": token, "password": SESSION_PASSWORD}
    )
    assert activated.status_code == 200, activated.text
    return f"{email} {SESSION_PASSWORD}"


ROLES = {
    "anonymous, the public operations": (None, True, False),
    "an organisation member, the customers' operations": (MEMBER, False, False),
    "a support agent, the agents' operations": (AGENT, False, True),
}


def schemathesis(
    stack: RunningStack, selected: list[str], role: DemoUser | None, report: Path
) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "CONTRACT_API": stack.url,
        "CONTRACT_SESSION_ACCOUNT": session_account(PortalClient(stack.url)),
        "PYTHONPATH": str(ROOT),
    }
    if role is not None:
        env["CONTRACT_ROLE_ACCOUNT"] = f"{role.email} {role.password}"
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        str(ROOT / "openapi.json"),
        "--url",
        stack.url,
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        "3",
        "--no-color",
        "--report-dir",
        str(report),
        *[argument for name in selected for argument in ("--include-name", name)],
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def test_every_operation_keeps_the_document(stack: RunningStack, tmp_path: Path) -> None:
    """The three runs at once: each waits on the stack most of its time."""
    runs = {}
    for name, (role, public, agent) in ROLES.items():
        selected = operations(public=public, agent=agent)
        assert selected
        runs[name] = (selected, schemathesis(stack, selected, role, tmp_path / str(len(runs))))
    failed = []
    for name, (selected, process) in runs.items():
        output, _ = process.communicate(timeout=300)
        if process.returncode != 0 or f"Selected: {len(selected)}/" not in output:
            failed.append(f"--- as {name}:\n{output[-15000:]}")
    assert not failed, "\n".join(failed)


def test_the_runs_cover_every_operation_of_the_document() -> None:
    covered = {name for _, public, agent in ROLES.values() for name in operations(public=public, agent=agent)}
    documented = {f"{m.upper()} {p}" for p, methods in DOCUMENT["paths"].items() for m in methods}
    assert covered == documented
