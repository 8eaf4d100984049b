"""Cold-start promises: the X-Ray SDK is imported only when tracing is on, and nothing reads
settings or creates clients at import time."""

from __future__ import annotations

import json
import subprocess
import sys

from infra.local.template import ROOT

PROBE = """
import json, sys
import accounts.handler as h
from shared import aws
imported_at_import = "aws_xray_sdk" in sys.modules
clients_at_import = len(aws._clients)
event = {"version": "2.0", "routeKey": "GET /accounts/health", "rawPath": "/accounts/health",
         "rawQueryString": "", "headers": {}, "isBase64Encoded": False,
         "requestContext": {"http": {"method": "GET", "path": "/accounts/health", "sourceIp": "1.2.3.4"},
                            "requestId": "r", "stage": "$default", "routeKey": "GET /accounts/health"}}
from infra.local.lambda_runtime import LocalContext
status = h.handler(event, LocalContext("accounts", "r"))["statusCode"]
print(json.dumps({"status": status, "xray_at_import": imported_at_import, "clients_at_import": clients_at_import,
                  "xray_after_call": "aws_xray_sdk" in sys.modules}))
"""


def _probe(tracing: str) -> dict[str, object]:
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": f"{ROOT / 'functions'}:{ROOT}",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "STAGE": "t",
        "POWERTOOLS_SERVICE_NAME": "accounts",
        "EVENT_BUS_NAME": "bus",
        "ACCOUNTS_TABLE": "t",
        "SIGNING_SECRET_ARN": "arn:aws:secretsmanager:eu-central-1:1:secret:s",
        "ACCOUNT_REQUESTS_QUEUE_URL": "https://sqs.eu-central-1.amazonaws.com/1/q",
        "NOTIFICATIONS_TABLE": "n",
        "EXPORTS_BUCKET": "e",
        "USER_POOL_ID": "p",
        "USER_POOL_CLIENT_ID": "c",
        "SENDER_ADDRESS": "support@example.com",
        "PORTAL_URL": "https://portal.example.com",
        "TRACING_ENABLED": tracing,
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_tracing_off_never_imports_xray_and_import_creates_no_clients() -> None:
    result = _probe("false")
    assert result == {
        "status": 200,
        "xray_at_import": False,
        "clients_at_import": 0,
        "xray_after_call": False,
    }


def test_tracing_on_imports_xray_at_the_first_call() -> None:
    result = _probe("true")
    assert result["status"] == 200
    assert result["xray_at_import"] is False
    assert result["xray_after_call"] is True
