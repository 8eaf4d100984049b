"""Cold start of each handler against the floor every Python Lambda pays: `import boto3` plus the
clients the function creates. Each figure is the median of fresh interpreters, measured in one run,
and reported as a ratio to that floor (this machine is noisy; ratios travel, milliseconds don't).
Every function of template.yaml is covered, with the size of its bundle as `sam build` left it
(`make template`; functions/Makefile decides what each bundle holds).

    make bench        # or: .venv/bin/python -m bench.cold_start [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "bench" / "cold_start.md"

ENV = {
    "PYDANTIC_DISABLE_PLUGINS": "__all__",  # as template.yaml's Globals set it for every function
    "AWS_DEFAULT_REGION": "eu-central-1",
    "AWS_ACCESS_KEY_ID": "x",
    "AWS_SECRET_ACCESS_KEY": "x",
    "STAGE": "bench",
    "POWERTOOLS_SERVICE_NAME": "bench",
    "EVENT_BUS_NAME": "bus",
    "ACCOUNTS_TABLE": "t",
    "USER_POOL_ID": "eu-central-1_x",
    "USER_POOL_CLIENT_ID": "c",
    "SENDER_ADDRESS": "support@example.com",
    "PORTAL_URL": "https://portal.example.com",
    "TICKETS_TABLE": "t",
    "ATTACHMENTS_BUCKET": "b",
    "INBOX_TABLE": "t",
    "NOTIFICATIONS_TABLE": "t",
}

BUILD = ROOT / ".aws-sam" / "build"

# Each function of the template (logical id): its name here, what it imports at cold start, and the
# clients it creates on its first request.
HANDLERS = {
    "AccountsFunction": ("accounts", "accounts.handler", ["dynamodb", "cognito-idp", "sesv2", "events"]),
    "AccountsWorkerFunction": ("accounts-worker", "accounts.worker", ["dynamodb", "sesv2"]),
    "TicketsFunction": ("tickets", "tickets.handler", ["dynamodb", "s3", "events", "cognito-idp"]),
    "AttachmentScanFunction": ("attachment-scan", "tickets.scan_handler", ["dynamodb", "s3"]),
    "TicketsMailFunction": (
        "tickets-mail",
        "tickets.mail_handler",
        ["dynamodb", "s3", "events", "secretsmanager"],
    ),
    "InboxFunction": ("inbox", "inbox.handler", ["dynamodb", "sqs"]),
    "InboxConsumerFunction": ("inbox-consumer", "inbox.consumer", ["dynamodb", "sesv2", "secretsmanager"]),
    "BroadcastSenderFunction": ("broadcast-sender", "inbox.broadcast_sender", ["dynamodb", "sesv2", "sqs"]),
    "NotificationsFunction": ("notifications", "notifications.handler", ["dynamodb"]),
    "NotificationsConsumerFunction": (
        "notifications-consumer",
        "notifications.consumer",
        ["dynamodb", "sesv2", "sns"],
    ),
    "NotificationsRetryFunction": (
        "notifications-retry",
        "notifications.retry",
        ["dynamodb", "sesv2", "sns"],
    ),
    "KbFunction": ("kb", "kb.handler", ["dynamodb", "s3", "events"]),
    "KbIndexerFunction": ("kb-indexer", "kb.indexer", ["dynamodb", "s3"]),
    "TicketsEventsFunction": ("tickets-events", "tickets.consumer", ["dynamodb", "events"]),
    "TicketsRetentionFunction": ("tickets-retention", "tickets.retention", ["dynamodb", "s3"]),
    "AccountsFederationFunction": ("accounts-federation", "accounts.federation", ["cognito-idp", "events"]),
    "MailFeedbackFunction": ("mail-feedback", "mailfeedback.handler", ["dynamodb"]),
    "RealtimeFunction": ("realtime", "realtime.handler", ["dynamodb"]),
    "RealtimePushFunction": ("realtime-push", "realtime.push", ["dynamodb", "apigatewaymanagementapi"]),
}


def template_functions() -> dict[str, str]:
    """Logical id -> handler module of every function in template.yaml."""
    from infra.local.template import Resolver, load

    functions = Resolver(load()).resources("AWS::Serverless::Function")
    return {name: f["Properties"]["Handler"].rpartition(".")[0] for name, f in functions.items()}


def bundle_size(logical_id: str) -> str:
    """Unzipped size of the function's bundle as `sam build` left it, in MB (10^6 bytes of files)."""
    folder = BUILD / logical_id
    if not folder.is_dir():
        return "build first"
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())
    return f"{size / 1e6:.1f}"


