"""Asynchronous delivery the way AWS does it, for the events the template wires to functions:

- `SQS` events: the queue is polled (long polling on moto) and batches go to the function as Lambda's
  event source mapping sends them; with `ReportBatchItemFailures` only the reported messages stay.
- `EventBridgeRule` events: a rule on the bus targets a local shim queue, delivered like SQS but with
  the EventBridge event itself as the function's input (as a direct rule target would receive it).
- `S3` events: the bucket notifies a local shim queue; the function gets the S3 event itself.
- `Schedule` / `ScheduleV2` with `rate(...)`: invoked on that rate with a scheduled-event input.
EventBridge rules targeting SQS queues are created by the provisioning and delivered by moto itself.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from infra.local import provision
from infra.local.activity import Activity, correlation_of
from infra.local.lambda_runtime import FunctionProcess
from infra.local.template import Resolver

_RATE = re.compile(r"rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


@dataclass
class QueueSubscription:
    function: str
    queue_url: str
    queue_arn: str
    batch_size: int
    partial_failures: bool
    unwrap_eventbridge: bool


def rate_seconds(expression: str) -> int | None:
    match = _RATE.fullmatch(expression.strip())
    if not match:
        return None
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2).rstrip("s")]


def sqs_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": m.get("MessageAttributes", {}),
                "md5OfBody": hashlib.md5(m["Body"].encode()).hexdigest(),  # noqa: S324 - SQS's own checksum
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for m in messages
        ]
    }


class EventDelivery:
    def __init__(
        self,
        resolver: Resolver,
        functions: dict[str, FunctionProcess],
        moto_endpoint: str,
        region: str,
        activity: Activity | None = None,
    ) -> None:
        self._resolver = resolver
        self._activity = activity or Activity()
        self._functions = functions
        self._region = region
        self._sqs = provision.client("sqs", moto_endpoint, region)
        self._events = provision.client("events", moto_endpoint, region)
        self._s3 = provision.client("s3", moto_endpoint, region)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.subscriptions: list[QueueSubscription] = []
        self.schedules: list[tuple[str, int]] = []

    def _queue(self, reference: Any) -> tuple[str, str]:
        arn = str(self._resolver.resolve(reference))
        name = arn.rsplit(":", 1)[1]
        url = self._sqs.get_queue_url(QueueName=name)["QueueUrl"]
        return url, arn

    def plan(self) -> None:
        for logical, function in self._resolver.resources("AWS::Serverless::Function").items():
            for event_name, event in function.get("Properties", {}).get("Events", {}).items():
                kind, props = event.get("Type"), event.get("Properties", {})
                if kind == "SQS":
                    url, arn = self._queue(props["Queue"])
                    self.subscriptions.append(
                        QueueSubscription(
                            logical,
                            url,
                            arn,
                            int(props.get("BatchSize", 10)),
                            "ReportBatchItemFailures" in props.get("FunctionResponseTypes", []),
                            False,
                        )
                    )
                elif kind == "EventBridgeRule":
                    self.subscriptions.append(self._shim(logical, event_name, props))
                elif kind == "S3":
                    self.subscriptions.append(self._bucket_shim(logical, event_name, props))
                elif kind in ("Schedule", "ScheduleV2"):
                    seconds = rate_seconds(str(props.get("Schedule") or props.get("ScheduleExpression")))
                    if seconds:
                        self.schedules.append((logical, seconds))

    def _shim(self, logical: str, event_name: str, props: dict[str, Any]) -> QueueSubscription:
        resolved = self._resolver.resolve(props)
        name = f"local-{logical}-{event_name}"[:80]
        url = self._sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        bus = resolved.get("EventBusName", "default")
        self._events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps(resolved["Pattern"]))
        self._events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "local", "Arn": arn}])
        return QueueSubscription(logical, url, arn, 1, False, True)

    def _bucket_shim(self, logical: str, event_name: str, props: dict[str, Any]) -> QueueSubscription:
        """S3 notifications to a function: the bucket notifies a local queue, delivered unwrapped."""
        resolved = self._resolver.resolve(props)
        name = f"local-{logical}-{event_name}"[:80]
        url = self._sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        events = resolved["Events"] if isinstance(resolved["Events"], list) else [resolved["Events"]]
        configuration: dict[str, Any] = {"QueueArn": arn, "Events": events}
        if "Filter" in resolved:
            configuration["Filter"] = {"Key": {"FilterRules": resolved["Filter"]["S3Key"]["Rules"]}}
        self._s3.put_bucket_notification_configuration(
            Bucket=resolved["Bucket"], NotificationConfiguration={"QueueConfigurations": [configuration]}
        )
        return QueueSubscription(logical, url, arn, 1, False, True)

    def start(self) -> None:
        self.plan()
        for subscription in self.subscriptions:
            self._run(lambda s=subscription: self._poll(s), f"sqs-{subscription.function}")
        for function, seconds in self.schedules:
            self._run(lambda f=function, s=seconds: self._tick(f, s), f"schedule-{function}")

    def _run(self, target: Any, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def deliver_once(self, subscription: QueueSubscription, wait_seconds: int = 1) -> int:
        """One receive and invoke; returns how many messages were received."""
        received = self._sqs.receive_message(
            QueueUrl=subscription.queue_url,
            MaxNumberOfMessages=min(subscription.batch_size, 10),
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not received:
            return 0
        function = self._functions[subscription.function]
        failed: set[str] = set()
        if subscription.unwrap_eventbridge:
            for message in received:
                body = json.loads(message["Body"])
                if body.get("Event") == "s3:TestEvent":
                    continue  # S3's check that the queue exists
                ok, _ = self._activity.deliver(
                    function, body, _describe(body), correlation_of(body) or message["MessageId"]
                )
                if not ok:
                    failed.add(message["MessageId"])
        else:
            queue = subscription.queue_arn.rsplit(":", 1)[-1]
            ok, result = self._activity.deliver(
                function,
                sqs_event(received, subscription.queue_arn, self._region),
                f"sqs {queue} ({len(received)})",
                ",".join(dict.fromkeys(correlation_of(m["Body"]) or m["MessageId"] for m in received)),
            )
            if not ok:
                failed = {m["MessageId"] for m in received}
            elif subscription.partial_failures and isinstance(result, dict):
                failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        done = [m for m in received if m["MessageId"] not in failed]
        if done:  # what failed stays, becomes visible again and, past maxReceiveCount, goes to the DLQ
            self._sqs.delete_message_batch(
                QueueUrl=subscription.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        return len(received)

    def _poll(self, subscription: QueueSubscription) -> None:
        while not self._stop.is_set():
            try:
                self.deliver_once(subscription)
            except Exception:
                self._stop.wait(1)

    def _tick(self, function: str, seconds: int) -> None:
        while not self._stop.wait(seconds):
            event_id = str(uuid.uuid4())
            self._activity.deliver(
                self._functions[function],
                {
                    "version": "0",
                    "id": event_id,
                    "detail-type": "Scheduled Event",
                    "source": "aws.events",
                    "account": self._resolver.account_id,
                    "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "region": self._region,
                    "resources": [],
                    "detail": {},
                },
                f"schedule rate({seconds}s)",
                event_id,
            )

    def stop(self) -> None:
        self._stop.set()


def _describe(event: dict[str, Any]) -> str:
    """What a directly delivered event is, in a few words: its bus event or S3 notification."""
    if "Records" in event:
        records = event["Records"]
        names = sorted({str(r.get("eventName", "")) for r in records if isinstance(r, dict)})
        return f"s3 {','.join(names)} ({len(records)})"
    return f"event {event.get('source', '?')} {event.get('detail-type', '?')}"
