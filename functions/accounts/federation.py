"""The user pool's pre-sign-up trigger for Google and Facebook (PreSignUp_ExternalProvider).

A person who registered with e-mail and password and later signs in with Google or Facebook with the same
address gets one account, not two: when the provider says it verified the address and a password user
has it, the provider's identity is linked to that user (AdminLinkProviderForUser), and Cognito signs the
person in as them. An address the provider did not verify is never linked: the sign-in makes a user of
its own, whose profile cannot be completed with an address another account has (accounts.signup).
Runs without the accounts table: the trigger gets the pool from the event (no circular template)."""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from shared import aws
from shared.addresses import normalise_or_none
from shared.clock import SystemClock
from shared.events import DomainEvent, EventPublisher
from shared.log import get_logger

logger = get_logger("accounts-federation")
PROVIDERS = {"google": "Google", "facebook": "Facebook"}


class SelfSignUpRefused(Exception):
    """Cognito refuses the sign-up when its trigger raises: registration goes through the portal's API
    (consent, activation link), never through the pool's public SignUp."""


def link(cognito: Any, event: dict[str, Any]) -> str:
    """What the trigger did: "linked", "kept_apart" (unverified), "new" (no such user) or "admin"."""
    source = event.get("triggerSource")
    if source == "PreSignUp_SignUp":
        raise SelfSignUpRefused("self sign-up is not offered")
    if source != "PreSignUp_ExternalProvider":
        return "admin"  # our own AdminCreateUser (activation)
    provider_key, _, subject = str(event.get("userName", "")).partition("_")
    provider = PROVIDERS.get(provider_key.lower())
    attributes = (event.get("request") or {}).get("userAttributes") or {}
    email = normalise_or_none(str(attributes.get("email", "")))
    if provider is None or not subject or email is None:
        return "new"
    if str(attributes.get("email_verified", "")).lower() != "true":
        return "kept_apart"  # an address the provider did not verify never takes over an account
    pool = str(event["userPoolId"])
    try:
        existing = cognito.admin_get_user(UserPoolId=pool, Username=email)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "UserNotFoundException":
            return "new"
        raise
    cognito.admin_link_provider_for_user(
        UserPoolId=pool,
        DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": existing["Username"]},
        SourceUser={
            "ProviderName": provider,
            "ProviderAttributeName": "Cognito_Subject",
            "ProviderAttributeValue": subject,
        },
    )
    linked_to = {a["Name"]: a["Value"] for a in existing.get("UserAttributes", [])}.get("sub")
    if linked_to and os.environ.get("EVENT_BUS_NAME"):  # the audit trail: an identity joined an account
        EventPublisher(aws.events(), os.environ["EVENT_BUS_NAME"], "portal.accounts", SystemClock()).publish(
            [DomainEvent("FederatedAccountLinked", {"user_id": linked_to})]
        )
    return "linked"


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    outcome = link(aws.cognito(), event)
    logger.info("pre sign-up", extra={"trigger": event.get("triggerSource"), "outcome": outcome})
    return event
