"""Who is a support agent (the user pool's `agents` group), for assigning tickets. The service sees only
`AgentDirectory`; tests use a fake with a fixed set (tests/support/fakes.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from botocore.exceptions import ClientError

from shared.identity import AGENTS_GROUP

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient


@runtime_checkable
class AgentDirectory(Protocol):
    def is_agent(self, user_id: str) -> bool: ...


class CognitoAgentDirectory:
    def __init__(self, client: CognitoIdentityProviderClient, user_pool_id: str) -> None:
        self._cognito = client
        self._pool = user_pool_id

    def is_agent(self, user_id: str) -> bool:
        """Asked of the user pool by the user's `sub`."""
        try:
            groups = self._cognito.admin_list_groups_for_user(UserPoolId=self._pool, Username=user_id)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "UserNotFoundException":
                return False
            raise
        return any(g.get("GroupName") == AGENTS_GROUP for g in groups.get("Groups", []))


class NoAgentDirectory:
    """For functions that never assign (the mail function): asking is a programming error."""

    def is_agent(self, user_id: str) -> bool:
        raise RuntimeError("this function does not look up agents")
