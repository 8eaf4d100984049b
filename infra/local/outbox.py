"""What the local stack "sent": e-mails (SES) and SMS (SNS), read from moto's server in this process."""

from __future__ import annotations

import re
from email import message_from_string, policy
from email.message import EmailMessage
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

_LINK = re.compile(r"https?://[^\s\"'<>]+")
_parsed: dict[str, dict[str, Any]] = {}  # SES message id -> the parsed mail: each mail is parsed once


def _mail(message_id: str, raw: str) -> dict[str, Any]:
    parsed = message_from_string(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    text = text_part.get_content() if text_part else ""
    html = html_part.get_content() if html_part else ""
    return {
        "id": message_id,
        "from": str(parsed["From"]),
        "to": str(parsed["To"]),
        "subject": str(parsed["Subject"]).strip(),  # a folded header may start with its fold
        "reference_id": str(parsed["X-Reference-ID"] or ""),
        "language": str(parsed["Content-Language"] or ""),
        "message_id": str(parsed["Message-ID"] or ""),
        "reply_to": str(parsed["Reply-To"] or ""),
        "in_reply_to": str(parsed["In-Reply-To"] or ""),
        "references": str(parsed["References"] or ""),
        "list_unsubscribe": str(parsed["List-Unsubscribe"] or ""),
        "list_unsubscribe_post": str(parsed["List-Unsubscribe-Post"] or ""),
        "text": text,
        "html": html,
        "links": sorted(set(_LINK.findall(text))),
    }


def mails(region: str) -> list[dict[str, Any]]:
    backend = ses_backends[DEFAULT_ACCOUNT_ID][region]
    found = []
    for message in backend.sent_messages:
        raw = getattr(message, "raw_data", None)
        if raw is not None:
            if message.id not in _parsed:
                _parsed[message.id] = _mail(message.id, raw)
            found.append(dict(_parsed[message.id]))
        else:
            found.append(
                {
                    "id": message.id,
                    "from": message.source,
                    "to": ", ".join(message.destinations.get("ToAddresses", [])),
                    "subject": message.subject,
                    "text": "",
                    "html": message.body,
                    "links": _LINK.findall(message.body),
                }
            )
    return found


def sms(region: str) -> list[dict[str, Any]]:
    backend = sns_backends[DEFAULT_ACCOUNT_ID][region]
    return [{"id": mid, "to": number, "text": text} for mid, (number, text) in backend.sms_messages.items()]


def clear(region: str) -> None:
    _parsed.clear()
    ses_backends[DEFAULT_ACCOUNT_ID][region].sent_messages.clear()
    sns_backends[DEFAULT_ACCOUNT_ID][region].sms_messages.clear()
