"""Warm requests: each endpoint through its function's real handler, in-process, against the floor of
the same AWS calls made bare. One run; the ratios are the point, not the microseconds.

1. Record (moto in this process, no servers): the resources of template.yaml, a signed-up organisation
   admin and a support agent (registration, the mailed activation link, sign-in: the real accounts
   handler and worker), a ticket with a reply, the inbox messages the ticket's events make, a calendar
   with a delivered notification, a published knowledge-base article. Then, per endpoint, one request
   warms the function up and the next is recorded: each botocore call's arguments and its HTTP answer.
2. Replay: every client of the functions (shared.aws, production configuration) gets a botocore
   `before-send` handler that answers each call at once with the recorded HTTP answer, so no network
   and no moto is left: what is measured is our code plus botocore.
3. Per endpoint, the median of N warm requests (an API Gateway HTTP API v2 event, the JWT claims
   where API Gateway puts them, the function's handler) against the median of N rounds of the floor:
   the recorded botocore calls with the recorded arguments, made bare on the same clients with the
   same canned answers.

    .venv/bin/python -m bench.warm [--requests 2000]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "functions"))
REPORT = ROOT / "bench" / "warm.md"
REGION = "eu-central-1"
PASSWORD = "Bench-Passwort-2026"

os.environ.update(
    {
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
    }
)
for variable in [v for v in os.environ if v.startswith("AWS_ENDPOINT_URL")]:
    del os.environ[variable]

import boto3  # noqa: E402
import jwt  # noqa: E402
from botocore import xform_name  # noqa: E402
from botocore.awsrequest import AWSResponse, HeadersDict  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

from infra.local import outbox, provision  # noqa: E402
from infra.local.delivery import sqs_event  # noqa: E402
from infra.local.http_api import Route, build_event, routes_from_template  # noqa: E402
from infra.local.lambda_runtime import LocalContext  # noqa: E402
from infra.local.template import Resolver, load  # noqa: E402

HTTP_FUNCTIONS = {
    "AccountsFunction": "accounts.handler",
    "TicketsFunction": "tickets.handler",
    "InboxFunction": "inbox.handler",
    "NotificationsFunction": "notifications.handler",
    "KbFunction": "kb.handler",
}
OTHER_FUNCTIONS = {
    "AccountsWorkerFunction": ("accounts.worker", "AccountRequestsQueue"),
    "InboxConsumerFunction": ("inbox.consumer", "InboxEventsQueue"),
    "NotificationsConsumerFunction": ("notifications.consumer", "AppointmentEventsQueue"),
}


@dataclass
class Call:
    """One botocore call: where it went, what the caller passed, what came back over HTTP."""

    key: str  # "<service id>.<operation>", as botocore's event names spell it
    service: str  # the name boto3.client takes
    params: dict[str, Any]
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def signature(self) -> str:
        return signature(self.key, self.params)

    @property
    def label(self) -> str:
        service, _, operation = self.key.partition(".")
        return f"{service}:{operation}"


class Recorder:
    """botocore handlers on the session every client is made from: the calls of the current request."""

    def __init__(self) -> None:
        self.calls: list[Call] = []

    def params(self, params: dict[str, Any], model: Any, event_name: str, **_: Any) -> None:
        key = event_name.split(".", 1)[1]
        self.calls.append(Call(key, model.service_model.service_name, copy.deepcopy(params)))

    def response(self, response_dict: dict[str, Any] | None, event_name: str, **_: Any) -> None:
        call = self.calls[-1]
        assert call.key == event_name.split(".", 1)[1], (call.key, event_name)
        if response_dict is None:
            raise RuntimeError(f"{call.key}: no HTTP answer to record")
        body = response_dict.get("body", b"")
        if not isinstance(body, bytes):
            raise RuntimeError(f"{call.key}: streaming answers are not recorded by this benchmark")
        call.status = int(response_dict["status_code"])
        call.headers = dict(response_dict["headers"].items())
        call.body = body


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


# What tells two calls of one operation apart (a profile read from a ticket read), not what varies
# between requests (ids, times, bodies): the table, index and expressions, and the key prefixes.
IDENTITY = (
    "TableName",
    "IndexName",
    "KeyConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
    "UpdateExpression",
    "ConditionExpression",
    "Select",
    "ScanIndexForward",
    "ConsistentRead",
    "Limit",
    "QueueUrl",
    "Bucket",
    "SecretId",
    "UserPoolId",
)


def _prefix(value: Any) -> str:
    """{"S": "USER#01J..."} -> "USER#"; any other attribute value -> its type."""
    if isinstance(value, dict) and len(value) == 1:
        ((kind, inner),) = value.items()
        return inner.split("#", 1)[0] + "#" if isinstance(inner, str) and "#" in inner else str(kind)
    return type(value).__name__


def signature(key: str, params: dict[str, Any]) -> str:
    parts = [key]
    parts += [f"{name}={params[name]}" for name in IDENTITY if name in params]
    for name in ("Key", "ExclusiveStartKey", "ExpressionAttributeValues"):
        if isinstance(params.get(name), dict):
            parts.append(name + "=" + ",".join(f"{k}:{_prefix(v)}" for k, v in sorted(params[name].items())))
    return "|".join(parts)


class Replay:
    """botocore handlers on the functions' clients: each call is answered at once (before-send) with
    a recorded HTTP answer of a call of the same signature, the n-th such call of a request with the
    n-th recorded one (the last again if a request makes more)."""

    def __init__(self) -> None:
        self.answers: dict[str, list[Call]] = {}
        self.position: Counter[str] = Counter()
        self.current = ""

    def new_request(self) -> None:
        self.position.clear()

    def params(self, params: dict[str, Any], event_name: str, **_: Any) -> None:
        self.current = signature(event_name.split(".", 1)[1], params)

    def __call__(self, request: Any, **_: Any) -> AWSResponse:
        recorded = self.answers.get(self.current)
        if not recorded:
            raise RuntimeError(f"no recorded answer for {self.current}")
        call = recorded[min(self.position[self.current], len(recorded) - 1)]
        self.position[self.current] += 1
        return AWSResponse(request.url, call.status, HeadersDict(call.headers), _Raw(call.body))


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    caller: str | None  # a persona's name, or None: anonymous
    body: dict[str, Any] | None = None


class Api:
    """The template's routes, each to its function's handler, with events as API Gateway builds them."""

    def __init__(self, resolver: Resolver, handlers: dict[str, Callable[..., dict[str, Any]]]) -> None:
        self.routes = routes_from_template(resolver, "http://unused")
        self.handlers = handlers
        self.claims: dict[str, dict[str, Any]] = {}

    def route(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        for route in self.routes:
            if route.method == method and (match := route.pattern.match(path)):
                return route, match.groupdict()
        raise LookupError(f"{method} {path} is not a route of template.yaml")

    def event(self, method: str, path: str, caller: str | None, body: Any = None) -> dict[str, Any]:
        route, parameters = self.route(method, path)
        headers = {"content-type": "application/json", "accept-language": "de", "user-agent": "bench"}
        claims = self.claims[caller] if caller and route.authorizer else None
        if claims:
            headers["authorization"] = "Bearer <verified by API Gateway>"
        raw = json.dumps(body).encode() if body is not None else b""
        return build_event(
            route.route_key, method, path, "", headers, raw, claims, "198.51.100.7", parameters, port=443
        )

    def handler_for(self, method: str, path: str) -> tuple[str, Callable[..., dict[str, Any]]]:
        function = self.route(method, path)[0].function
        return function, self.handlers[function]

    def call(self, method: str, path: str, caller: str | None, body: Any = None) -> dict[str, Any]:
        function, handler = self.handler_for(method, path)
        result = handler(self.event(method, path, caller, body), LocalContext(function, "bench"))
        status = int(result["statusCode"])
        if status >= 300:
            raise RuntimeError(f"{method} {path}: {status} {result.get('body')}")
        answer: dict[str, Any] = json.loads(result["body"]) if result.get("body") else {}
        return answer


def run_queue(resolver: Resolver, logical_id: str, handlers: dict[str, Callable[..., Any]]) -> int:
    """Hands what waits in a function's queue to its handler, as the SQS event source would."""
    _module, queue = OTHER_FUNCTIONS[logical_id]
    sqs = boto3.client("sqs")
    url = resolver.physical_ids[queue]
    arn = resolver.attributes[queue]["Arn"]
    handled = 0
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        result = handlers[logical_id](sqs_event(messages, arn, REGION), LocalContext(logical_id, "bench"))
        if result and result.get("batchItemFailures"):
            raise RuntimeError(f"{logical_id} failed: {result}")
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
        )
        handled += len(messages)
    return handled


