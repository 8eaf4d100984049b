"""SMS through SNS, as transactional messages (delivered even to numbers that opted out of marketing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient


class SmsSender:
    def __init__(self, client: SNSClient, sender_id: str) -> None:
        self._client = client
        self._sender_id = sender_id

    def send(self, phone_e164: str, text: str) -> str:
        """Sends one SMS to an E.164 number and returns SNS's message id."""
        response = self._client.publish(
            PhoneNumber=phone_e164,
            Message=text,
            MessageAttributes={
                "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
                "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": self._sender_id},
            },
        )
        return str(response.get("MessageId", ""))
