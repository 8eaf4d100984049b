"""What users notice when AWS misbehaves, and how many AWS calls each request costs."""

from __future__ import annotations

import json

import boto3

from tests.functional.conftest import PASSWORD, AccountsDriver
from tests.support.aws_calls import count_aws_calls
from tests.support.failing import FailingClient


def _fresh(service: str) -> object:
    return boto3.client(service)  # type: ignore[call-overload]


def test_a_throttled_registration_mail_is_sent_when_the_queue_delivers_again(
    accounts: AccountsDriver,
) -> None:
    email = accounts.new_email()
    accounts.inject("sesv2", FailingClient(_fresh("sesv2"), {"send_email": ("TooManyRequestsException", 1)}))

    assert accounts.register(email).status == 202  # the answer does not wait for the mail
    assert accounts.run_account_requests() == (0, 1)  # SES throttled: the message stays in the queue
    assert len(accounts.mails_to(email)) == 1  # delivered again, sent once
    assert accounts.run_account_requests() == (0, 0)


def test_activation_stores_nothing_half_when_the_table_write_fails(accounts: AccountsDriver) -> None:
    email = accounts.new_email()
    accounts.register(email)
    token = accounts.token_from_mail(email, "aktivieren")
    failing = FailingClient(
        _fresh("dynamodb"), {"transact_write_items": ("ProvisionedThroughputExceededException", 1)}
    )
    accounts.inject("dynamodb", failing)

    failed = accounts.call("POST", "/accounts/activation", json_body={"token": token, "password": PASSWORD})

    assert failed.status == 503
    assert failing.failed == ["transact_write_items"]
    cognito = accounts.aws.client("cognito-idp")
    pool = accounts.aws.resolver.physical_ids["UserPool"]
    users = cognito.list_users(UserPoolId=pool, Filter=f'email = "{email}"')["Users"]
    assert users == []  # the pool followed the table: no orphan user
    retried = accounts.call("POST", "/accounts/activation", json_body={"token": token, "password": PASSWORD})
    assert retried.status == 200


def test_events_reach_the_bus(accounts: AccountsDriver) -> None:
    sqs, events = accounts.aws.client("sqs"), accounts.aws.client("events")
    bus = accounts.aws.resolver.physical_ids["EventBus"]
    queue_url = sqs.create_queue(QueueName="test-accounts-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    events.put_rule(
        Name="test-accounts", EventBusName=bus, EventPattern=json.dumps({"source": ["portal.accounts"]})
    )
    events.put_targets(Rule="test-accounts", EventBusName=bus, Targets=[{"Id": "q", "Arn": queue_arn}])
    try:
        admin = accounts.registered_account("admin")  # activation publishes UserActivated
        org_id = accounts.organisation(admin)
        received = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)[
            "Messages"
        ]
        published = [json.loads(m["Body"]) for m in received]
        kinds = [e["detail-type"] for e in published]
        assert kinds == ["UserActivated", "OrganisationCreated", "OrganisationMemberJoined"]
        created = published[1]["detail"]
        assert created["data"] == {"organisation_id": org_id, "created_by": admin.user_id}
        assert set(created["metadata"]) == {"event_id", "version", "occurred_at", "correlation_id"}
        assert admin.email not in json.dumps(published)  # ids only, no personal data on the bus
    finally:
        events.remove_targets(Rule="test-accounts", EventBusName=bus, Ids=["q"])
        events.delete_rule(Name="test-accounts", EventBusName=bus)
        sqs.delete_queue(QueueUrl=queue_url)


def test_a_failed_publish_does_not_undo_the_change(accounts: AccountsDriver) -> None:
    admin = accounts.account("admin")
    accounts.inject("events", FailingClient(_fresh("events"), {"put_events": ("ThrottlingException", 5)}))
    created = accounts.call(
        "POST", "/organisations", token=admin.access_token, json_body={"name": "Praxis Ost"}
    )
    assert created.status == 201
    assert (
        accounts.call("GET", "/accounts/me", token=admin.access_token).body["organisation"]["name"]
        == "Praxis Ost"
    )


def test_read_endpoints_make_their_minimum_of_dynamodb_calls_besides_the_session_check(
    accounts: AccountsDriver,
) -> None:
    """Every signed-in request reads the caller's profile once (shared.sessions); the profile itself
    is that read."""
    admin = accounts.account("admin")
    org_id = accounts.organisation(admin)
    with count_aws_calls() as profile_calls:
        accounts.call("GET", "/accounts/me", token=admin.access_token)
    with count_aws_calls() as organisation_calls:
        accounts.call("GET", f"/organisations/{org_id}", token=admin.access_token)
    with count_aws_calls() as member_calls:
        accounts.call("GET", f"/organisations/{org_id}/members", token=admin.access_token)
    assert dict(profile_calls) == {"dynamodb:GetItem": 1}
    # and the calendars in use, beside the licence (the notifications table's counter)
    assert dict(organisation_calls) == {"dynamodb:GetItem": 2, "dynamodb:Query": 1}
    assert dict(member_calls) == {"dynamodb:GetItem": 1, "dynamodb:Query": 1}


def test_write_endpoints_stay_at_their_minimum(accounts: AccountsDriver) -> None:
    admin = accounts.account("admin")
    invitee = accounts.account("invitee")
    with count_aws_calls() as create_calls:
        org_id = accounts.organisation(admin)
    with count_aws_calls() as invite_calls:
        accounts.call(
            "POST",
            f"/organisations/{org_id}/invitations",
            token=admin.access_token,
            json_body={"email": invitee.email},
        )
    assert dict(create_calls) == {
        "dynamodb:GetItem": 1,
        "dynamodb:TransactWriteItems": 1,
        "events:PutEvents": 1,
    }
    assert dict(invite_calls) == {
        "dynamodb:GetItem": 2,  # the session check, and the invitee's address on the suppression list
        "dynamodb:BatchGetItem": 1,
        "dynamodb:TransactWriteItems": 1,
        "dynamodb:UpdateItem": 1,  # the per-address mail cap
        "sesv2:SendEmail": 1,
        "events:PutEvents": 1,
    }