def sign_up(api: Api, resolver: Resolver, handlers: dict[str, Any], name: str, email: str) -> dict[str, Any]:
    """Registration, the activation link from the mail, activation: the caller's access token."""
    api.call(
        "POST",
        "/accounts/registrations",
        None,
        {"full_name": name, "email": email, "privacy_consent": {"accepted": True, "version": "2026-05"}},
    )
    run_queue(resolver, "AccountsWorkerFunction", handlers)
    links = [link for mail in outbox.mails(REGION) if mail["to"] == email for link in mail["links"]]
    token = next(link for link in reversed(links) if "aktivieren" in link).partition("#token=")[2]
    return api.call("POST", "/accounts/activation", None, {"token": token, "password": PASSWORD})


def claims_of(tokens: dict[str, Any]) -> dict[str, Any]:
    """What API Gateway's JWT authorizer passes on (the local HTTP API verifies; here moto issued it)."""
    return dict(jwt.decode(tokens["access_token"], options={"verify_signature": False}))


def seed(api: Api, resolver: Resolver, handlers: dict[str, Any]) -> dict[str, str]:
    """The data the endpoints read, made through the functions themselves. Returns the ids used."""
    admin_email, agent_email = "anna.schmidt@praxis-bench.example", "sabine@support-bench.example"
    api.claims["admin"] = claims_of(sign_up(api, resolver, handlers, "Dr. Anna Schmidt", admin_email))
    org_id = api.call("POST", "/organisations", "admin", {"name": "Praxis Dr. Schmidt"})["id"]
    sign_up(api, resolver, handlers, "Sabine Support", agent_email)
    boto3.client("cognito-idp").admin_add_user_to_group(
        UserPoolId=resolver.physical_ids["UserPool"], Username=agent_email, GroupName="agents"
    )
    tokens = api.call("POST", "/accounts/sessions", None, {"email": agent_email, "password": PASSWORD})
    api.claims["agent"] = claims_of(tokens)
    api.claims["admin"] = claims_of(  # a fresh token: the organisation is the admin's now
        api.call("POST", "/accounts/sessions", None, {"email": admin_email, "password": PASSWORD})
    )

    folder_id = api.call(
        "POST",
        "/agent/kb/folders",
        "agent",
        {"name": "Termine", "description": "Online-Termine", "position": 1},
    )["id"]
    article_id = api.call(
        "POST",
        "/agent/kb/articles",
        "agent",
        {
            "folder_id": folder_id,
            "title": "Benachrichtigungen bei Online-Terminen einrichten",
            "tags": ["SMS", "E-Mail"],
            "body": "Behandler erhalten eine SMS und/oder E-Mail, wenn ein Patient online einen Termin bucht. "
            "Tragen Sie dazu unter *Einstellungen > Online-Termine* eine Handynummer ein.",
        },
    )["id"]
    api.call("PATCH", f"/agent/kb/articles/{article_id}", "agent", {"status": "published"})

    ticket_id = api.call(
        "POST",
        "/tickets",
        "admin",
        {
            "request_type": "bug_report",
            "subject": "Keine SMS bei Online-Buchungen",
            "description": "Seit Montag bekommen wir keine SMS mehr, wenn Patienten online buchen.",
            "fields": {"module": "notifications"},
        },
    )["id"]
    api.call("POST", f"/tickets/{ticket_id}/replies", "agent", {"body": "Welche Handynummer ist hinterlegt?"})
    run_queue(resolver, "InboxConsumerFunction", handlers)

    calendar_id = api.call(
        "POST", f"/organisations/{org_id}/calendars", "admin", {"name": "Dr. Anna Schmidt"}
    )["id"]
    api.call(
        "PATCH",
        f"/calendars/{calendar_id}/notification-settings",
        "admin",
        {"email": "dr.schmidt@praxis-bench.example", "mobile": "0171 3456789"},
    )
    detail = {
        "metadata": {"event_id": "bench-1", "version": 1, "occurred_at": "2026-09-08T10:00:00+02:00"},
        "data": {
            "calendar_id": calendar_id,
            "appointment_id": "apt-1",
            "start": "2026-09-09T12:00:00+02:00",
            "changed_at": "2026-09-08T10:00:00+02:00",
            "changed_by": "patient_online",
        },
    }
    boto3.client("events").put_events(
        Entries=[
            {
                "Source": "portal.booking",
                "DetailType": "AppointmentBooked",
                "EventBusName": resolver.physical_ids["EventBus"],
                "Detail": json.dumps(detail),
            }
        ]
    )
    run_queue(resolver, "NotificationsConsumerFunction", handlers)
    return {"ticket": ticket_id, "org": org_id, "calendar": calendar_id, "article": article_id}


