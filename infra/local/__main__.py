"""`make run`: the whole system on 127.0.0.1 until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from infra.local import demo, provision
from infra.local.activity import Activity
from infra.local.services import port_free
from infra.local.stack import REGION, LocalStack
from infra.local.template import ROOT

LOG_DIR = ROOT / ".local" / "logs"  # ignored by git
KEEP_LOGS = 8  # function logs of earlier runs (one file per port) kept beside the current one


def function_log(argument: str | None, port: int) -> Path | None:
    """Where the functions' JSON log lines go: `-` for this console, by default one file per port."""
    if argument == "-":
        return None
    if argument:
        return Path(argument).resolve()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    earlier = sorted(LOG_DIR.glob("functions-*.jsonl"), key=lambda f: f.stat().st_mtime, reverse=True)
    for old in earlier[KEEP_LOGS:]:
        old.unlink(missing_ok=True)
    return LOG_DIR / f"functions-{port}.jsonl"


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the support-portal backend locally")
    parser.add_argument("--port", type=int, default=3000, help="HTTP API port (default 3000)")
    parser.add_argument(
        "--websocket-port",
        type=int,
        default=0,
        help="WebSocket API port (default: the HTTP port + 1 when free)",
    )
    parser.add_argument("--dynamodb-port", type=int, default=0, help="DynamoDB Local port (default: free)")
    parser.add_argument("--moto-port", type=int, default=0, help="moto server port (default: free)")
    parser.add_argument("--no-demo", action="store_true", help="start without demo data")
    parser.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a template parameter, as `sam deploy --parameter-overrides` would set it (repeatable)",
    )
    parser.add_argument(
        "--function-log",
        metavar="PATH",
        help="file for the functions' JSON log lines (default .local/logs/functions-<port>.jsonl; - prints them)",
    )
    args = parser.parse_args()
    overrides = dict(p.split("=", 1) for p in args.parameter)
    log_file = function_log(args.function_log, args.port)
    # Request and event lines start once the banner is out; errors are printed at once.
    activity = Activity.console(muted=True)

    stack = LocalStack(
        api_port=args.port,
        websocket_port=args.websocket_port or (args.port + 1 if port_free(args.port + 1) else 0),
        dynamodb_port=args.dynamodb_port,
        moto_port=args.moto_port,
        # Caches short, so a developer sees a change at once; limits as deployed (template defaults).
        parameters={"BroadcastCacheSeconds": "0", "KbIndexCacheSeconds": "1", **overrides},
        function_log=log_file,
        activity=activity,
    )
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    print("Starting DynamoDB Local, moto and the functions …", flush=True)
    try:
        stack.start()
        users: list[demo.DemoUser] = []
        if not args.no_demo:
            cognito = provision.client("cognito-idp", stack.moto.endpoint, REGION)
            users = demo.seed(stack.api_url, cognito, stack.resolver.physical_ids["UserPool"])
        url = stack.api_url
        print(
            f"\nSupport portal running on {url}\n"
            f"  API               {url}/accounts/health\n"
            f"  Swagger UI        {url}/docs   (OpenAPI: {url}/openapi.json)\n"
            f"  WebSocket (live)  {stack.websocket_url}   (ticket: POST {url}/realtime/tickets)\n"
            f"  Live page         {url}/_local/live   (a signed-in user's notification centre)\n"
            f"  Outbox (mail/SMS) {url}/_local/outbox\n"
            f"  Local config      {url}/_local/config\n"
            f"  DynamoDB Local    {stack.dynamodb.endpoint}\n"
            f"  moto (S3, SES, SNS, SQS, EventBridge, Cognito) {stack.moto.endpoint}\n"
            f"  CORS origins      {', '.join(stack.cors.allow_origins) if stack.cors else '(none)'}\n"
            f"  Function logs     {_shown(log_file)}\n",
            flush=True,
        )
        if users:
            print("Demo logins (POST /accounts/sessions):", flush=True)
            for user in users:
                print(f"  {user.role:<20} {user.email:<42} {user.password}", flush=True)
        print(
            "\nOne line per request and per event delivered to a function follows; !! marks errors, the"
            " last column is the id to look for in the function logs.\nCtrl-C stops everything.\n",
            flush=True,
        )
        activity.unmute()
        stopped.wait()
    finally:
        print("Stopping …", flush=True)
        stack.stop()
    return 0


def _shown(path: Path | None) -> str:
    if path is None:
        return "(printed here)"
    try:
        return f"{path.relative_to(ROOT)}   (JSON lines: tail -f it)"
    except ValueError:
        return f"{path}   (JSON lines: tail -f it)"


if __name__ == "__main__":
    sys.exit(main())
