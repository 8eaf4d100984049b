"""Session-wide real parts: DynamoDB Local and moto's server, provisioned from template.yaml."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from infra.local import provision
from infra.local.services import DynamoDBLocal, MotoServer
from infra.local.template import Resolver, load

REGION = "eu-central-1"


@dataclass
class LocalAws:
    resolver: Resolver
    dynamodb_endpoint: str
    moto_endpoint: str

    def client(self, service: str):  # type: ignore[no-untyped-def]
        endpoint = self.dynamodb_endpoint if service == "dynamodb" else self.moto_endpoint
        return provision.client(service, endpoint, REGION)


@pytest.fixture(scope="session")
def local_aws() -> Iterator[LocalAws]:
    dynamodb, moto = DynamoDBLocal(), MotoServer()
    dynamodb.start()
    moto.start()
    try:
        resolver = Resolver(
            load(),
            parameters={
                "Stage": "test",
                "PortalUrl": "https://portal.test",
                "PublicApiUrl": "https://api.test",
                "AnonymousRequestsPerHour": "5",
                "KbIndexCacheSeconds": "0",
            },
            region=REGION,
        )
        provision.everything(resolver, dynamodb.endpoint, moto.endpoint)
        yield LocalAws(resolver, dynamodb.endpoint, moto.endpoint)
    finally:
        moto.stop()
        dynamodb.stop()


@pytest.fixture(scope="session")
def function_environment(local_aws: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The environments template.yaml gives the functions (their variables do not clash), pointed at
    the local parts."""
    saved = dict(os.environ)
    index_dir = tmp_path_factory.mktemp("kb-index")
    for function in (
        "AccountsFunction",
        "AccountsWorkerFunction",
        "AttachmentScanFunction",
        "TicketsMailFunction",
        "TicketsEventsFunction",
        "MailFeedbackFunction",
        "TicketsRetentionFunction",
        "AccountsFederationFunction",
        "RealtimeFunction",
        "RealtimePushFunction",
        "TicketsFunction",
        "BroadcastSenderFunction",
        "InboxConsumerFunction",
        "InboxFunction",
        "NotificationsConsumerFunction",
        "NotificationsRetryFunction",
        "NotificationsFunction",
        "KbIndexerFunction",
        "KbFunction",
    ):
        os.environ.update(provision.function_environment(local_aws.resolver, function))
    os.environ.update(
        {
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_ENDPOINT_URL": local_aws.moto_endpoint,
            "AWS_ENDPOINT_URL_DYNAMODB": local_aws.dynamodb_endpoint,
            "INDEX_DIR": str(index_dir),
        }
    )
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