def endpoints(ids: dict[str, str]) -> list[Endpoint]:
    return [
        Endpoint("GET /tickets", "GET", "/tickets", "admin"),
        Endpoint("GET /tickets/{id}", "GET", f"/tickets/{ids['ticket']}", "admin"),
        Endpoint(
            "POST /tickets/{id}/replies",
            "POST",
            f"/tickets/{ids['ticket']}/replies",
            "admin",
            {"body": "Die Nummer ist 0171 2345678."},
        ),
        Endpoint("GET /inbox", "GET", "/inbox", "admin"),
        Endpoint("GET /accounts/me", "GET", "/accounts/me", "admin"),
        Endpoint("GET /kb/articles/{id}", "GET", f"/kb/articles/{ids['article']}", None),
        Endpoint(
            "GET /organisations/{id}/calendars", "GET", f"/organisations/{ids['org']}/calendars", "admin"
        ),
        Endpoint(
            "GET /calendars/{id}/deliveries", "GET", f"/calendars/{ids['calendar']}/deliveries", "admin"
        ),
    ]


def median_us(samples: list[int]) -> float:
    return statistics.median(samples) / 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000, help="warm requests per endpoint (N)")
    parser.add_argument("--show-logs", action="store_true", help="the functions' log lines to stderr")
    args = parser.parse_args()
    report = sys.stdout
    # The functions log as in Lambda (the template's POWERTOOLS_LOG_LEVEL); the lines go nowhere here.
    logs = sys.stderr if args.show_logs else open(os.devnull, "w")  # noqa: SIM115 - open till exit
    with contextlib.redirect_stdout(logs):
        rows, sdk = measure(args.requests)
    lines = [
        "# Warm requests: handler vs. the same AWS calls made bare",
        "",
        f"One run, `python -m bench.warm --requests {args.requests}`, Python {sys.version.split()[0]}, "
        f"boto3 {sdk['boto3']} / botocore {sdk['botocore']}.",
        "Each endpoint's real handler gets an API Gateway HTTP API (v2) event with the caller's JWT claims;",
        "every AWS call is answered at once by botocore's before-send with the HTTP answer recorded from",
        "the same handler against moto earlier in the run. The floor is the same botocore calls, with the",
        "same arguments, on the same clients, answered the same way. Medians of N requests each;",
        "the ratio (ours / floor) is what travels between machines, not the microseconds.",
        "",
        "| endpoint | function | answer | AWS calls per request | ours µs | floor µs | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['endpoint']} | {row['function']} | {row['answer']} | {row['calls']} | {row['ours_us']:.0f} | "
            f"{row['floor_us']:.0f} | {row['ratio']:.2f} |"
        )
    lines.append("")
    REPORT.write_text("\n".join(lines))
    print("\n".join(lines), file=report)
    print(json.dumps(rows), file=report)


