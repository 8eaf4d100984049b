"""Creates, on DynamoDB Local and moto's server, every resource template.yaml declares that the local
stack needs: tables, the event bus, queues, rules, buckets, secrets, the user pool with its client
and groups, and the SES sender identity. Physical names and attributes are recorded on the Resolver.
"""

from __future__ import annotations

import json
import secrets as secrets_module
from typing import Any

import boto3

from infra.local.template import Resolver

TABLE_KEYS = (
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "BillingMode",
    "StreamSpecification",
)


def client(service: str, endpoint: str, region: str) -> Any:
    return boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def tables(resolver: Resolver, dynamodb: Any, suffix: str = "") -> None:
    for logical, resource in resolver.resources("AWS::DynamoDB::Table").items():
        props = resolver.resolve(resource["Properties"])
        name = props.get("TableName", logical) + suffix
        args = {k: props[k] for k in TABLE_KEYS if k in props}
        args.setdefault("BillingMode", "PAY_PER_REQUEST")
        dynamodb.create_table(TableName=name, **args)
        resolver.physical_ids[logical] = name
        resolver.attributes[logical] = {
            "Arn": f"arn:aws:dynamodb:{resolver.region}:{resolver.account_id}:table/{name}"
        }


def event_buses(resolver: Resolver, events: Any) -> None:
    for logical, resource in resolver.resources("AWS::Events::EventBus").items():
        name = resolver.resolve(resource["Properties"])["Name"]
        arn = events.create_event_bus(Name=name)["EventBusArn"]
        resolver.physical_ids[logical] = name
        resolver.attributes[logical] = {"Arn": arn, "Name": name}


def queues(resolver: Resolver, sqs: Any) -> None:
    for logical, resource in resolver.resources("AWS::SQS::Queue").items():
        props = resolver.resolve(resource.get("Properties", {}))
        name = props.get("QueueName", f"{resolver.stack_name}-{logical}")
        attributes = {
            k: (json.dumps(v) if isinstance(v, dict) else str(v))
            for k, v in props.items()
            if k in ("VisibilityTimeout", "MessageRetentionPeriod", "RedrivePolicy", "DelaySeconds")
        }
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        resolver.physical_ids[logical] = url
        resolver.attributes[logical] = {"Arn": arn, "QueueName": name, "QueueUrl": url}


def rules(resolver: Resolver, events: Any) -> None:
    for logical, resource in resolver.resources("AWS::Events::Rule").items():
        props = resolver.resolve(resource["Properties"])
        name = props.get("Name", f"{resolver.stack_name}-{logical}")
        bus = props.get("EventBusName", "default")
        args: dict[str, Any] = {"Name": name, "EventBusName": bus, "State": props.get("State", "ENABLED")}
        if "EventPattern" in props:
            args["EventPattern"] = json.dumps(props["EventPattern"])
        if "ScheduleExpression" in props:
            args["ScheduleExpression"] = props["ScheduleExpression"]
        arn = events.put_rule(**args)["RuleArn"]
        targets = [
            {k: v for k, v in t.items() if k in ("Id", "Arn", "Input", "InputPath")}
            for t in props.get("Targets", [])
        ]
        if targets:
            events.put_targets(Rule=name, EventBusName=bus, Targets=targets)
        resolver.physical_ids[logical] = name
        resolver.attributes[logical] = {"Arn": arn}


def buckets(resolver: Resolver, s3: Any) -> None:
    for logical, resource in resolver.resources("AWS::S3::Bucket").items():
        props = resolver.resolve(resource.get("Properties", {}))
        name = props.get("BucketName", f"{resolver.stack_name}-{logical}".lower())
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": resolver.region})
        resolver.physical_ids[logical] = name
        resolver.attributes[logical] = {"Arn": f"arn:aws:s3:::{name}"}


