"""Inbox benchmark, one run, ratios against the naive alternative measured in the same run:

- a broadcast to N users (default 100,000 in the accounts directory): writes and time of publishing,
  against writing one inbox item per user (BatchWriteItem, the cheapest naive fan-out);
- the first inbox read of a user after the broadcast (the user's copy is made then);
- mark-all-read on an inbox of M messages (default 10,000): writes and time, against flagging every
  message (BatchWriteItem puts, again the cheapest naive way);
- the broadcast sender's arithmetic: pages and minimum sending time at the configured rate.
Runs on DynamoDB Local and moto's server, provisioned from template.yaml, like the local stack.

    .venv/bin/python -m bench.inbox [--users 100000] [--messages 10000]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "functions"))

from infra.local import provision  # noqa: E402
from infra.local.services import DynamoDBLocal, MotoServer  # noqa: E402
from infra.local.template import Resolver, load  # noqa: E402

REPORT = ROOT / "bench" / "inbox.md"
REGION = "eu-central-1"


def batch_put(db: object, table: str, items: list[dict[str, object]]) -> int:
    calls = 0
    for start in range(0, len(items), 25):
        request = {table: [{"PutRequest": {"Item": i}} for i in items[start : start + 25]]}
        while request:
            response = db.batch_write_item(RequestItems=request)  # type: ignore[attr-defined]
            calls += 1
            request = response.get("UnprocessedItems") or {}
    return calls


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args()

    dynamodb, moto = DynamoDBLocal(), MotoServer()
    dynamodb.start()
    moto.start()
    try:
        resolver = Resolver(
            load(), parameters={"Stage": "bench", "BroadcastCacheSeconds": "0"}, region=REGION
        )
        provision.everything(resolver, dynamodb.endpoint, moto.endpoint)
        os.environ.update(provision.function_environment(resolver, "InboxFunction"))
        os.environ.update(
            {
                "AWS_REGION": REGION,
                "AWS_DEFAULT_REGION": REGION,
                "AWS_ACCESS_KEY_ID": "local",
                "AWS_SECRET_ACCESS_KEY": "local",
                "AWS_ENDPOINT_URL": moto.endpoint,
                "AWS_ENDPOINT_URL_DYNAMODB": dynamodb.endpoint,
            }
        )
        from inbox.dependencies import service
        from shared import aws
        from shared.identity import Caller

        db = aws.dynamodb()
        accounts, inbox_table = resolver.physical_ids["AccountsTable"], resolver.physical_ids["InboxTable"]
        calls: Counter[str] = Counter()
        aws.add_call_hook(lambda s, o: calls.update([f"{s}:{o}"]))

        # The directory the broadcast reaches: N user profiles in the accounts table.
        users = [
            {
                "PK": {"S": f"USER#u{n:06d}"},
                "SK": {"S": "PROFILE"},
                "user_id": {"S": f"u{n:06d}"},
                "email": {"S": f"u{n:06d}@praxis.example"},
                "language": {"S": "de"},
                "full_name": {"S": "Demo"},
                "GSI2PK": {"S": "USERS"},
                "GSI2SK": {"S": f"2026-01-01T00:00:00Z#u{n:06d}"},
            }
            for n in range(args.users)
        ]
        batch_put(db, accounts, users)

        naive_items = [
            {
                "PK": {"S": f"NAIVE#u{n:06d}"},
                "SK": {"S": "MSG#naive"},
                "subject": {"S": "Neu"},
                "body": {"S": "Text"},
            }
            for n in range(args.users)
        ]
        started = time.perf_counter()
        naive_calls = batch_put(db, inbox_table, naive_items)
        naive_seconds = time.perf_counter() - started

        from inbox.models import BroadcastCreate

        agent = Caller("agent", frozenset({"agents"}))
        calls.clear()
        started = time.perf_counter()
        service().publish_broadcast(
            agent, BroadcastCreate(subject="Neu im Portal", body="Das neue Postfach ist da.")
        )
        publish_seconds = time.perf_counter() - started
        publish_calls = dict(calls)

        reader = Caller("u000001", frozenset())
        calls.clear()
        started = time.perf_counter()
        page = service().inbox(reader, None, None)
        first_read_seconds = time.perf_counter() - started
        first_read_calls = dict(calls)
        assert any(m.subject == "Neu im Portal" for m in page.items)

        # Mark-all-read on an inbox of M messages.
        owner = "u000002"
        messages = [
            {
                "PK": {"S": f"USER#{owner}"},
                "SK": {"S": f"MSG#01J{n:023d}"},
                "message_id": {"S": f"01J{n:023d}"},
                "kind": {"S": "ticket"},
                "subject": {"S": "x"},
                "body": {"S": "y"},
                "created_at": {"S": "2026"},
                "search_text": {"S": "x"},
            }
            for n in range(args.messages)
        ]
        batch_put(db, inbox_table, messages)
        db.update_item(
            TableName=inbox_table,
            Key={"PK": {"S": f"USER#{owner}"}, "SK": {"S": "STATE"}},
            UpdateExpression="SET unread = :n",
            ExpressionAttributeValues={":n": {"N": str(args.messages)}},
        )
        calls.clear()
        started = time.perf_counter()
        service().mark_all_read(Caller(owner, frozenset()))
        mark_seconds = time.perf_counter() - started
        mark_calls = dict(calls)
        started = time.perf_counter()
        naive_mark_calls = batch_put(
            db, inbox_table, [{**m, "PK": {"S": "NAIVE#mark"}, "read_flag": {"BOOL": True}} for m in messages]
        )
        naive_mark_seconds = time.perf_counter() - started

        from inbox.settings import BroadcastSenderSettings

        fields = BroadcastSenderSettings.model_fields  # the broadcast sender's defaults
        rate = int(fields["mail_send_rate_per_second"].default)
        page_size = min(int(fields["broadcast_page_size"].default), rate * 10)
        pages = math.ceil(args.users / page_size)
        minimum_send_seconds = args.users / rate

        lines = [
            "# Inbox benchmark",
            "",
            f"One run on DynamoDB Local and moto's server, `python -m bench.inbox --users {args.users} --messages {args.messages}`.",
            "Ratios compare with the naive way measured in the same run; absolute times are this machine's.",
            "",
            "| what | AWS calls | time | naive: calls | naive: time | time ratio |",
            "|---|---|---|---|---|---|",
            f"| publish a broadcast to {args.users:,} users | {sum(publish_calls.values())} ({', '.join(f'{v}× {k}' for k, v in sorted(publish_calls.items()))}) | {publish_seconds * 1000:.1f} ms | {naive_calls} BatchWriteItem | {naive_seconds:.1f} s | {publish_seconds / naive_seconds:.5f} |",
            f"| a user's first inbox read after it (makes the user's copy) | {sum(first_read_calls.values())} ({', '.join(f'{v}× {k}' for k, v in sorted(first_read_calls.items()))}) | {first_read_seconds * 1000:.1f} ms | – | – | – |",
            f"| mark all read, inbox of {args.messages:,} messages | {sum(mark_calls.values())} ({', '.join(f'{v}× {k}' for k, v in sorted(mark_calls.items()))}) | {mark_seconds * 1000:.1f} ms | {naive_mark_calls} BatchWriteItem | {naive_mark_seconds:.1f} s | {mark_seconds / naive_mark_seconds:.5f} |",
            "",
            f"Broadcast e-mails: {pages:,} pages of {page_size} (one queue message each) at {rate} mails/s:",
            f"at least {minimum_send_seconds / 60:.0f} min for {args.users:,} users; the queue's delays pace it, nothing sleeps.",
            "",
        ]
        REPORT.write_text("\n".join(lines))
        print("\n".join(lines))
    finally:
        moto.stop()
        dynamodb.stop()


if __name__ == "__main__":
    main()