PROBE = """
import sys, time
start = time.perf_counter()
{body}
print(time.perf_counter() - start)
"""


# Bytecode found nowhere and written nowhere: how a bundle without it loads in Lambda's read-only
# /var/task (every module compiled at every cold start), as the bundles shipped before they had it.
NO_BYTECODE = {"PYTHONPYCACHEPREFIX": "/nonexistent/bench-no-bytecode", "PYTHONDONTWRITEBYTECODE": "1"}


def once(body: str, extra_env: dict[str, str] | None = None) -> float:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(body=body)],
        cwd=ROOT / "functions",
        env={**ENV, "PATH": "/usr/bin:/bin", **(extra_env or {})},
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def measure(body: str, runs: int) -> float:
    return statistics.median(once(body) for _ in range(runs))


def paired(floor_body: str, handler_body: str, runs: int) -> tuple[float, float, float]:
    """Floor and handler in alternating fresh interpreters, so a burst of load on this noisy machine
    hits both alike: the medians of each and the median of the per-pair ratios."""
    floors, handlers = [], []
    for _ in range(runs):
        floors.append(once(floor_body))
        handlers.append(once(handler_body))
    ratios = [h / f for f, h in zip(floors, handlers, strict=True)]
    return statistics.median(floors), statistics.median(handlers), statistics.median(ratios)


def clients(names: list[str]) -> str:
    return "import boto3\n" + "\n".join(f"boto3.client({n!r})" for n in names)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    in_template = template_functions()
    if set(in_template) != set(HANDLERS) or any(in_template[f] != HANDLERS[f][1] for f in HANDLERS):
        raise SystemExit(f"bench/cold_start.py's HANDLERS differ from template.yaml: {in_template}")
    rows = []
    for logical_id, (name, module, client_names) in HANDLERS.items():
        floor, handler, ratio = paired(
            clients(client_names), f"import {module}\n" + clients(client_names), args.runs
        )
        xray = measure("import aws_xray_sdk.core", args.runs)
        without_bytecode = statistics.median(
            once(f"import {module}\n" + clients(client_names), NO_BYTECODE) for _ in range(3)
        )
        rows.append(
            {
                "function": name,
                "bundle_mb": bundle_size(logical_id),
                "floor_ms": round(floor * 1000, 1),
                "handler_ms": round(handler * 1000, 1),
                "ratio": round(ratio, 2),
                "xray_import_ms_saved_when_off": round(xray * 1000, 1),
                "no_bytecode_ms": round(without_bytecode * 1000, 1),
            }
        )
    lines = [
        "# Cold start: handler import + clients vs. `import boto3` + the same clients",
        "",
        f"Median of {args.runs} fresh interpreters each, one run, `{sys.version.split()[0]}`; floor and handler",
        "alternate, and the ratio is the median of the per-pair ratios.",
        "",
        "Bundle: the unzipped size of `.aws-sam/build/<LogicalId>` (MB of files) from the last `make template`.",
        "",
        "Without bytecode: handler + clients with no `__pycache__` to read or write (median of 3), as a",
        "bundle without compiled modules loads in Lambda's read-only /var/task, boto3 included (the",
        "bundle's copy comes first): what every cold start paid before the bundles shipped bytecode.",
        "",
        "| function | bundle MB | floor (boto3 + clients) ms | handler + clients ms | ratio | without bytecode ms | X-Ray SDK import ms (not paid when tracing is off) |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['function']} | {r['bundle_mb']} | {r['floor_ms']} | {r['handler_ms']} | {r['ratio']} | {r['no_bytecode_ms']} | {r['xray_import_ms_saved_when_off']} |"
        for r in rows
    ]
    REPORT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
