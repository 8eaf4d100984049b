"""The local stand-in for SES receiving. `POST /_local/inbound-email` takes a raw RFC 5322 message and
does what template.yaml's receipt rule does in AWS: the S3 action stores the message in the inbound
bucket under the rule's prefix, the Lambda action invokes the rule's function with SES's event (mail,
receipt, verdicts). The same handler runs as in AWS.

Query parameters simulate what SMTP and SES would add: `spf`, `dkim`, `dmarc`, `spam`, `virus`
(default PASS), `source` (the envelope sender; default the From address; `<>` for a bounce) and `to`
(envelope recipients, comma-separated; default every To/Cc address the receipt rule takes: those at
the reply domain and the support address).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.utils import getaddresses
from typing import Any
from urllib.parse import parse_qs, urlsplit

from infra.local.activity import Activity
from infra.local.template import Resolver

VERDICTS = ("spf", "dkim", "dmarc", "spam", "virus")


def receipt_rule(resolver: Resolver) -> tuple[str, str, str]:
    """(bucket, key prefix, function logical id) of the template's receipt rule."""
    [rule] = resolver.resources("AWS::SES::ReceiptRule").values()
    actions = rule["Properties"]["Rule"]["Actions"]
    s3_action = next(a["S3Action"] for a in actions if "S3Action" in a)
    lambda_action = next(a["LambdaAction"] for a in actions if "LambdaAction" in a)
    bucket = resolver.resolve(s3_action["BucketName"])
    function = lambda_action["FunctionArn"]["Fn::GetAtt"][0]
    return str(bucket), str(s3_action.get("ObjectKeyPrefix", "")), str(function)


def ses_event(
    message_id: str,
    raw: bytes,
    recipients: list[str],
    verdicts: dict[str, str] | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """SES's Lambda-action event for one received message (documented shape, headers trimmed)."""
    parsed = message_from_bytes(raw, policy=policy.default)
    sender = next((a for _, a in getaddresses([str(v) for v in parsed.get_all("From", [])]) if a), "")
    status = {name: (verdicts or {}).get(name, "PASS") for name in VERDICTS}
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {
        "Records": [
            {
                "eventSource": "aws:ses",
                "eventVersion": "1.0",
                "ses": {
                    "mail": {
                        "timestamp": now,
                        "source": sender if source is None else source,
                        "messageId": message_id,
                        "destination": recipients,
                        "headersTruncated": False,
                        "commonHeaders": {
                            "from": [str(parsed.get("From", ""))],
                            "to": [str(parsed.get("To", ""))],
                            "subject": str(parsed.get("Subject", "")),
                            "messageId": str(parsed.get("Message-ID", "")),
                        },
                    },
                    "receipt": {
                        "timestamp": now,
                        "processingTimeMillis": 1,
                        "recipients": recipients,
                        **{f"{name}Verdict": {"status": value} for name, value in status.items()},
                        "action": {"type": "Lambda", "invocationType": "Event"},
                    },
                },
            }
        ]
    }


def envelope_recipients(raw: bytes, domain: str, support_address: str = "") -> list[str]:
    """The To/Cc addresses SES receives for the rule: its recipients are the reply domain and the
    support address (SES matches recipients case-insensitively)."""
    parsed = message_from_bytes(raw, policy=policy.default)
    headers = [str(v) for name in ("To", "Cc") for v in parsed.get_all(name, [])]
    return [
        a
        for _, a in getaddresses(headers)
        if a.lower().endswith(f"@{domain.lower()}")
        or (support_address and a.lower() == support_address.lower())
    ]


class InboundMail:
    def __init__(
        self, resolver: Resolver, s3: Any, functions: dict[str, Any], activity: Activity | None = None
    ) -> None:
        self._resolver = resolver
        self._s3 = s3
        self._functions = functions
        self._activity = activity or Activity()

    def __call__(self, method: str, path: str, body: bytes) -> tuple[int, str, bytes]:
        if method != "POST":
            return 405, "application/json", b'{"message":"POST a raw message (message/rfc822)"}'
        if not body:
            return 400, "application/json", b'{"message":"the body must be the raw message"}'
        query = {k: v[-1] for k, v in parse_qs(urlsplit(path).query).items()}
        bucket, prefix, function = receipt_rule(self._resolver)
        domain = self._resolver.parameter("ReplyDomain")
        support = self._resolver.parameter("SupportAddress")
        recipients = query["to"].split(",") if "to" in query else envelope_recipients(body, domain, support)
        message_id = uuid.uuid4().hex
        self._s3.put_object(Bucket=bucket, Key=f"{prefix}{message_id}", Body=body)
        verdicts = {name: query[name].upper() for name in VERDICTS if name in query}
        event = ses_event(message_id, body, recipients, verdicts, query.get("source"))
        ok, result = self._activity.deliver(self._functions[function], event, "ses inbound mail", message_id)
        if not ok:
            return 500, "application/json", json.dumps({"message": "the handler failed"}).encode()
        return 202, "application/json", json.dumps({"message_id": message_id, **result}).encode()
