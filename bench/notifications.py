"""Notifications benchmark, one run: a burst of N appointment events (default 10,000) through the real
delivery code, spread over calendars in turn, with every provider's HTTP short-circuited (botocore's before-send answers at once),
against the bare botocore floor of exactly the same calls; the Python time per event; and the
10-minute arithmetic for N SMS at the configured SNS rate.

    .venv/bin/python -m bench.notifications [--events 10000] [--calendars 250] [--sms-rate 20]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "functions"))
REPORT = ROOT / "bench" / "notifications.md"

os.environ.update(
    {"AWS_DEFAULT_REGION": "eu-central-1", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}
)

import boto3  # noqa: E402
from botocore import xform_name  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402

CALENDAR = {
    "PK": {"S": "CALENDAR#cal-1"},
    "SK": {"S": "CONFIG"},
    "calendar_id": {"S": "cal-1"},
    "org_id": {"S": "org-1"},
    "name": {"S": "Dr. Anna Schmidt"},
    "created_at": {"S": "2026-01-01T00:00:00Z"},
    "email": {"S": "dr@praxis.example"},
    "mobile": {"S": "+491712345678"},
    "include_patient_name": {"BOOL": False},
    "time_zone": {"S": "Europe/Berlin"},
    "language": {"S": "de"},
}
SNS_OK = b"<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>"


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body


def short_circuit(request: Any, **_: Any) -> AWSResponse:
    """Answers a request without the network, as the provider would."""
    target = request.headers.get("X-Amz-Target", b"")
    target = target.decode() if isinstance(target, bytes) else str(target)
    if target.endswith("GetItem"):  # the calendar asked for: its own id and name
        calendar_id = json.loads(request.body)["Key"]["PK"]["S"].removeprefix("CALENDAR#")
        item = {
            **CALENDAR,
            "PK": {"S": f"CALENDAR#{calendar_id}"},
            "calendar_id": {"S": calendar_id},
            "name": {"S": f"Dr. Anna Schmidt ({calendar_id})"},
        }
        body = json.dumps({"Item": item}).encode()
    elif "DynamoDB" in target:
        body = b"{}"
    elif "sns" in request.url or b"Action=Publish" in (request.body or b""):
        return AWSResponse(request.url, 200, {"Content-Type": "text/xml"}, _Raw(SNS_OK))
    else:
        body = b'{"MessageId": "ses-1"}'
    return AWSResponse(request.url, 200, {"Content-Type": "application/x-amz-json-1.0"}, _Raw(body))


def client(service: str) -> Any:
    created = boto3.client(service)  # type: ignore[call-overload]
    created.meta.events.register("before-send", short_circuit)
    return created


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument(
        "--calendars",
        type=int,
        default=250,
        help="the events spread over this many calendars (each its own practitioner, name and mail)",
    )
    parser.add_argument(
        "--sms-rate", type=int, default=20, help="SNS SMS per second (template: SmsRatePerSecond)"
    )
    args = parser.parse_args()

    from notifications.delivery import Notifier
    from notifications.events import AppointmentEvent
    from notifications.store import NotificationsStore
    from shared.clock import SystemClock
    from shared.log import get_logger
    from shared.mail import Mailer, MailRenderer
    from shared.sms import SmsSender

    dynamodb, sesv2, sns = client("dynamodb"), client("sesv2"), client("sns")
    calls: Counter[str] = Counter()
    for c in (dynamodb, sesv2, sns):
        c.meta.events.register("before-call", lambda model, **_: calls.update([model.name]))
    logger = get_logger("bench")
    logger.setLevel("WARNING")
    notifier = Notifier(
        store=NotificationsStore(dynamodb, "notifications"),
        mailer=Mailer(
            sesv2,
            "support@example.com",
            MailRenderer(ROOT / "functions" / "notifications" / "mail_templates"),
        ),
        sms=SmsSender(sns, "Praxis"),
        clock=SystemClock(),
        logger=logger,
    )
    start = datetime(2026, 9, 9, 10, 0, tzinfo=UTC)
    events = [
        AppointmentEvent.model_validate(
            {
                "detail-type": "AppointmentBooked",
                "detail": {
                    "metadata": {"event_id": f"e{n}"},
                    "data": {
                        "calendar_id": f"cal-{n % args.calendars}",
                        "appointment_id": f"a{n}",
                        "start": (start + timedelta(minutes=n)).isoformat(),
                        "changed_at": start.isoformat(),
                        "changed_by": "patient_online",
                    },
                },
            }
        )
        for n in range(args.events)
    ]
    # The floor's calls: those our code made for one event, with the very arguments it passed (the
    # same item sizes, the same raw mail), recorded on a spare event and replayed bare per event.
    recorded: list[tuple[Any, str, dict[str, Any]]] = []

    def record(params: dict[str, Any], model: Any, **_: Any) -> None:
        recorded.append((model.service_model.service_name, model.name, copy.deepcopy(params)))

    notifier.handle(events[0])  # warm: clients, templates
    for c in (dynamodb, sesv2, sns):
        c.meta.events.register("provide-client-params", record)
    notifier.handle(events[1])
    for c in (dynamodb, sesv2, sns):
        c.meta.events.unregister("provide-client-params", record)
    by_service = {"dynamodb": dynamodb, "sesv2": sesv2, "sns": sns}
    bare = [(getattr(by_service[s], xform_name(op)), params) for s, op, params in recorded]
    if os.environ.get("BENCH_PROFILE"):  # where our time per event goes, to stderr
        import cProfile
        import pstats

        with cProfile.Profile() as profile:
            for event in events[2:1002]:
                notifier.handle(event)
        stats = pstats.Stats(profile, stream=sys.stderr).sort_stats(os.environ.get("BENCH_SORT", "tottime"))
        stats.print_stats(os.environ.get("BENCH_FILTER", "functions|powertools|pydantic|email"), 40)
        if os.environ.get("BENCH_CALLERS"):
            stats.print_callers(os.environ["BENCH_CALLERS"])
    calls.clear()
    began = time.perf_counter()
    for event in events[2:]:
        notifier.handle(event)
    ours = time.perf_counter() - began
    measured = len(events) - 2
    per_event = {k: v / measured for k, v in calls.items()}

    arguments = [[copy.deepcopy(params) for _method, params in bare] for _ in range(measured)]
    began = time.perf_counter()
    for round_ in arguments:
        for (method, _params), kwargs in zip(bare, round_, strict=True):
            method(**kwargs)
    floor = time.perf_counter() - began

    sms_seconds = args.events / args.sms_rate
    lines = [
        "# Notifications benchmark",
        "",
        f"One run, `python -m bench.notifications --events {args.events} --calendars {args.calendars} "
        f"--sms-rate {args.sms_rate}`: every event a",
        f"booking online on one of {args.calendars} calendars (in turn) with e-mail and SMS on; each",
        "calendar's mail is rendered whole once and then filled in (shared.mail_frames); all provider HTTP answered by botocore's",
        "before-send at once, so what is measured is our code plus botocore, against botocore alone",
        "making the calls our code made for one event, with the same arguments (items, raw mail).",
        "",
        f"- calls per event: {', '.join(f'{v:g}× {k}' for k, v in sorted(per_event.items()))}",
        f"- our delivery code: {measured / ours:,.0f} events/s ({ours:.1f} s for {measured:,})",
        f"- bare botocore, the same calls: {measured / floor:,.0f} events/s ({floor:.1f} s)",
        f"- ratio (our time / floor): {ours / floor:.2f}; Python of ours per event beyond the floor: {(ours - floor) / measured * 1000:.2f} ms",
        f"- {args.events:,} SMS at {args.sms_rate}/s take {sms_seconds / 60:.1f} min: "
        + ("within" if sms_seconds <= 600 else "beyond")
        + f" the 10 minutes (the rate needed for 10 minutes: {args.events / 600:.1f}/s)",
        "",
    ]
    REPORT.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
