"""Where moto answers differently from AWS, the local stack makes it answer as AWS does.

Each fix names what AWS does; moto runs in this process (infra/local/services.py), so a fix is a small
wrapper around the moto method that misbehaves. S3's POST policy lives in s3_post_policy.py.
"""

from __future__ import annotations

from typing import Any

from moto.cognitoidp.exceptions import NotAuthorizedError
from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpUserPool

_applied = False


def apply() -> None:
    global _applied
    if _applied:
        return
    _applied = True
    _apply_links()
    original = CognitoIdpUserPool.create_tokens_from_refresh_token

    def create_tokens_from_refresh_token(self: CognitoIdpUserPool, refresh_token: str) -> Any:
        # AWS: an unknown or malformed refresh token is NotAuthorizedException ("Invalid Refresh Token").
        # moto: a KeyError, which its server turns into an HTML 500.
        if refresh_token not in self.refresh_tokens:
            raise NotAuthorizedError("Invalid Refresh Token")
        # AWS: a deleted user's refresh tokens are revoked with it; moto: a KeyError (500) again.
        issued = self.refresh_tokens[refresh_token]
        if issued and issued[1] and self._get_user(issued[1]) is None:
            raise NotAuthorizedError("Refresh Token has been revoked")
        return original(self, refresh_token)

    CognitoIdpUserPool.create_tokens_from_refresh_token = create_tokens_from_refresh_token  # type: ignore[method-assign]

    validate_password = CognitoIdpBackend._validate_password

    def _validate_password(self: CognitoIdpBackend, user_pool_id: str, password: str) -> None:
        # AWS: a password may have up to 256 characters (the API's PasswordType); moto refuses any of
        # 99 or more unless the pool's policy says otherwise (a MaximumLength AWS's policy does not have).
        policy = self.describe_user_pool(user_pool_id).extended_config.setdefault("Policies", {})
        rules = policy.setdefault("PasswordPolicy", {})
        had = "MaximumLength" in rules
        rules.setdefault("MaximumLength", 257)  # moto compares with <
        try:
            validate_password(self, user_pool_id, password)
        finally:
            if not had:
                del rules["MaximumLength"]

    CognitoIdpBackend._validate_password = _validate_password  # type: ignore[method-assign]


# AdminLinkProviderForUser (moto has none): which provider identity ("Google_123") signs in as which user
# of a pool. The local stack's simulated provider sign-in (infra/local/federation.py) reads it.
LINKED: dict[str, dict[str, str]] = {}


def _apply_links() -> None:
    from moto.cognitoidp.models import flatten_attrs
    from moto.cognitoidp.responses import CognitoIdpResponse

    def _get_user(self: CognitoIdpUserPool, username: str) -> Any:
        # AWS: an e-mail used as the username finds the pool's own (password) users only, never a user a
        # provider created (Google_…); moto matched those too, so a provider user with an address would
        # block the real owner's registration and be linked to by another provider.
        if self.extended_config.get("UsernameAttributes"):
            for user in self.users.values():
                if user.status == "EXTERNAL_PROVIDER":
                    continue
                values = flatten_attrs(user.attributes)
                if username in [values.get(a) for a in self.extended_config["UsernameAttributes"]]:
                    return user
        return self.users.get(username)

    CognitoIdpUserPool._get_user = _get_user  # type: ignore[method-assign]

    def admin_link_provider_for_user(self: CognitoIdpResponse) -> str:
        pool_id = self._get_param("UserPoolId")
        destination = self._get_param("DestinationUser")
        source = self._get_param("SourceUser")
        user = self.backend.admin_get_user(
            pool_id, destination["ProviderAttributeValue"]
        )  # as AWS: must exist
        identity = f"{source['ProviderName']}_{source['ProviderAttributeValue']}"
        LINKED.setdefault(pool_id, {})[identity] = user.username
        return "{}"

    CognitoIdpResponse.admin_link_provider_for_user = admin_link_provider_for_user  # type: ignore[attr-defined]
