"""boto3 clients, created once per process and replaceable in tests.

Endpoints come from boto3's own AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> variables, so the same
code talks to AWS, to DynamoDB Local and to moto's server without a branch.
Every client passes each API call to the registered call hooks (botocore's before-call event), which
is how tests count the AWS calls one request makes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient

CallHook = Callable[[str, str], None]

# What AWS answers when it is busy or down: worth a retry. Any other refusal of a call (a validation
# error, say) means this code asked for something it must not, so it is our error, not the client's
# cue to come back.
RETRYABLE_ERRORS = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "LimitExceededException",
        "TransactionConflictException",
        "TransactionInProgressException",
        "InternalServerError",
        "InternalFailure",
        "InternalErrorException",
        "InternalError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "SlowDown",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)

_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 3},
    connect_timeout=2,
    read_timeout=5,
    tcp_keepalive=True,
)
# For calls that must not be repeated behind our back (SES SendEmail, SNS Publish are not idempotent):
# one attempt; the caller decides what a failure means.
_ONCE = Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=2, read_timeout=5)
ONCE = "#once"
_clients: dict[str, Any] = {}
_hooks: list[CallHook] = []


def _notify(model: Any, **_: Any) -> None:
    for hook in list(_hooks):
        hook(model.service_model.service_name, model.name)


def client(service: str, *, once: bool = False) -> Any:
    name = f"{service}{ONCE}" if once else service
    if name not in _clients:
        config = _ONCE if once else _CONFIG
        created = boto3.client(service, config=config)  # type: ignore[call-overload]
        created.meta.events.register("before-call", _notify)
        _clients[name] = created
    return _clients[name]


def override(service: str, replacement: Any) -> None:
    """Use another client (a Stubber-wrapped one, or one pointed elsewhere) for this process, also where
    the code asks for the service's call-once client."""
    if hasattr(replacement, "meta"):
        replacement.meta.events.register("before-call", _notify)
    _clients[service] = replacement
    _clients[f"{service}{ONCE}"] = replacement


def reset() -> None:
    _clients.clear()


def add_call_hook(hook: CallHook) -> None:
    _hooks.append(hook)


def remove_call_hook(hook: CallHook) -> None:
    _hooks.remove(hook)


def dynamodb() -> DynamoDBClient:
    return cast("DynamoDBClient", client("dynamodb"))


def cognito() -> CognitoIdentityProviderClient:
    return cast("CognitoIdentityProviderClient", client("cognito-idp"))


def events() -> EventBridgeClient:
    return cast("EventBridgeClient", client("events"))


def s3() -> S3Client:
    return cast("S3Client", client("s3"))


def sesv2(*, once: bool = False) -> SESV2Client:
    return cast("SESV2Client", client("sesv2", once=once))


def sqs() -> SQSClient:
    return cast("SQSClient", client("sqs"))


def sns(*, once: bool = False) -> SNSClient:
    return cast("SNSClient", client("sns", once=once))


def secretsmanager() -> SecretsManagerClient:
    return cast("SecretsManagerClient", client("secretsmanager"))