def user_pools(resolver: Resolver, cognito: Any) -> None:
    pool_keys = ("Policies", "UsernameAttributes", "AdminCreateUserConfig", "AccountRecoverySetting")
    for logical, resource in resolver.resources("AWS::Cognito::UserPool").items():
        props = resolver.resolve(resource["Properties"])
        args = {k: props[k] for k in pool_keys if k in props}
        pool = cognito.create_user_pool(PoolName=props["UserPoolName"], **args)["UserPool"]
        resolver.physical_ids[logical] = pool["Id"]
        resolver.attributes[logical] = {
            "Arn": pool["Arn"],
            "ProviderName": f"cognito-idp.{resolver.region}.amazonaws.com/{pool['Id']}",
        }
    client_keys = (
        "ExplicitAuthFlows",
        "GenerateSecret",
        "PreventUserExistenceErrors",
        "EnableTokenRevocation",
        "AccessTokenValidity",
        "IdTokenValidity",
        "RefreshTokenValidity",
        "TokenValidityUnits",
        "SupportedIdentityProviders",
    )
    for logical, resource in resolver.resources("AWS::Cognito::UserPoolClient").items():
        props = resolver.resolve(resource["Properties"])
        args = {k: props[k] for k in client_keys if k in props}
        created = cognito.create_user_pool_client(
            UserPoolId=props["UserPoolId"], ClientName=props["ClientName"], **args
        )["UserPoolClient"]
        resolver.physical_ids[logical] = created["ClientId"]
    for logical, resource in resolver.resources("AWS::Cognito::UserPoolGroup").items():
        props = resolver.resolve(resource["Properties"])
        cognito.create_group(UserPoolId=props["UserPoolId"], GroupName=props["GroupName"])
        resolver.physical_ids[logical] = props["GroupName"]


def secrets(resolver: Resolver, secretsmanager: Any) -> None:
    """Secrets with a generated value (GenerateSecretString), as CloudFormation would make them."""
    for logical, resource in resolver.resources("AWS::SecretsManager::Secret").items():
        props = resolver.resolve(resource["Properties"])
        length = int(props.get("GenerateSecretString", {}).get("PasswordLength", 32))
        value = props.get("SecretString") or secrets_module.token_urlsafe(length)[:length]
        arn = secretsmanager.create_secret(Name=props["Name"], SecretString=value)["ARN"]
        resolver.physical_ids[logical] = arn
        resolver.attributes[logical] = {"Id": arn}


def sender_identity(resolver: Resolver, sesv2: Any) -> None:
    """The sender's identity (in AWS verified through the DKIM records of the stack's outputs; locally at
    once) and the configuration set every mail goes through."""
    sender = resolver.parameter("SenderAddress")
    sesv2.create_email_identity(EmailIdentity=sender.rpartition("@")[2])
    sesv2.create_email_identity(EmailIdentity=sender)
    for logical, resource in resolver.resources("AWS::SES::ConfigurationSet").items():
        name = resolver.resolve(resource["Properties"])["Name"]
        sesv2.create_configuration_set(ConfigurationSetName=name)
        resolver.physical_ids[logical] = name
    for logical in resolver.resources("AWS::IAM::ManagedPolicy"):
        resolver.physical_ids[logical] = f"arn:aws:iam::123456789012:policy/{resolver.stack_name}-{logical}"


def function_names(resolver: Resolver) -> None:
    """The functions' names and ARNs, which other resources name (the user pool's trigger)."""
    for logical in resolver.resources("AWS::Serverless::Function"):
        name = resolver.physical_ids.setdefault(logical, f"{resolver.stack_name}-{logical}")
        resolver.attributes.setdefault(
            logical, {"Arn": f"arn:aws:lambda:{resolver.region}:123456789012:function:{name}"}
        )
    for logical in resolver.resources("AWS::ApiGatewayV2::Api"):  # served by infra/local/realtime.py
        resolver.physical_ids.setdefault(logical, "local-websocket")


def everything(resolver: Resolver, dynamodb_endpoint: str, moto_endpoint: str) -> None:
    region = resolver.region
    function_names(resolver)
    event_buses(resolver, client("events", moto_endpoint, region))
    tables(resolver, client("dynamodb", dynamodb_endpoint, region))
    buckets(resolver, client("s3", moto_endpoint, region))
    queues(resolver, client("sqs", moto_endpoint, region))
    sender_identity(resolver, client("sesv2", moto_endpoint, region))  # rules name the configuration set
    rules(resolver, client("events", moto_endpoint, region))
    secrets(resolver, client("secretsmanager", moto_endpoint, region))
    user_pools(resolver, client("cognito-idp", moto_endpoint, region))
    for logical in resolver.resources("AWS::Serverless::Function"):
        resolver.physical_ids.setdefault(logical, f"{resolver.stack_name}-{logical}")
    for logical in resolver.resources("AWS::Serverless::HttpApi"):
        resolver.physical_ids.setdefault(logical, "local")


def function_environment(resolver: Resolver, logical: str) -> dict[str, str]:
    """The environment the template gives one function: Globals merged with its own variables."""
    global_vars = resolver.template.get("Globals", {}).get("Function", {}).get("Environment", {})
    own = resolver.template["Resources"][logical].get("Properties", {}).get("Environment", {})
    merged = {**global_vars.get("Variables", {}), **own.get("Variables", {})}
    return {k: str(v) for k, v in resolver.resolve(merged).items()}