def measure(requests: int) -> tuple[list[dict[str, Any]], dict[str, str]]:
    import importlib

    import botocore
    from moto import mock_aws

    mock = mock_aws()
    mock.start()
    resolver = Resolver(load(), parameters={"Stage": "bench"}, region=REGION)
    boto3.setup_default_session()
    recorder = Recorder()

    def on_params(**kwargs: Any) -> None:
        recorder.params(**kwargs)

    def on_response(**kwargs: Any) -> None:
        recorder.response(**kwargs)

    assert boto3.DEFAULT_SESSION is not None
    boto3.DEFAULT_SESSION.events.register("provide-client-params", on_params)
    boto3.DEFAULT_SESSION.events.register("response-received", on_response)

    provision.function_names(resolver)
    provision.event_buses(resolver, boto3.client("events"))
    provision.tables(resolver, boto3.client("dynamodb"))
    provision.buckets(resolver, boto3.client("s3"))
    provision.queues(resolver, boto3.client("sqs"))
    provision.sender_identity(resolver, boto3.client("sesv2"))
    provision.rules(resolver, boto3.client("events"))
    provision.secrets(resolver, boto3.client("secretsmanager"))
    provision.user_pools(resolver, boto3.client("cognito-idp"))
    for logical in [*HTTP_FUNCTIONS, *OTHER_FUNCTIONS]:
        os.environ.update(provision.function_environment(resolver, logical))
    os.environ["POWERTOOLS_SERVICE_NAME"] = "bench"

    handlers: dict[str, Callable[..., Any]] = {}
    for logical, module in HTTP_FUNCTIONS.items():
        handlers[logical] = importlib.import_module(module).handler
    for logical, (module, _queue) in OTHER_FUNCTIONS.items():
        handlers[logical] = importlib.import_module(module).handler
    api = Api(resolver, handlers)
    ids = seed(api, resolver, handlers)

    # Record: one request warms the function up, the next one's calls are the endpoint's.
    recorded: dict[str, list[Call]] = {}
    answers: dict[str, dict[str, list[Call]]] = {}
    latest = {call.signature: [call] for call in recorder.calls}  # seeding: the last answer of each kind
    for endpoint in endpoints(ids):
        recorder.calls = []
        api.call(endpoint.method, endpoint.path, endpoint.caller, endpoint.body)
        warm_up, recorder.calls = recorder.calls, []
        api.call(endpoint.method, endpoint.path, endpoint.caller, endpoint.body)
        recorded[endpoint.name] = recorder.calls
        # Calls only some requests make (a secret, a cache refreshed) get the answers seen last.
        answers[endpoint.name] = {**latest, **_by_signature(warm_up), **_by_signature(recorder.calls)}
        latest |= {call.signature: [call] for call in [*warm_up, *recorder.calls]}
    mock.stop()

    # Replay: the functions' clients (shared.aws, production configuration), made anew and answered
    # from the recording; nothing reaches a network or moto.
    os.environ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9"  # a call nobody recorded fails, it goes nowhere
    from shared import aws

    aws.reset()
    with contextlib.suppress(ImportError):
        from shared import wiring

        wiring.rebuild_everywhere()
    replay = Replay()
    counted: Counter[str] = Counter()

    def count(model: Any, **_: Any) -> None:
        counted[f"{model.service_model.service_id.hyphenize()}:{model.name}"] += 1

    clients: dict[str, Any] = {}
    for service_id, service in sorted({(c.key.split(".")[0], c.service) for c in latest_calls(answers)}):
        for once in (False, True):
            client = aws.client(service, once=once)
            client.meta.events.register("provide-client-params", replay.params)
            client.meta.events.register("before-send", replay)
            client.meta.events.register("before-call", count)
        clients[service_id] = aws.client(service)

    rows = []
    for endpoint in endpoints(ids):
        calls = recorded[endpoint.name]
        replay.answers = answers[endpoint.name]
        function, handler = api.handler_for(endpoint.method, endpoint.path)
        event = api.event(endpoint.method, endpoint.path, endpoint.caller, endpoint.body)
        context = LocalContext(function, "bench")

        def ours(
            handler: Callable[..., dict[str, Any]] = handler,
            event: dict[str, Any] = event,
            context: LocalContext = context,
            endpoint: Endpoint = endpoint,
        ) -> int:
            request = copy.deepcopy(event)
            replay.new_request()
            began = time.perf_counter_ns()
            result = handler(request, context)
            elapsed = time.perf_counter_ns() - began
            if int(result["statusCode"]) >= 300:
                raise RuntimeError(f"{endpoint.name}: {result['statusCode']} {result.get('body')}")
            return elapsed

        bare = [
            (getattr(clients[c.key.split(".")[0]], xform_name(c.key.split(".", 1)[1])), c.params)
            for c in calls
        ]

        def floor(bare: list[tuple[Callable[..., Any], dict[str, Any]]] = bare) -> int:
            arguments = [copy.deepcopy(params) for _method, params in bare]
            replay.new_request()
            began = time.perf_counter_ns()
            for (method, _params), kwargs in zip(bare, arguments, strict=True):
                with contextlib.suppress(ClientError):  # a recorded refusal our code expects
                    method(**kwargs)
            return time.perf_counter_ns() - began

        for _ in range(50):  # warm: the replayed clients' first calls, caches of the function
            ours()
            floor()
        answer = handler(copy.deepcopy(event), context)
        if os.environ.get("BENCH_SHOW_ANSWERS"):
            print(endpoint.name, answer["statusCode"], answer.get("body", "")[:600], file=sys.stderr)
        if os.environ.get("BENCH_PROFILE") == endpoint.name:  # where our microseconds go, to stderr
            import cProfile
            import pstats

            with cProfile.Profile() as profile:
                for _ in range(requests):
                    ours()
            pstats.Stats(profile, stream=sys.stderr).sort_stats(
                os.environ.get("BENCH_SORT", "cumulative")
            ).print_stats("functions|powertools|pydantic", 45)
        counted.clear()
        ours_samples = [ours() for _ in range(requests)]
        per_request = {k: v / requests for k, v in sorted(counted.items())}
        floor_samples = [floor() for _ in range(requests)]
        recorded_labels = Counter(c.label for c in calls)
        if {k: round(v, 3) for k, v in per_request.items()} != {
            k: float(v) for k, v in recorded_labels.items()
        }:
            print(
                f"note: {endpoint.name} made {per_request} per request, recorded {dict(recorded_labels)}",
                file=sys.stderr,
            )
        ours_us, floor_us = median_us(ours_samples), median_us(floor_samples)
        rows.append(
            {
                "endpoint": endpoint.name,
                "function": function,
                "answer": f"{answer['statusCode']}, {len(answer.get('body') or '')} B",
                "calls": _calls_text(per_request),
                "ours_us": ours_us,
                "floor_us": floor_us,
                "ratio": ours_us / floor_us if floor_us else float("inf"),
            }
        )
    return rows, {"boto3": boto3.__version__, "botocore": botocore.__version__}


def _by_signature(calls: list[Call]) -> dict[str, list[Call]]:
    grouped: dict[str, list[Call]] = defaultdict(list)
    for call in calls:
        grouped[call.signature].append(call)
    return dict(grouped)


def latest_calls(answers: dict[str, dict[str, list[Call]]]) -> list[Call]:
    return [call for by_signature in answers.values() for calls in by_signature.values() for call in calls]


def _calls_text(per_request: dict[str, float]) -> str:
    total = sum(per_request.values())
    if not total:
        return "0"
    parts = ", ".join(f"{v:g}× {k}" for k, v in per_request.items())
    return f"{total:g} ({parts})"


if __name__ == "__main__":
    main()
