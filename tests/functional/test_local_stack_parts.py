"""Parts of the local stack and shared adapters that the accounts journey does not reach."""

from __future__ import annotations

from typing import Any

import pytest

from infra.local import outbox
from infra.local.delivery import EventDelivery, rate_seconds
from infra.local.lambda_runtime import FunctionProcess
from infra.local.template import Resolver
from shared.sms import SmsSender
from tests.conftest import REGION, LocalAws


def test_sms_sender_reaches_the_outbox(local_aws: LocalAws) -> None:
    message_id = SmsSender(local_aws.client("sns"), "Praxis").send(
        "+4917112345678", "Neuer Termin am 9.9. 12:00"
    )
    assert message_id
    assert {"id": message_id, "to": "+4917112345678", "text": "Neuer Termin am 9.9. 12:00"} in outbox.sms(
        REGION
    )


@pytest.fixture
def batch_function() -> Any:
    process = FunctionProcess("BatchFunction", "tests.support.batch_handler.handler", {}, ".")
    process.start()
    yield process
    process.stop()


def test_sqs_delivery_keeps_only_the_reported_failures(
    local_aws: LocalAws, batch_function: FunctionProcess
) -> None:
    sqs = local_aws.client("sqs")
    url = sqs.create_queue(QueueName="test-delivery")["QueueUrl"]
    template = {
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "test-delivery"}},
            "BatchFunction": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Handler": "tests.support.batch_handler.handler",
                    "Events": {
                        "Jobs": {
                            "Type": "SQS",
                            "Properties": {
                                "Queue": {"Fn::GetAtt": ["Queue", "Arn"]},
                                "BatchSize": 10,
                                "FunctionResponseTypes": ["ReportBatchItemFailures"],
                            },
                        },
                        "Tick": {"Type": "Schedule", "Properties": {"Schedule": "rate(5 minutes)"}},
                    },
                },
            },
        }
    }
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    resolver = Resolver(template, region=REGION, attributes={"Queue": {"Arn": arn}})
    delivery = EventDelivery(resolver, {"BatchFunction": batch_function}, local_aws.moto_endpoint, REGION)
    delivery.plan()
    for body in ("ok-1", "fail", "ok-2"):
        sqs.send_message(QueueUrl=url, MessageBody=body)

    assert delivery.deliver_once(delivery.subscriptions[0]) == 3

    counts = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    assert counts == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "1"}
    assert delivery.schedules == [("BatchFunction", 300)]
    sqs.delete_queue(QueueUrl=url)


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [
        ("rate(1 minute)", 60),
        ("rate(10 minutes)", 600),
        ("rate(2 hours)", 7200),
        ("cron(0 12 * * ? *)", None),
    ],
)
def test_schedule_rates(expression: str, seconds: int | None) -> None:
    assert rate_seconds(expression) == seconds
