"""SES receipt-rule handler: an answer to a ticket mail becomes a reply on that ticket (or a follow-up
of a closed one), and a mail to the support address a new request. SES has stored the raw message in
S3 and passes its verdicts; this handler

1. requires SPF, DKIM and DMARC to pass and the spam and virus scans not to fail,
2. takes the reply token from the envelope recipients (never from To/Cc headers, which anyone can
   write) and requires exactly one,
3. ignores mail from machines (auto-replies, bounces, lists) and from our own addresses (no loops),
   and refuses a mail addressed to anyone else besides us (a Cc trying to bring people in: an
   e-mail never adds participants, and a reply the Cc'd person cannot follow is better not taken),
4. lets the tickets service resolve the token to ticket and participant and require the sender to be
   that participant;
5. without a token, a mail whose envelope names the support address becomes a new request (the same
   gates 1 and 3; the other addresses it went to, ours left out, are put in copy), rate-limited per
   sender and per sender domain.

A refused mail changes nothing and is answered by nobody (no backscatter); the log says why, with SES's
message id and no personal data. Errors (throttling, timeouts) raise, so Lambda retries the
asynchronous invocation and finally parks the event in the dead-letter queue; a retried mail that
was handled before is recognised and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import replies
from shared.addresses import normalise_or_none
from shared.log import get_logger
from tickets import dependencies, inbound
from tickets.email_replies import EmailOutcome, EmailReply
from tickets.email_requests import EmailRequest
from tickets.mailbox import Mailbox
from tickets.settings import TicketsMailSettings, mail_settings

logger = get_logger("tickets-mail")
VERDICTS_REQUIRED = ("spf", "dkim", "dmarc")
VERDICTS_NOT_FAILED = ("spam", "virus")


def _refused(reason: str) -> EmailOutcome:
    return EmailOutcome("refused", reason)


class TakesMail(Protocol):
    def reply_by_email(self, mail: EmailReply) -> EmailOutcome: ...

    def request_by_email(self, mail: EmailRequest, limits: tuple[int, int]) -> EmailOutcome: ...


def receive(
    record: dict[str, Any],
    settings: TicketsMailSettings,
    service: TakesMail,
    mailbox: Mailbox,
    reply_key: Callable[[], bytes],
) -> EmailOutcome:
    """What becomes of one received mail; everything before the service is decided here."""
    ses = record.get("ses", {})
    mail, receipt = ses.get("mail", {}), ses.get("receipt", {})
    failed = [
        name for name in VERDICTS_REQUIRED if receipt.get(f"{name}Verdict", {}).get("status") != "PASS"
    ] + [name for name in VERDICTS_NOT_FAILED if receipt.get(f"{name}Verdict", {}).get("status") == "FAIL"]
    if failed:
        return _refused("verdict_" + "_".join(failed))
    tokens = {
        token
        for recipient in receipt.get("recipients", [])
        if (token := replies.parse(str(recipient), settings.reply_domain)) is not None
    }
    support = normalise_or_none(settings.support_address)
    to_support = any(normalise_or_none(str(r)) == support for r in receipt.get("recipients", []))
    if len(tokens) > 1 or (not tokens and not to_support):
        return _refused("no_token" if not tokens else "several_tokens")
    mail_id = str(mail["messageId"])
    parsed = inbound.parse(mailbox.raw(mail_id), envelope_sender=mail.get("source"))
    if parsed.automatic:
        return _refused(f"automatic_{parsed.automatic}")
    if parsed.sender is None:
        return _refused("sender_missing")
    own = {
        settings.reply_domain.lower(),
        settings.sender_address.rpartition("@")[2].lower(),
        settings.support_address.rpartition("@")[2].lower(),
    }

    def ours(address: str) -> bool:
        domain = address.rpartition("@")[2]
        return any(domain == d or domain.endswith(f".{d}") for d in own)

    if ours(parsed.sender):
        return _refused("own_address")
    if not tokens:
        return service.request_by_email(
            EmailRequest(
                # one message however often it arrives: the sender's Message-ID when it has one
                mail_id=replies.message_key(parsed.sender, parsed.message_id)
                if parsed.message_id
                else mail_id,
                sender=parsed.sender,
                sender_name=parsed.sender_name,
                subject=parsed.subject,
                text=parsed.text,
                files=parsed.files,
                copied=[a for a in parsed.recipients if normalise_or_none(a) == a and not ours(a)],
                references=parsed.references,
                request_type=settings.mail_request_type,
                reply_domain=settings.reply_domain,
            ),
            (settings.mail_requests_per_sender_per_hour, settings.mail_requests_per_domain_per_hour),
        )
    if any(a != parsed.sender and not ours(a) for a in parsed.recipients):
        return _refused("foreign_recipients")  # an e-mail never adds participants
    return service.reply_by_email(
        EmailReply(
            mail_id=mail_id,
            token=tokens.pop(),
            key=reply_key(),
            sender=parsed.sender,
            text=parsed.text,
            files=parsed.files,
        )
    )


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = mail_settings()
    service, mailbox, reply_key = dependencies.mail()
    results = []
    for record in event.get("Records", []):
        outcome = receive(record, settings, service, mailbox, reply_key)
        logger.info(
            "inbound mail",
            extra={
                "mail_id": record.get("ses", {}).get("mail", {}).get("messageId"),
                "result": outcome.result,
                "reason": outcome.reason,
                "ticket_id": outcome.ticket_id,
                "rejected_files": outcome.rejected_files,
            },
        )
        results.append({"result": outcome.result, "reason": outcome.reason, "ticket_id": outcome.ticket_id})
    return {"results": results}
